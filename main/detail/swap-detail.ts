import { ApiError } from '../../core/api/api-error';
import { observationOf } from '../../core/reconstruct/stages/perceive-stage';
import type { DetailSwapPhoto } from '../compute/compute-tasks';
import type { Project } from '../project/project';
import { photoFitOf, requirePhotoFit, storedAlbedo } from '../reconstruct/stored-results';
import type { Studio } from '../services/studio';
import { decaSwapDetail } from './deca-detail-swap';
import { detailMethodOf, loadDetail, peopleDetail } from './stored-detail';

export interface SwapDetailRequest {
  /** The photo rendered and measured. */
  photoId: number;
  /** The photo whose detail code is swapped in (the same photo: its own code). */
  fromPhotoId: number;
  /** The pack both photos were reconstructed on (the target's newest reconstruction's pack by default). */
  packId?: string;
  /** Also render the target photo with the swapped detail (PNG). */
  render?: boolean;
}

/** The swap instrument's answer (`deca-studio swap --json` prints all but `png`). */
export interface SwapDetailResult {
  photo: number;
  detailFrom: number;
  samePerson: boolean;
  /** RMS (0…1) over the target photo's detail texels, the same mask and light for all three. */
  photometricRms: { coarse: number; own: number; swapped: number };
  png: Uint8Array | null;
}

/**
 * DECA's detail swap, measured (on a reconstruction whose detail DECA's own networks made, with those:
 * see `decaSwapDetail`; otherwise as follows): photo i rendered with the coarse surface, with its own detail code
 * F(δ_i, ψ_i, θ_i) and with photo j's code F(δ_j, ψ_i, θ_i) — each code estimated from its photo alone
 * with the pack's decoder (learned from every person solved on the pack) — and the photometric error
 * of each; optionally the swapped render over the photo.
 *
 * ```ts
 * const r = await swapDetail(studio, project, { photoId: 12, fromPhotoId: 14 });
 * ```
 */
export async function swapDetail(studio: Studio, project: Project, request: SwapDetailRequest, signal?: AbortSignal): Promise<SwapDetailResult> {
  const target = requirePhotoFit(project, request.photoId, request.packId);
  const packId = target.reconstruction.packId;
  const source = request.fromPhotoId === request.photoId ? target : requirePhotoFit(project, request.fromPhotoId, packId);
  const own = loadDetail(project, target.reconstruction.id);
  if (own && detailMethodOf(own.meta) === 'deca') {
    // The target's detail came from DECA's networks: swap codes through them (D(δ_j, ψ_i, jaw_i)).
    return swapResult(request, target, source, await decaSwapDetail(studio, project, target, source, { render: request.render === true }, signal));
  }
  const people = peopleDetail(project, packId);
  const size = own?.meta.size ?? people[0]?.detail.meta.size;
  if (size === undefined) throw new ApiError('not-found', `No one has detail on ${packId} yet: run deca-studio detail first`);
  const decoderPeople = people.filter((p) => p.detail.meta.size === size);
  const pack = await studio.models.pack(packId);
  const swapPhoto = async (fit: typeof target): Promise<DetailSwapPhoto> => {
    const summary = project.library.reads.getPhoto(fit.photoId)!;
    const albedo = await storedAlbedo(project, fit.reconstruction.id);
    if (!albedo?.texture || !fit.fit.light) throw new ApiError('bad-request', `Photo ${fit.photoId}'s reconstruction has no lighting and albedo: reconstruct it with lighting first`);
    const decoded = await studio.photoCache.get(project, summary, 2048, signal);
    const face = project.library.faces.get(fit.photoId)?.faces[fit.faceIndex];
    return {
      photoId: fit.photoId,
      shape: fit.reconstruction.shape,
      photo: { image: decoded.image, k: decoded.k, fit: photoFitOf(fit), light: fit.fit.light, meshPoints: (face && observationOf(face)?.mesh) ?? null },
      albedo: albedo.texture,
      vertexAlbedo: albedo.vertexAlbedo,
    };
  };
  const [t, s] = await Promise.all([swapPhoto(target), source === target ? null : swapPhoto(source)]);
  const r = await studio.pool.run(
    'detail.swap',
    { pack, size, people: decoderPeople.map((p) => p.detail.stored), target: t, source: s ?? t, render: request.render === true },
    { signal },
  );
  return swapResult(request, target, source, r);
}

/** The instrument's answer from either method's three errors (rounded as printed) and render. */
function swapResult(
  request: SwapDetailRequest,
  target: { reconstruction: { subjectId: number } },
  source: { reconstruction: { subjectId: number } },
  r: { coarse: number; own: number; swapped: number; png: Uint8Array | null },
): SwapDetailResult {
  return {
    photo: request.photoId,
    detailFrom: request.fromPhotoId,
    samePerson: target.reconstruction.subjectId === source.reconstruction.subjectId,
    photometricRms: { coarse: round6(r.coarse), own: round6(r.own), swapped: round6(r.swapped) },
    png: r.png,
  };
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;
