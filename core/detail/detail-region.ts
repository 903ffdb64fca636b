import type { HeadModel } from '../head-model/head-model';
import { faceMetricRegion } from '../reconstruct/fit-metrics';
import { bakeableTriangles } from '../texture/bakeable-triangles';

/** The face crop's radius around the nose tip (metres) that bounds the detail region. */
export const DETAIL_REGION_RADIUS = 0.095;

/**
 * 1 for each triangle of the detail region: the skin's (triangles that own their UV space, see
 * `bakeableTriangles`) with all three corners inside the face crop (`faceMetricRegion`, `radius` metres).
 *
 * ```ts
 * const mask = detailTriangles(model, 0.095);
 * ```
 */
export function detailTriangles(model: HeadModel, radius = DETAIL_REGION_RADIUS): Uint8Array {
  const inRegion = new Uint8Array(model.vertexCount);
  for (const v of faceMetricRegion(model, radius)) inRegion[v] = 1;
  const bakeable = bakeableTriangles(model);
  const T = model.triangles.length / 3;
  const mask = new Uint8Array(T);
  for (let t = 0; t < T; t++) {
    const a = model.triangles[t * 3]!, b = model.triangles[t * 3 + 1]!, c = model.triangles[t * 3 + 2]!;
    mask[t] = bakeable[t]! & inRegion[a]! & inRegion[b]! & inRegion[c]!;
  }
  return mask;
}
