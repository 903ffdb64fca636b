import type { HeadModel } from '../../head-model/head-model';
import { bakeableTriangles } from '../../texture/bakeable-triangles';
import { faceMetricRegion } from '../fit-metrics';
import { fitPhotosStepwise, type FitOptions, type FitResult, type PhotoObservation } from '../fit-photos';
import { buildFitPoints, type FitPoints } from '../fit-points';
import type { PhotometricView } from '../photometric-samples';
import { photometricObservation } from '../photometric-term';
import { solveLightAndAlbedo } from '../solve-light-albedo';

/** Fit points with a photometric block, and each vertex's texture coordinate (built once per pack). */
export interface PhotometricPoints {
  points: FitPoints;
  vertices: Int32Array;
  vertexUv: Float64Array;
}

export interface PhotometricRefineStageOptions {
  /** Every n-th vertex of the face crop is a photometric point (~500 on ICT-FaceKit). */
  stride: number;
  /** Levenberg–Marquardt iterations of the refinement (one pass: repeated passes drift, see the tests). */
  iterations: number;
  /**
   * The working albedo the photometric targets are rendered with: its size and alternations. Low
   * resolution is enough for ~800 grey samples per photo (measured on London p002: final RMS 0.0396
   * at 256²×1 against 0.0406 at 512²×2, in a third of the time).
   */
  workingAlbedoSize: number;
  workingAlbedoIterations: number;
  fit: Partial<Omit<FitOptions, 'shouldStop' | 'init'>>;
  shouldStop: (() => boolean) | null;
}

export const PHOTOMETRIC_REFINE_STAGE_DEFAULTS: PhotometricRefineStageOptions = { stride: 6, iterations: 15, workingAlbedoSize: 256, workingAlbedoIterations: 1, fit: {}, shouldStop: null };

/**
 * The model's photometric points: its NoW face crop (see `faceMetricRegion`) where the texture
 * holds the skin, every `stride`-th vertex. Null when the model has no UVs. `base`: the model's
 * landmark fit points, whose Gram tables are shared instead of built again.
 *
 * ```ts
 * const pp = photometricPoints(model, undefined, points);
 * ```
 */
export function photometricPoints(model: HeadModel, stride = PHOTOMETRIC_REFINE_STAGE_DEFAULTS.stride, base?: FitPoints): PhotometricPoints | null {
  if (!model.uv) return null;
  const bakeable = bakeableTriangles(model);
  const vertexUv = new Float64Array((model.template.length / 3) * 2).fill(-1);
  for (let i = 0; i < model.triangles.length; i++) {
    if (!bakeable[Math.floor(i / 3)]) continue;
    const v = model.triangles[i]!, u = model.uv.triangles[i]!;
    vertexUv[v * 2] = model.uv.coords[u * 2]!;
    vertexUv[v * 2 + 1] = model.uv.coords[u * 2 + 1]!;
  }
  const vertices = Int32Array.from(Array.from(faceMetricRegion(model)).filter((v, i) => i % stride === 0 && vertexUv[v * 2]! >= 0));
  return { points: buildFitPoints(model, { photometric: vertices, gram: base?.gram ?? true }), vertices, vertexUv };
}

/**
 * DECA's photometric loss on the geometry, for a person's photos fitted jointly: a working lighting
 * and shared albedo are estimated for the landmark fit (low resolution), then shape, expressions,
 * poses and cameras are refined with the landmark, eyelid and dense terms plus the photometric term
 * in every photo — where the photos disagree about the shared albedo, the geometry is off. One pass
 * (a second lets the albedo absorb the geometry's errors). The reconstruction's own albedo is solved
 * after this stage, on the refined geometry (the light/albedo stage). A single photo gains nothing
 * (its albedo explains it exactly): it is returned as it is.
 *
 * ```ts
 * const refined = photometricRefineStage(model, pp, observations, views, k, faceMeshTriangles, joint, {});
 * ```
 */
export function photometricRefineStage(
  model: HeadModel,
  pp: PhotometricPoints,
  observations: readonly PhotoObservation[],
  views: readonly PhotometricView[],
  /** Image pixels per photo pixel, per view (the views may be downscaled copies). */
  k: readonly number[],
  meshTriangles: ArrayLike<number> | null,
  start: FitResult,
  options: Partial<PhotometricRefineStageOptions> = {},
): FitResult {
  const o = { ...PHOTOMETRIC_REFINE_STAGE_DEFAULTS, ...options };
  if (views.length < 2) return start;
  const working = solveLightAndAlbedo(model, views, meshTriangles, { size: o.workingAlbedoSize, iterations: o.workingAlbedoIterations });
  if (!working.albedo) return start;
  const obs = observations.map((ob, i) => {
    const view = views[i]!;
    const po = photometricObservation(model, pp.points, pp.vertices, view.vertices, view.normals, view.camera, view.photo, working.albedo!, pp.vertexUv, working.lights[i]!);
    // Map the fitter's photo pixels onto the (possibly downscaled) image.
    const ki = k[i]!;
    return { ...ob, photometric: { ...po, originX: po.originX / ki, originY: po.originY / ki, scale: po.scale * ki } };
  });
  const steps = fitPhotosStepwise(pp.points, obs, { ...o.fit, init: { shape: start.shape, photos: start.photos }, rigidIterations: 0, fullIterations: o.iterations, shouldStop: o.shouldStop });
  let r = steps.next();
  while (!r.done) r = steps.next();
  return r.value;
}
