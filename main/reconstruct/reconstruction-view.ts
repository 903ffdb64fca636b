import sharp from 'sharp';
import type { ReconstructionView } from '../../core/api/contract';
import type { HeadModel } from '../../core/head-model/head-model';
import { HeadModelEvaluator } from '../../core/head-model/head-model-evaluator';
import { renderHeadPreview } from '../../core/geometry/render-head-preview';
import { fitLandmarks } from '../../core/reconstruct/fit-photos';
import { buildFitPoints } from '../../core/reconstruct/fit-points';
import type { PhotoFit } from '../../core/geometry/ortho-camera';
import { poseHead } from '../../core/geometry/pose-head';
import type { PackStore } from '../packs/pack-store';
import type { Project } from '../project/project';
import { renderShadedHead } from '../../core/reconstruct/render-shaded-head';
import { decodeSubjectAlbedo, getSubjectAlbedo } from './albedo-store';
import { listReconstructions, type StoredReconstruction } from './reconstruction-store';

/** The newest reconstruction of a photo (any pack unless one is named). */
export function latestReconstruction(project: Project, photoId: number, packId?: string): StoredReconstruction | undefined {
  return listReconstructions(project.library.db, packId)
    .filter((r) => r.photoId === photoId)
    .sort((a, b) => b.id - a.id)[0];
}

/**
 * A stored reconstruction's per-photo fit (rotation, jaw, expression, camera).
 *
 * ```ts
 * const fit = photoFitOf(rec);
 * ```
 */
export function photoFitOf(rec: StoredReconstruction): PhotoFit {
  const p = rec.parameters;
  return { rotation: p.rotation as [number, number, number], jaw: p.jaw as [number, number, number], expression: Float64Array.from(p.expression), camera: p.camera };
}

/**
 * A reconstruction's head posed as in its photo (camera frame; the fit's camera maps it to pixels).
 *
 * ```ts
 * const { vertices, normals, fit } = posedHead(model, rec);
 * ```
 */
export function posedHead(model: HeadModel, rec: StoredReconstruction) {
  const p = rec.parameters;
  const fit = photoFitOf(rec);
  const { vertices, normals } = poseHead(new HeadModelEvaluator(model), model, p.shape, fit);
  return { fit, vertices, normals };
}

/**
 * What the photo viewer shows of a reconstruction: pack, landmark errors and the model's 68
 * landmarks projected into the photo (pixels).
 *
 * ```ts
 * const view = await reconstructionView(project, store, photoId);
 * ```
 */
export async function reconstructionView(project: Project, store: PackStore, photoId: number): Promise<ReconstructionView | null> {
  const rec = latestReconstruction(project, photoId);
  if (!rec) return null;
  const model = await store.load(rec.packId);
  const { fit } = posedHead(model, rec);
  const projected = fitLandmarks(buildFitPoints(model, { dense: false }), rec.parameters.shape, fit);
  const landmarks68: number[][] = [];
  for (let i = 0; i + 1 < projected.length && landmarks68.length < 68; i += 2) landmarks68.push([projected[i]!, projected[i + 1]!]);
  return {
    photoId,
    packId: rec.packId,
    nme: rec.metrics.nme,
    nmeSingle: rec.metrics.nmeSingle,
    jointPhotoCount: rec.parameters.jointPhotoIds.length,
    modelLandmarks68: landmarks68,
    photometricRms: rec.metrics.photometricRms ?? null,
    identityDistance: rec.metrics.identityDistance ?? null,
    subjectId: project.library.reads.getPhoto(photoId)!.subjectId,
    createdAt: rec.createdAt,
  };
}

export interface ReconstructionImageOptions {
  /** Longest side of the rendered image (the photo's own size when smaller). */
  maxSide?: number;
  /** 'grey': the preview shading; 'shaded': albedo ⊙ the photo's SH lighting (grey without a stored albedo). */
  style?: 'grey' | 'shaded';
}

export const RECONSTRUCTION_IMAGE_DEFAULTS = { maxSide: 1024 };

/**
 * The fitted head rendered with the photo's camera on a transparent background (PNG), for the UI
 * to blend over the photo at any opacity. Null when the photo has no reconstruction.
 *
 * ```ts
 * const png = await reconstructionImage(project, store, photoId);
 * ```
 */
export async function reconstructionImage(project: Project, store: PackStore, photoId: number, options: ReconstructionImageOptions = {}): Promise<Buffer | null> {
  const photo = project.library.reads.getPhoto(photoId);
  const rec = photo && latestReconstruction(project, photoId);
  if (!photo || !rec) return null;
  const { maxSide } = { ...RECONSTRUCTION_IMAGE_DEFAULTS, ...options };
  const k = Math.min(1, maxSide / Math.max(photo.width, photo.height));
  const W = Math.max(1, Math.round(photo.width * k));
  const H = Math.max(1, Math.round(photo.height * k));
  const model = await store.load(rec.packId);
  const { fit, vertices, normals } = posedHead(model, rec);
  const stored = options.style === 'shaded' && rec.parameters.light ? getSubjectAlbedo(project.library.db, photo.subjectId, rec.packId) : undefined;
  if (stored) {
    const { texture, vertexAlbedo } = await decodeSubjectAlbedo(stored);
    const blank = { width: W, height: H, data: new Uint8Array(W * H * 3) };
    const camera = { scale: fit.camera.scale * k, tx: fit.camera.tx * k, ty: fit.camera.ty * k };
    const { rgb, mask } = renderShadedHead(model, vertices, normals, camera, blank, texture, rec.parameters.light!, {}, vertexAlbedo);
    const rgba = new Uint8Array(W * H * 4);
    for (let i = 0; i < W * H; i++) {
      rgba.set(rgb.subarray(i * 3, i * 3 + 3), i * 4);
      rgba[i * 4 + 3] = mask[i] ? 255 : 0;
    }
    return sharp(Buffer.from(rgba.buffer), { raw: { width: W, height: H, channels: 4 } }).png().toBuffer();
  }
  const rgba = renderHeadPreview(model, vertices, normals, {
    width: W,
    height: H,
    view: { scale: fit.camera.scale * k, offsetX: fit.camera.tx * k, offsetY: fit.camera.ty * k },
    transparent: true,
  });
  return sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), { raw: { width: W, height: H, channels: 4 } }).png().toBuffer();
}
