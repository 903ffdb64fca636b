/**
 * Per-vertex tangents (x, y, z, w) for tangent-space normal maps, from UV derivatives accumulated
 * over the triangles around each vertex (Lengyel's method), orthogonalised against the normal;
 * w = ±1 gives the bitangent's handedness. glTF expects them whenever a material has a normal map.
 *
 * `uvs` are in the OBJ convention (v up the image). The tangent follows +u and the bitangent
 * cross(normal, tangent)·w follows +v, up the image: the OpenGL normal-map convention glTF asks for
 * (+Y up). Given glTF's flipped v instead, w would come out negated (the DirectX convention), which
 * is why a writer must pass the model's own UVs here, not the flipped ones it stores.
 *
 * ```ts
 * const tangents = vertexTangents(positions, normals, uvs, indices);
 * ```
 */
export function vertexTangents(positions: Float32Array, normals: Float32Array, uvs: Float32Array, indices: Uint32Array): Float32Array {
  const n = positions.length / 3;
  const tan = new Float64Array(n * 3);
  const bit = new Float64Array(n * 3);
  for (let t = 0; t < indices.length; t += 3) {
    const a = indices[t]!, b = indices[t + 1]!, c = indices[t + 2]!;
    const e1 = [positions[b * 3]! - positions[a * 3]!, positions[b * 3 + 1]! - positions[a * 3 + 1]!, positions[b * 3 + 2]! - positions[a * 3 + 2]!];
    const e2 = [positions[c * 3]! - positions[a * 3]!, positions[c * 3 + 1]! - positions[a * 3 + 1]!, positions[c * 3 + 2]! - positions[a * 3 + 2]!];
    const du1 = uvs[b * 2]! - uvs[a * 2]!, dv1 = uvs[b * 2 + 1]! - uvs[a * 2 + 1]!;
    const du2 = uvs[c * 2]! - uvs[a * 2]!, dv2 = uvs[c * 2 + 1]! - uvs[a * 2 + 1]!;
    const det = du1 * dv2 - du2 * dv1;
    if (Math.abs(det) < 1e-20) continue;
    const r = 1 / det;
    for (const v of [a, b, c]) {
      for (let k = 0; k < 3; k++) {
        tan[v * 3 + k] += (e1[k]! * dv2 - e2[k]! * dv1) * r;
        bit[v * 3 + k] += (e2[k]! * du1 - e1[k]! * du2) * r;
      }
    }
  }
  const out = new Float32Array(n * 4);
  for (let v = 0; v < n; v++) {
    const nx = normals[v * 3]!, ny = normals[v * 3 + 1]!, nz = normals[v * 3 + 2]!;
    let tx = tan[v * 3]!, ty = tan[v * 3 + 1]!, tz = tan[v * 3 + 2]!;
    const d = tx * nx + ty * ny + tz * nz;
    tx -= nx * d;
    ty -= ny * d;
    tz -= nz * d;
    let len = Math.hypot(tx, ty, tz);
    if (len < 1e-12) {
      // No usable UV gradient here: any unit vector perpendicular to the normal.
      [tx, ty, tz] = Math.abs(nx) < 0.9 ? [0, -nz, ny] : [nz, 0, -nx];
      len = Math.hypot(tx, ty, tz);
    }
    tx /= len;
    ty /= len;
    tz /= len;
    // Handedness: does (N × T) point along the accumulated bitangent?
    const cx = ny * tz - nz * ty, cy = nz * tx - nx * tz, cz = nx * ty - ny * tx;
    const w = cx * bit[v * 3]! + cy * bit[v * 3 + 1]! + cz * bit[v * 3 + 2]! < 0 ? -1 : 1;
    out.set([tx, ty, tz, w], v * 4);
  }
  return out;
}
