import type { HeadModel } from '../../core/head-model/head-model';
import type { HeadModelEvaluator } from '../../core/head-model/head-model-evaluator';
import { faceMetricRegion } from '../../core/reconstruct/fit-metrics';
import { fitPhotosStepwise, type FitOptions, type FitResult, type PhotoObservation } from '../../core/reconstruct/fit-photos';
import { buildFitPoints, type FitPoints } from '../../core/reconstruct/fit-points';
import { photometricObservation } from '../../core/reconstruct/photometric-term';
import { bakeableTriangles } from '../../core/texture/bakeable-triangles';
import { subjectLightAlbedo, type FittedPhoto } from './subject-light-albedo';

/** Fit points with a photometric block, and each vertex's texture coordinate (built once per pack). */
export interface PhotometricPoints {
  points: FitPoints;
  vertices: number[];
  vertexUv: Float64Array;
}

export interface PhotometricRefineOptions {
  /** Every n-th vertex of the face crop is a photometric point (~500 on ICT-FaceKit). */
  stride: number;
  /** Levenberg–Marquardt iterations of the refinement (one pass: repeated passes drift, see the tests). */
  iterations: number;
  fit: Partial<FitOptions>;
}

export const PHOTOMETRIC_REFINE_DEFAULTS: PhotometricRefineOptions = { stride: 6, iterations: 15, fit: {} };

/**
 * The model's photometric points: its NoW face crop (see `faceMetricRegion`) where the texture
 * holds the skin, every `stride`-th vertex. `base`: the model's landmark fit points, whose Gram
 * tables are shared instead of built again.
 *
 * ```ts
 * const pp = photometricPoints(model, undefined, fitModel.points);
 * ```
 */
export function photometricPoints(model: HeadModel, stride = PHOTOMETRIC_REFINE_DEFAULTS.stride, base?: FitPoints): PhotometricPoints | null {
  if (!model.uv) return null;
  const bakeable = bakeableTriangles(model);
  const vertexUv = new Float64Array((model.template.length / 3) * 2).fill(-1);
  for (let i = 0; i < model.triangles.length; i++) {
    if (!bakeable[Math.floor(i / 3)]) continue;
    const v = model.triangles[i]!, u = model.uv.triangles[i]!;
    vertexUv[v * 2] = model.uv.coords[u * 2]!;
    vertexUv[v * 2 + 1] = model.uv.coords[u * 2 + 1]!;
  }
  const vertices = Array.from(faceMetricRegion(model)).filter((v, i) => i % stride === 0 && vertexUv[v * 2]! >= 0);
  return { points: buildFitPoints(model, { photometric: vertices, gram: base?.gram ?? true }), vertices, vertexUv };
}

/**
 * DECA's photometric loss on the geometry, for a person's photos fitted jointly: lighting and the
 * shared albedo are solved for the current fit, then shape, expressions, poses and cameras are
 * refined with the landmark, eyelid and dense terms plus the photometric term in every photo —
 * where the photos disagree about the shared albedo, the geometry is off. One pass (a second one
 * lets the albedo absorb the geometry's errors). A single photo gains nothing: its albedo explains
 * it exactly, so it is returned as it is.
 *
 * ```ts
 * const refined = await refinePhotometric(model, evaluator, pp, observations, photos, joint, steps);
 * ```
 */
export async function refinePhotometric(
  model: HeadModel,
  evaluator: HeadModelEvaluator,
  pp: PhotometricPoints,
  observations: readonly PhotoObservation[],
  photos: readonly FittedPhoto[],
  start: FitResult,
  run: (steps: Generator<number, FitResult, void>) => Promise<FitResult>,
  options: Partial<PhotometricRefineOptions> = {},
): Promise<FitResult> {
  const o = { ...PHOTOMETRIC_REFINE_DEFAULTS, ...options };
  if (photos.length < 2) return start;
  const { result, views } = await subjectLightAlbedo(model, photos, { evaluator });
  if (!result.albedo) return start;
  const obs = observations.map((ob, i) => {
    const view = views[i]!;
    const po = photometricObservation(model, pp.points, pp.vertices, view.vertices, view.normals, view.camera, view.photo, result.albedo!, pp.vertexUv, result.lights[i]!);
    // The view may be a downscaled copy (k < 1): map the fitter's photo pixels onto it.
    const k = view.camera.scale / photos[i]!.fit.camera.scale;
    return { ...ob, photometric: { ...po, originX: po.originX / k, originY: po.originY / k, scale: po.scale * k } };
  });
  return run(fitPhotosStepwise(pp.points, obs, { ...o.fit, init: { shape: start.shape, photos: start.photos }, rigidIterations: 0, fullIterations: o.iterations }));
}
