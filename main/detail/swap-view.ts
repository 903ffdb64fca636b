import { ApiError } from '../../core/api/api-error';
import type { DetailSwapView } from '../../core/api/contract';
import type { Studio } from '../services/studio';
import { detailStamp } from './stored-detail';
import { swapDetail, type SwapDetailResult } from './swap-detail';

export interface SwapViewRequest {
  photoId: number;
  /** The photo whose detail code is swapped in; the photo itself for its own code. */
  fromPhotoId: number;
  /** The pack reviewed; the photo's newest reconstruction's pack when absent. */
  packId?: string;
}

/**
 * The detail swap as the studio shows it: numbers and render made together once in a compute
 * worker and kept in the view cache, so the API's `detail.swap` and the `swap/<photoId>?from=…` media
 * request (which the UI sends right after) share one run. The cache key names every person's detail
 * solve on the pack — the decoder is learned from all of them — so a new solve anywhere gives a new
 * swap, never a stale one.
 *
 * ```ts
 * const r = await swapView(studio, { photoId: 12, fromPhotoId: 14 });
 * const png = r.png; // the photo with photo 14's detail code and its own expression
 * ```
 */
export async function swapView(studio: Studio, request: SwapViewRequest): Promise<SwapDetailResult & { packId: string }> {
  const project = studio.requireProject();
  const lib = project.library;
  for (const id of [request.photoId, request.fromPhotoId]) if (!lib.reads.getPhoto(id)) throw new ApiError('not-found', `No photo with id ${id}`);
  const target = lib.reconstructions.latestFitOfPhoto(request.photoId, request.packId);
  if (!target) throw new ApiError('not-found', `Photo ${request.photoId} has no reconstruction${request.packId ? ` on ${request.packId}` : ''}: reconstruct its subject first`);
  const packId = target.reconstruction.packId;
  if (detailStamp(project, target.reconstruction.id) === null) throw new ApiError('not-found', `Photo ${request.photoId}'s reconstruction on ${packId} has no detail layer: solve the detail first`);
  const source = lib.reconstructions.latestFitOfPhoto(request.fromPhotoId, packId);
  if (!source) throw new ApiError('bad-request', `Photo ${request.fromPhotoId} has no reconstruction on ${packId}: its detail code cannot be swapped in`);
  const stamps = lib.reads
    .listSubjects()
    .map((s) => lib.reconstructions.latestForSubject(s.id, packId))
    .map((r) => (r ? `${r.id}@${detailStamp(project, r.id) ?? '-'}` : '-'))
    .join(',');
  const key = `swap:${packId}:${target.reconstruction.id}:${request.photoId}:${source.reconstruction.id}:${request.fromPhotoId}:${stamps}`;
  const r = await studio.views.get(
    key,
    () => swapDetail(studio, project, { photoId: request.photoId, fromPhotoId: request.fromPhotoId, packId, render: true }),
    (v) => (v.png?.byteLength ?? 0) + 200,
  );
  return { ...r, packId };
}

/**
 * The API's answer: the swap's numbers without the render (that is media).
 *
 * ```ts
 * const view = toSwapView(await swapView(studio, request));
 * ```
 */
export function toSwapView(r: SwapDetailResult & { packId: string }): DetailSwapView {
  return { photoId: r.photo, fromPhotoId: r.detailFrom, packId: r.packId, samePerson: r.samePerson, photometricRms: r.photometricRms };
}
