/**
 * Area-weighted unit vertex normals (sum of un-normalised face normals, then normalised) into `out`.
 * Vertices on no triangle get (0, 0, 0).
 *
 * ```ts
 * const normals = new Float32Array(vertices.length); vertexNormals(vertices, model.triangles, normals);
 * ```
 */
export function vertexNormals(vertices: Float32Array, triangles: Uint32Array, out: Float32Array): void {
  out.fill(0);
  for (let t = 0; t < triangles.length; t += 3) {
    const a = triangles[t]! * 3, b = triangles[t + 1]! * 3, c = triangles[t + 2]! * 3;
    const ax = vertices[a]!, ay = vertices[a + 1]!, az = vertices[a + 2]!;
    const ux = vertices[b]! - ax, uy = vertices[b + 1]! - ay, uz = vertices[b + 2]! - az;
    const vx = vertices[c]! - ax, vy = vertices[c + 1]! - ay, vz = vertices[c + 2]! - az;
    const nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
    out[a] += nx; out[a + 1] += ny; out[a + 2] += nz;
    out[b] += nx; out[b + 1] += ny; out[b + 2] += nz;
    out[c] += nx; out[c + 1] += ny; out[c + 2] += nz;
  }
  for (let i = 0; i < out.length; i += 3) {
    const x = out[i]!, y = out[i + 1]!, z = out[i + 2]!;
    const len = Math.sqrt(x * x + y * y + z * z);
    if (len > 0) {
      out[i] = x / len; out[i + 1] = y / len; out[i + 2] = z / len;
    }
  }
}
