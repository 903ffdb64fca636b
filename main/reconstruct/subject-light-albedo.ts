import sharp from 'sharp';
import type { HeadModel } from '../../core/head-model/head-model';
import { HeadModelEvaluator } from '../../core/head-model/head-model-evaluator';
import type { RgbImage } from '../../core/perception/image-warp';
import type { PhotoFit } from '../../core/geometry/ortho-camera';
import { poseHead } from '../../core/geometry/pose-head';
import type { PhotometricView } from '../../core/reconstruct/photometric-samples';
import { solveLightAndAlbedo, type LightAlbedoOptions, type LightAlbedoResult } from '../../core/reconstruct/solve-light-albedo';
import { parseCanonicalFaceMesh } from '../../core/starter-head/canonical-face-mesh';
import { readCanonicalFaceMeshAsset } from '../packs/starter-pack';
import { decodePhoto } from '../perception/decode-photo';
import type { FaceJson } from '../perception/face-json';
import type { Project } from '../project/project';

/** One fitted photo of a person: where to read it, its fit and perception's face mesh (photo pixels). */
export interface FittedPhoto {
  path: string;
  shape: ArrayLike<number>;
  fit: PhotoFit;
  meshPoints: ArrayLike<number> | null;
}

export interface SubjectLightAlbedoOptions extends Partial<LightAlbedoOptions> {
  /** Photos are worked on at most this size (longest side); the camera and mesh are scaled to match. */
  maxPhotoSide?: number;
  evaluator?: HeadModelEvaluator;
}

export const SUBJECT_LIGHT_ALBEDO_DEFAULTS = { maxPhotoSide: 2048 };

/**
 * A library photo as the photometric stage reads it: its file, the fit, and its face's 468-point
 * mesh when perception found one. Null when the photo is gone.
 *
 * ```ts
 * const photo = fittedPhotoOf(project, photoId, face, shape, fit);
 * ```
 */
export function fittedPhotoOf(project: Project, photoId: number, face: FaceJson | null | undefined, shape: ArrayLike<number>, fit: PhotoFit): FittedPhoto | null {
  const photo = project.library.reads.getPhoto(photoId);
  if (!photo) return null;
  const meshPoints = face?.mesh468?.length === 468 ? face.mesh468.flatMap((q) => [q[0]!, q[1]!]) : null;
  return { path: project.store.originalPath(photo.sha256, photo.format), shape, fit, meshPoints };
}

let canonicalTriangles: Promise<Uint32Array> | null = null;

/**
 * MediaPipe's canonical face-mesh triangles (the 468 points' triangulation), read once from the
 * packed asset: they turn perception's 468 points into the face mask.
 *
 * ```ts
 * const tris = await faceMeshTriangles();
 * ```
 */
export function faceMeshTriangles(): Promise<Uint32Array> {
  canonicalTriangles ??= readCanonicalFaceMeshAsset()
    .then((bytes) => parseCanonicalFaceMesh(bytes).triangles)
    .catch((e: unknown) => {
      canonicalTriangles = null; // a missing asset is reported again on the next call, not cached
      throw e;
    });
  return canonicalTriangles;
}

/**
 * Decodes a person's fitted photos, poses the head in each, and solves each photo's SH lighting and
 * the person's shared albedo texture (see `solveLightAndAlbedo`). Returns the views (photo, posed
 * head, camera at the working size) with the result, for rendering and identity checks.
 *
 * ```ts
 * const { result, views } = await subjectLightAlbedo(model, photos, { size: 1024 });
 * ```
 */
export async function subjectLightAlbedo(model: HeadModel, photos: readonly FittedPhoto[], options: SubjectLightAlbedoOptions = {}): Promise<{ result: LightAlbedoResult; views: PhotometricView[] }> {
  const maxSide = options.maxPhotoSide ?? SUBJECT_LIGHT_ALBEDO_DEFAULTS.maxPhotoSide;
  const ev = options.evaluator ?? new HeadModelEvaluator(model);
  const views: PhotometricView[] = [];
  for (const p of photos) {
    const { image, k } = await decodeAtMost(p.path, maxSide);
    const out = poseHead(ev, model, p.shape, p.fit);
    const camera = { scale: p.fit.camera.scale * k, tx: p.fit.camera.tx * k, ty: p.fit.camera.ty * k };
    views.push({
      photo: image,
      vertices: out.vertices,
      normals: out.normals,
      camera,
      meshPoints: p.meshPoints ? Array.from(p.meshPoints, (x) => x * k) : null,
    });
  }
  const triangles = await faceMeshTriangles().catch(() => null);
  return { result: solveLightAndAlbedo(model, views, triangles, options), views };
}

/** Decodes a photo, downscaled when its longest side exceeds `maxSide`; k is the scale applied. */
async function decodeAtMost(path: string, maxSide: number): Promise<{ image: RgbImage; k: number }> {
  const image = await decodePhoto(path);
  const k = Math.min(1, maxSide / Math.max(image.width, image.height));
  if (k === 1) return { image, k };
  const width = Math.max(1, Math.round(image.width * k)), height = Math.max(1, Math.round(image.height * k));
  const data = await sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { fit: 'fill' })
    .raw()
    .toBuffer();
  // The camera scales by the mean of the two axes' factors; rounding makes them differ by < 1 pixel.
  return { image: { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) }, k: (width / image.width + height / image.height) / 2 };
}
