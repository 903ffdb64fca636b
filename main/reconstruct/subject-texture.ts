import sharp from 'sharp';
import { ApiError } from '../../core/api/api-error';
import type { HeadModel } from '../../core/head-model/head-model';
import { getFaceAnalysis } from '../perception/face-store';
import type { Project } from '../project/project';
import { listReconstructions } from './reconstruction-store';
import { photoFitOf } from './reconstruction-view';
import { fittedPhotoOf, subjectLightAlbedo } from './subject-light-albedo';

export interface SubjectTexture {
  /** PNG in the model's UV layout. */
  png: Buffer;
  /** Photos that contributed. */
  photoCount: number;
  /** Share of the UV islands' texels some photo saw (before mirroring and filling). */
  coverage: number;
}

/**
 * A person's albedo texture from their reconstructed photos: each photo's lighting is solved and
 * divided out, the de-lit photos are sampled into the model's UV space where the posed head is
 * visible, fused by how squarely they face the camera, and completed by mirroring and smooth filling
 * (see `solveLightAndAlbedo`).
 *
 * ```ts
 * const { png } = await subjectTexture(project, model, subjectId, 1024);
 * ```
 */
export async function subjectTexture(project: Project, model: HeadModel, subjectId: number, size: number): Promise<SubjectTexture> {
  const photos = new Map(project.library.reads.listPhotos(subjectId).map((p) => [p.id, p]));
  const recs = listReconstructions(project.library.db, model.id).filter((r) => photos.has(r.photoId));
  if (recs.length === 0) throw new ApiError('not-found', `The subject has no reconstruction on ${model.id} to take a texture from`);
  if (!model.uv) throw new ApiError('bad-request', `Head model ${model.id} has no UVs to bake a texture into`);
  const fitted = recs.flatMap((rec) => {
    const face = getFaceAnalysis(project.library.db, rec.photoId)?.faces[rec.parameters.faceIndex];
    return fittedPhotoOf(project, rec.photoId, face, rec.parameters.shape, photoFitOf(rec)) ?? [];
  });
  const { result } = await subjectLightAlbedo(model, fitted, { size });
  const rgb = result.albedo!.rgb;
  const png = await sharp(Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength), { raw: { width: size, height: size, channels: 3 } }).png().toBuffer();
  return { png, photoCount: fitted.length, coverage: result.coverage };
}
