import type { HeadModel } from '../../head-model/head-model';
import { bakeableTriangles } from '../../texture/bakeable-triangles';
import { normalizedLandmarkError } from '../fit-metrics';
import { fitLandmarks, type FitResult, type PhotoObservation } from '../fit-photos';
import type { FitPoints } from '../fit-points';
import { faceTriangleMask, photometricRms, samplePhotometric, sampleUvTexture, type PhotometricView, type UvTexture } from '../photometric-samples';
import { estimateShLighting } from '../sh-lighting';
import { LIGHT_ALBEDO_DEFAULTS } from '../solve-light-albedo';

/**
 * Landmark error of each photo (68 points ÷ outer-eye-corner distance) under a fit.
 *
 * ```ts
 * const nme = landmarkErrors(points, joint, observations);
 * ```
 */
export function landmarkErrors(points: FitPoints, fit: FitResult, observations: readonly PhotoObservation[]): number[] {
  return observations.map((o, i) => normalizedLandmarkError(fitLandmarks(points, fit.shape, fit.photos[i]!), o.landmarks));
}

export interface PhotometricErrorsOptions {
  /** Raster size of the face window (DECA renders 224). */
  rasterSide: number;
  /** Ridge on the higher SH bands (as the light/albedo stage). */
  ridge: number;
}

export const PHOTOMETRIC_ERRORS_DEFAULTS: PhotometricErrorsOptions = { rasterSide: LIGHT_ALBEDO_DEFAULTS.rasterSide, ridge: LIGHT_ALBEDO_DEFAULTS.ridge };

/**
 * The metrics stage's photometric half: each photo's lighting estimated again against the stored
 * albedo for the final geometry (27 values, linear — the albedo is not solved again), with the RMS
 * of photo − albedo ⊙ shading in the face mask and the same with a constant albedo.
 *
 * ```ts
 * const { lights, rms } = photometricErrors(model, finalViews, albedo, faceMeshTriangles);
 * ```
 */
export function photometricErrors(
  model: HeadModel,
  views: readonly PhotometricView[],
  albedo: UvTexture | null,
  meshTriangles: ArrayLike<number> | null,
  options: Partial<PhotometricErrorsOptions> = {},
): { lights: Float64Array[]; rms: number[]; rmsConstantAlbedo: number[] } {
  const o = { ...PHOTOMETRIC_ERRORS_DEFAULTS, ...options };
  const faceTris = faceTriangleMask(model);
  if (model.uv) {
    const bakeable = bakeableTriangles(model);
    for (let t = 0; t < faceTris.length; t++) faceTris[t]! &= bakeable[t]!;
  }
  const lights: Float64Array[] = [], rms: number[] = [], rmsConstantAlbedo: number[] = [];
  for (const view of views) {
    const s = samplePhotometric(model, view, faceTris, meshTriangles, { rasterSide: o.rasterSide });
    const constant = estimateShLighting(s.normals, s.colors, o.ridge);
    rmsConstantAlbedo.push(constant.rms);
    if (!albedo || !s.uv) {
      lights.push(constant.light);
      rms.push(constant.rms);
      continue;
    }
    const a = sampleUvTexture(albedo, s.uv);
    const light = estimateShLighting(s.normals, s.colors, o.ridge, a).light;
    lights.push(light);
    rms.push(photometricRms(s, a, light));
  }
  return { lights, rms, rmsConstantAlbedo };
}
