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

/**
 * Tangents per triangle corner of a model whose UVs are indexed apart from its vertices (corner k
 * has vertex `triangles[k]` and UV `uvTriangles[k]`): each distinct (vertex, UV) pair is one vertex,
 * as an export splits UV seams, and gets {@link vertexTangents}' tangent — the frame a detail normal
 * map is baked in (see `bakeDetailNormals`), so a viewer drawing unindexed corners can use it too.
 * Returns corners × 4 (x, y, z, w).
 *
 * ```ts
 * const t = cornerTangents(posed.vertices, posed.normals, model.triangles, model.uv.triangles, model.uv.coords);
 * ```
 */
export function cornerTangents(positions: ArrayLike<number>, normals: ArrayLike<number>, triangles: Uint32Array, uvTriangles: Uint32Array, uvCoords: ArrayLike<number>): Float32Array {
  const uvCount = uvCoords.length / 2;
  const ids = new Map<number, number>();
  const vertexOf: number[] = [], uvOf: number[] = [];
  const indices = new Uint32Array(triangles.length);
  for (let k = 0; k < triangles.length; k++) {
    const key = triangles[k]! * uvCount + uvTriangles[k]!;
    let id = ids.get(key);
    if (id === undefined) {
      ids.set(key, (id = vertexOf.length));
      vertexOf.push(triangles[k]!);
      uvOf.push(uvTriangles[k]!);
    }
    indices[k] = id;
  }
  const n = vertexOf.length;
  const p = new Float32Array(n * 3), nn = new Float32Array(n * 3), uv = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const v = vertexOf[i]!, u = uvOf[i]!;
    let len = 0;
    for (let d = 0; d < 3; d++) (p[i * 3 + d] = positions[v * 3 + d]!), (len += normals[v * 3 + d]! ** 2);
    // Unit normals, as the export head has them (a zero normal becomes +Z there too).
    len = Math.sqrt(len);
    if (len > 1e-12) for (let d = 0; d < 3; d++) nn[i * 3 + d] = normals[v * 3 + d]! / len;
    else nn[i * 3 + 2] = 1;
    uv[i * 2] = uvCoords[u * 2]!;
    uv[i * 2 + 1] = uvCoords[u * 2 + 1]!;
  }
  const t = vertexTangents(p, nn, uv, indices);
  const out = new Float32Array(triangles.length * 4);
  for (let k = 0; k < triangles.length; k++) out.set(t.subarray(indices[k]! * 4, indices[k]! * 4 + 4), k * 4);
  return out;
}
