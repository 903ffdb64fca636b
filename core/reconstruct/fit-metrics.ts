import { fitRigid } from '../head-model/small-linalg';
import type { HeadModel } from '../head-model/head-model';

/** Outer eye corners of the iBUG 68 scheme (subject's right, left). */
export const OUTER_EYE_CORNERS = [36, 45] as const;

/**
 * Mean landmark distance between the fitted model's projected landmarks and the photo's,
 * divided by the photo's outer-eye-corner distance (the usual normalised mean error).
 *
 * ```ts
 * const nme = normalizedLandmarkError(projected68, photoLandmarks68); // e.g. 0.03
 * ```
 */
export function normalizedLandmarkError(predicted: ArrayLike<number>, observed: ArrayLike<number>, only?: { mask: Uint8Array | null; eyeDistancePx: number | null } | null): number {
  const [a, b] = OUTER_EYE_CORNERS;
  // A profile's few observed landmarks (`only.mask`) are measured against the eye distance its proportions imply.
  const iod = only?.eyeDistancePx ?? Math.hypot(observed[a * 2]! - observed[b * 2]!, observed[a * 2 + 1]! - observed[b * 2 + 1]!);
  let sum = 0, n = 0;
  for (let l = 0; l < 68; l++) {
    if (only?.mask && only.mask[l] !== 1) continue;
    sum += Math.hypot(predicted[l * 2]! - observed[l * 2]!, predicted[l * 2 + 1]! - observed[l * 2 + 1]!);
    n++;
  }
  return sum / n / iod;
}

/**
 * Mean distance between two vertex sets after the best similarity transform (rotation, uniform
 * scale, translation) maps `fitted` onto `truth`, over `indices` (all vertices when omitted).
 *
 * ```ts
 * const mm = 1000 * alignedVertexError(fittedVertices, truthVertices, model.regions.face);
 * ```
 */
export function alignedVertexError(fitted: ArrayLike<number>, truth: ArrayLike<number>, indices?: ArrayLike<number>): number {
  const n = indices ? indices.length : fitted.length / 3;
  const at = (i: number) => (indices ? indices[i]! : i);
  const a = new Float64Array(n * 3), b = new Float64Array(n * 3);
  const ca = [0, 0, 0], cb = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let d = 0; d < 3; d++) {
    a[i * 3 + d] = fitted[at(i) * 3 + d]!;
    b[i * 3 + d] = truth[at(i) * 3 + d]!;
    ca[d] += a[i * 3 + d]! / n;
    cb[d] += b[i * 3 + d]! / n;
  }
  for (let i = 0; i < n; i++) for (let d = 0; d < 3; d++) (a[i * 3 + d] -= ca[d]!), (b[i * 3 + d] -= cb[d]!);
  // The optimal rotation of a similarity does not depend on its scale (Umeyama), so fit it rigidly first.
  const { R } = fitRigid(a, b);
  let num = 0, den = 0;
  const ra = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) for (let r = 0; r < 3; r++) {
    const v = R[r * 3]! * a[i * 3]! + R[r * 3 + 1]! * a[i * 3 + 1]! + R[r * 3 + 2]! * a[i * 3 + 2]!;
    ra[i * 3 + r] = v;
    num += v * b[i * 3 + r]!;
    den += v * v;
  }
  const s = num / den;
  let err = 0;
  for (let i = 0; i < n; i++) err += Math.hypot(s * ra[i * 3]! - b[i * 3]!, s * ra[i * 3 + 1]! - b[i * 3 + 1]!, s * ra[i * 3 + 2]! - b[i * 3 + 2]!);
  return err / n;
}

/** The NoW benchmark's face crop: scan points within this distance (metres) of the nose tip. */
export const NOW_CROP_RADIUS = 0.095;

/**
 * The vertices a face-reconstruction error is measured on, as the NoW benchmark crops its scans:
 * the model's face region (all vertices without one) within 95 mm of the nose tip (landmark 30 of
 * the 68) on the template. Packs' face regions differ widely — ICT-FaceKit's reaches the ears, the
 * scalp and the throat, which no photo-based method sees — so the crop makes errors comparable.
 *
 * ```ts
 * const mm = 1000 * alignedVertexError(fitted, truth, faceMetricRegion(model));
 * ```
 */
export function faceMetricRegion(model: HeadModel, radius = NOW_CROP_RADIUS): Uint32Array {
  const t = model.template;
  const f = model.landmarks.faces[30]!, w = model.landmarks.barycentric;
  const nose = [0, 1, 2].map((d) => [0, 1, 2].reduce((s, k) => s + w[30 * 3 + k]! * t[model.triangles[f * 3 + k]! * 3 + d]!, 0));
  const region = model.regions.face ?? Uint32Array.from({ length: t.length / 3 }, (_, i) => i);
  return region.filter((v) => Math.hypot(t[v * 3]! - nose[0]!, t[v * 3 + 1]! - nose[1]!, t[v * 3 + 2]! - nose[2]!) <= radius);
}
