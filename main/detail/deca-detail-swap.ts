import { ApiError } from '../../core/api/api-error';
import { decaDetailInput } from '../../core/detail/deca-detail-layer';
import { DECA_UV_SIZE } from '../../core/deca/deca-uv-data';
import { observationOf } from '../../core/reconstruct/stages/perceive-stage';
import { installedDetailDir, readDetailInstall } from '../deca/detail-store';
import type { PhotoFitWithReconstruction } from '../library/reconstructions-table';
import type { Project } from '../project/project';
import { photoFitOf, storedAlbedo } from '../reconstruct/stored-results';
import type { Studio } from '../services/studio';

export interface DecaSwapOptions {
  /** Where DECA's detail networks are installed. */
  detailDir: string;
  /** Photos are measured at most this size (the detail stage's). */
  maxPhotoSide: number;
  render: boolean;
}

export const DECA_SWAP_DEFAULTS: Omit<DecaSwapOptions, 'detailDir'> = { maxPhotoSide: 2048, render: false };

/**
 * DECA's detail swap with its own networks: photo i's photometric error with the coarse surface, with
 * its own detail D(δ_i, ψ_i, jaw_i) and with photo j's code D(δ_j, ψ_i, jaw_i) — δ = E_detail on each
 * photo's DECA crop, ψ and jaw photo i's fit — by the detail stage's measure; optionally photo i
 * rendered with the swapped detail (PNG).
 *
 * ```ts
 * const r = await decaSwapDetail(studio, project, target, source, { render: true });
 * ```
 */
export async function decaSwapDetail(
  studio: Studio,
  project: Project,
  target: PhotoFitWithReconstruction,
  source: PhotoFitWithReconstruction,
  options: Partial<DecaSwapOptions> = {},
  signal?: AbortSignal,
): Promise<{ coarse: number; own: number; swapped: number; png: Uint8Array | null }> {
  const o = { ...DECA_SWAP_DEFAULTS, detailDir: installedDetailDir(), ...options };
  try {
    await readDetailInstall(o.detailDir);
  } catch (error) {
    throw new ApiError('bad-request', `Photo ${target.photoId}'s detail was made with DECA's detail networks: ${(error as Error).message}`);
  }
  const crop = async (fit: PhotoFitWithReconstruction) => {
    const summary = project.library.reads.getPhoto(fit.photoId)!;
    const toCrop = project.library.faces.get(fit.photoId)?.faces[fit.faceIndex]?.decaCrop?.toCrop;
    if (!toCrop) throw new ApiError('bad-request', `Photo ${fit.photoId} (${summary.originalName}): the face analysis has no DECA crop, which E_detail needs (analyse the photo again)`);
    return { image: (await studio.photoCache.get(project, summary, null, signal)).image, toCrop };
  };
  const crops = await Promise.all(source === target ? [crop(target)] : [crop(target), crop(source)]);
  const codes = await studio.pool.run('deca.detail.encode', { detailDir: o.detailDir, crops }, { lane: 'inference', signal });
  const condition = decaDetailInput(target.fit.expression, target.fit.jaw);
  const { displacement } = await studio.pool.run(
    'deca.detail.decode',
    { detailDir: o.detailDir, items: [{ code: codes[0]!, ...condition }, { code: codes[codes.length - 1]!, ...condition }], options: { fixed: 'mask' } },
    { lane: 'inference', signal },
  );
  const albedo = await storedAlbedo(project, target.reconstruction.id);
  if (!albedo?.texture || !target.fit.light) throw new ApiError('bad-request', `Photo ${target.photoId}'s reconstruction has no lighting and albedo: reconstruct it with lighting first`);
  const summary = project.library.reads.getPhoto(target.photoId)!;
  const decoded = await studio.photoCache.get(project, summary, o.maxPhotoSide, signal);
  const face = project.library.faces.get(target.photoId)?.faces[target.faceIndex];
  const photo = { image: decoded.image, k: decoded.k, fit: photoFitOf(target), light: target.fit.light, meshPoints: (face && observationOf(face)?.mesh) ?? null };
  const m = await studio.pool.run(
    'detail.measure',
    {
      pack: await studio.models.pack(target.reconstruction.packId),
      size: DECA_UV_SIZE,
      shape: target.reconstruction.shape,
      photos: [photo],
      albedo: albedo.texture,
      vertexAlbedo: albedo.vertexAlbedo,
      maps: [[displacement[0]!, displacement[1]!]],
      render: o.render ? { photo: 0, map: 1 } : null,
    },
    { signal },
  );
  return { coarse: m.coarse[0]!, own: m.detail[0]![0]!, swapped: m.detail[0]![1]!, png: m.png };
}
