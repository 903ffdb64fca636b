import type { HeadModel } from '../../head-model/head-model';
import type { HeadModelEvaluator } from '../../head-model/head-model-evaluator';
import type { RgbImage } from '../../perception/image-warp';
import type { PhotoFit } from '../../geometry/ortho-camera';
import { poseHead } from '../../geometry/pose-head';
import type { PhotometricView } from '../photometric-samples';
import { LIGHT_ALBEDO_DEFAULTS, solveLightAndAlbedo, type LightAlbedoOptions, type LightAlbedoResult } from '../solve-light-albedo';

/** A fitted photo as the photometric stages see it: the decoded image and its fit in photo pixels. */
export interface StagePhoto {
  image: RgbImage;
  /** Image pixels per photo pixel (< 1 when the photo was decoded downscaled). */
  k: number;
  fit: PhotoFit;
  /** Perception's 468 FaceMesh points in photo pixels (x, y pairs), which bound the face mask; null without. */
  meshPoints: ArrayLike<number> | null;
}

export type LightAlbedoStageOptions = LightAlbedoOptions;
export const LIGHT_ALBEDO_STAGE_DEFAULTS: LightAlbedoStageOptions = LIGHT_ALBEDO_DEFAULTS;

/**
 * Each photo's head posed by its fit, in the image's pixels: the views the photometric stages
 * render, sample and bake from.
 *
 * ```ts
 * const views = poseViews(model, evaluator, joint.shape, photos);
 * ```
 */
export function poseViews(model: HeadModel, evaluator: HeadModelEvaluator, shape: ArrayLike<number>, photos: readonly StagePhoto[]): PhotometricView[] {
  return photos.map((p) => {
    const out = poseHead(evaluator, model, shape, p.fit);
    const c = p.fit.camera;
    return {
      photo: p.image,
      vertices: out.vertices,
      normals: out.normals,
      camera: { scale: c.scale * p.k, tx: c.tx * p.k, ty: c.ty * p.k },
      meshPoints: p.meshPoints ? Array.from(p.meshPoints, (x) => x * p.k) : null,
    };
  });
}

/**
 * The light/albedo stage: per-photo SH lighting and the person's one albedo (texture, plus
 * per-vertex albedo for parts outside it), solved once per reconstruction with the coarse geometry
 * (see `solveLightAndAlbedo`); later stages and exports read it back.
 *
 * ```ts
 * const result = lightAlbedoStage(model, views, faceMeshTriangles, { size: 1024 });
 * ```
 */
export function lightAlbedoStage(model: HeadModel, views: readonly PhotometricView[], meshTriangles: ArrayLike<number> | null, options: Partial<LightAlbedoStageOptions> = {}): LightAlbedoResult {
  return solveLightAndAlbedo(model, views, meshTriangles, { ...LIGHT_ALBEDO_STAGE_DEFAULTS, ...options });
}
