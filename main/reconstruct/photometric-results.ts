import type { HeadModel } from '../../core/head-model/head-model';
import type { HeadModelEvaluator } from '../../core/head-model/head-model-evaluator';
import type { PhotoFit } from '../../core/geometry/ortho-camera';
import type { UvTexture } from '../../core/reconstruct/photometric-samples';
import { renderShadedHead } from '../../core/reconstruct/render-shaded-head';
import type { FaceAnalyzer } from '../perception/face-analyzer';
import type { FaceJson } from '../perception/face-json';
import type { Project } from '../project/project';
import { renderedIdentityDistance } from './identity-distance';
import type { ReconstructionMetrics, ReconstructionParameters } from './reconstruction-store';
import { fittedPhotoOf, subjectLightAlbedo, type FittedPhoto } from './subject-light-albedo';

/** A person's solved albedo: the UV texture and per-vertex albedo for parts outside it. */
export interface SolvedAlbedo {
  texture: UvTexture;
  vertexAlbedo: Float32Array | null;
}

/** A fitted photo's row on its way to the library, with what the photometric stage needs. */
export interface FittedRow {
  photoId: number;
  face: FaceJson;
  fit: PhotoFit;
  parameters: ReconstructionParameters;
  metrics: ReconstructionMetrics;
}

export interface PhotometricResultsOptions {
  /** Albedo texture size used for the metrics. */
  size: number;
  /** Measure the identity distance of the textured render (runs the recognition net on it). */
  analyzer: FaceAnalyzer | null;
  evaluator?: HeadModelEvaluator;
  shouldStop?: () => boolean;
}

/**
 * Completes a person's fitted rows with the photometric half of the coarse stage: each photo's SH
 * lighting against the person's shared albedo (stored as `light`), the photometric error in the face
 * mask with that albedo and with a constant one, and — when an analyzer is given — the identity
 * distance between the textured render and the photo. Returns the albedo texture (null when the
 * model has no UVs or the photos cannot be read; the rows then keep no photometric results
 * in the latter case).
 *
 * ```ts
 * const albedo = await addPhotometricResults(project, model, rows, { size: 512, analyzer: null });
 * ```
 */
export async function addPhotometricResults(project: Project, model: HeadModel, rows: readonly FittedRow[], options: PhotometricResultsOptions): Promise<SolvedAlbedo | null> {
  const photos: FittedPhoto[] = [];
  for (const r of rows) {
    const photo = fittedPhotoOf(project, r.photoId, r.face, r.parameters.shape, r.fit);
    if (!photo) return null;
    photos.push(photo);
  }
  const solved = await subjectLightAlbedo(model, photos, { size: options.size, evaluator: options.evaluator }).catch(() => null);
  if (!solved) return null;
  const albedo = solved.result.albedo && { texture: solved.result.albedo, vertexAlbedo: solved.result.vertexAlbedo };
  const { result, views } = solved;
  for (let i = 0; i < rows.length; i++) {
    if (options.shouldStop?.()) return albedo;
    const row = rows[i]!, view = views[i]!;
    row.parameters.light = Array.from(result.lights[i]!, round6);
    row.metrics.photometricRms = result.rms[i]!;
    row.metrics.photometricRmsConstantAlbedo = result.rmsConstantAlbedo[i]!;
    if (options.analyzer && row.face.embedding) {
      const { rgb } = renderShadedHead(model, view.vertices, view.normals, view.camera, view.photo, result.albedo, result.lights[i]!, {}, result.vertexAlbedo);
      const k = view.camera.scale / row.fit.camera.scale;
      const box = row.face.box.map((x) => x * k);
      const d = await renderedIdentityDistance(options.analyzer, { ...view.photo, data: rgb }, row.face.embedding, box).catch(() => null);
      if (d !== null) row.metrics.identityDistance = d;
    }
  }
  return albedo;
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;
