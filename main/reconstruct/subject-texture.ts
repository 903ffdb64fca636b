import sharp from 'sharp';
import { ApiError } from '../../core/api/api-error';
import type { HeadModel } from '../../core/head-model/head-model';
import { bakePhotoTexture, type TextureView } from '../../core/texture/bake-photo-texture';
import { fillTextureHoles } from '../../core/texture/fill-texture-holes';
import { decodePhoto } from '../perception/decode-photo';
import type { Project } from '../project/project';
import { listReconstructions } from './reconstruction-store';
import { posedHead } from './reconstruction-view';

export interface SubjectTexture {
  /** PNG in the model's UV layout. */
  png: Buffer;
  /** Photos that contributed. */
  photoCount: number;
  /** Share of the UV islands' texels some photo saw (before mirroring and filling). */
  coverage: number;
}

/**
 * A person's skin texture from their reconstructed photos: each photo sampled into the model's UV
 * space where the posed head is visible, fused by how squarely it faces the camera, then completed
 * by mirroring and smooth filling. The photos' lighting stays in it (no albedo separation yet).
 *
 * ```ts
 * const { png } = await subjectTexture(project, model, subjectId, 1024);
 * ```
 */
export async function subjectTexture(project: Project, model: HeadModel, subjectId: number, size: number): Promise<SubjectTexture> {
  const photos = new Map(project.library.reads.listPhotos(subjectId).map((p) => [p.id, p]));
  const recs = listReconstructions(project.library.db, model.id).filter((r) => photos.has(r.photoId));
  if (recs.length === 0) throw new ApiError('not-found', `The subject has no reconstruction on ${model.id} to take a texture from`);
  const views: TextureView[] = [];
  for (const rec of recs) {
    const photo = photos.get(rec.photoId)!;
    const image = await decodePhoto(project.store.originalPath(photo.sha256, photo.format));
    const { fit, vertices, normals } = posedHead(model, rec);
    views.push({ photo: image, vertices: Float32Array.from(vertices), normals: Float32Array.from(normals), camera: fit.camera });
  }
  const baked = bakePhotoTexture(model, views, { size });
  let coveredCount = 0, seen = 0;
  for (let i = 0; i < baked.covered.length; i++) {
    if (!baked.covered[i]) continue;
    coveredCount++;
    if (baked.weight[i]! > 0) seen++;
  }
  const rgb = fillTextureHoles(baked);
  const png = await sharp(Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength), { raw: { width: size, height: size, channels: 3 } }).png().toBuffer();
  return { png, photoCount: views.length, coverage: coveredCount ? seen / coveredCount : 0 };
}
