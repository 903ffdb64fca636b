import type { HeadModel } from '../head-model/head-model';
import { HEAD_PART, triangleParts } from '../head-model/triangle-parts';

/**
 * The skin's mesh edges as compressed rows (CSR): vertex v's neighbours are
 * `neighbour[offset[v]] … neighbour[offset[v + 1] − 1]`. Each skin triangle (a, b, c) adds its edges
 * (a, b), (b, c), (c, a) in both directions, in triangle order, so an edge two triangles share is
 * listed twice (harmless to the diffusions and shortest paths that walk them).
 */
export interface SkinEdges {
  /** V + 1 offsets into `neighbour`. */
  offset: Int32Array;
  /** The other end of each entry. */
  neighbour: Int32Array;
  /** The corner opposite each entry's edge in the triangle it comes from (for cotangent weights). */
  opposite: Int32Array;
  /** Each entry's length in the template (metres), the same value in both directions. */
  length: Float64Array;
}

const cache = new WeakMap<HeadModel, SkinEdges>();

/**
 * The skin triangles' edges of a head model (see `SkinEdges`), built once per model: the surface
 * fill diffuses colour over them and the trust ramp measures distances along them.
 *
 * ```ts
 * const { offset, neighbour, length } = skinEdges(model);
 * for (let e = offset[v]!; e < offset[v + 1]!; e++) visit(neighbour[e]!, length[e]!);
 * ```
 */
export function skinEdges(model: HeadModel): SkinEdges {
  const hit = cache.get(model);
  if (hit) return hit;
  const V = model.template.length / 3, P = model.template, tri = model.triangles;
  const parts = triangleParts(model);
  const T = tri.length / 3;
  const offset = new Int32Array(V + 1);
  for (let t = 0; t < T; t++) if (parts[t] === HEAD_PART.skin) for (let k = 0; k < 3; k++) offset[tri[t * 3 + k]! + 1] += 2;
  for (let v = 0; v < V; v++) offset[v + 1] += offset[v]!;
  const n = offset[V]!;
  const neighbour = new Int32Array(n), opposite = new Int32Array(n), length = new Float64Array(n), fill = offset.slice(0, V);
  for (let t = 0; t < T; t++) {
    if (parts[t] !== HEAD_PART.skin) continue;
    for (let k = 0; k < 3; k++) {
      const a = tri[t * 3 + k]!, b = tri[t * 3 + ((k + 1) % 3)]!, c = tri[t * 3 + ((k + 2) % 3)]!;
      // |a − b| and |b − a| are the same number: hypot of negated differences.
      const l = Math.hypot(P[a * 3]! - P[b * 3]!, P[a * 3 + 1]! - P[b * 3 + 1]!, P[a * 3 + 2]! - P[b * 3 + 2]!);
      (neighbour[fill[a]!] = b), (opposite[fill[a]!] = c), (length[fill[a]!++] = l);
      (neighbour[fill[b]!] = a), (opposite[fill[b]!] = c), (length[fill[b]!++] = l);
    }
  }
  const edges = { offset, neighbour, opposite, length };
  cache.set(model, edges);
  return edges;
}
