import { createHash } from 'node:crypto';
import { ApiError } from '../../core/api/api-error';
import type { PhotoPinsView, Pin, PinRefitView } from '../../core/api/contract';
import { parsePhotoPins, pinsForPack } from '../../core/reconstruct/photo-pins';
import { usablePhotos } from '../../core/reconstruct/stages/perceive-stage';
import type { PackStore } from '../packs/pack-store';
import type { Project } from '../project/project';
import type { Studio } from '../services/studio';
import { photoFitOf, requirePhotoFit, requireSubjectReconstruction } from './stored-results';

/**
 * A key of the pins a fit is made with ('' for none): a digest of each pinned photo's id and pins
 * (those that apply to the fit's pack), stored with the reconstruction so that changing a photo's
 * pins makes `reconstruct` solve its subject again.
 *
 * ```ts
 * const key = pinsKey([12, 13], [[{ landmark: 8, x: 400, y: 610 }], []]);
 * ```
 */
export function pinsKey(photoIds: readonly number[], lists: readonly (readonly Pin[])[]): string {
  const pinned = photoIds.map((id, i) => [id, lists[i]!] as const).filter(([, l]) => l.length > 0).sort((a, b) => a[0] - b[0]);
  return pinned.length ? createHash('sha256').update(JSON.stringify(pinned)).digest('hex').slice(0, 16) : '';
}

/**
 * A photo's pins and undo state, and whether its newest fit was made with other pins.
 *
 * ```ts
 * const view = photoPinsView(project, photoId);
 * ```
 */
export function photoPinsView(project: Project, photoId: number): PhotoPinsView {
  requirePhoto(project, photoId);
  const stored = project.library.pins.get(photoId);
  return {
    photoId,
    pack: stored?.pack ?? null,
    pins: stored?.pins ?? [],
    revision: stored?.revision ?? null,
    undoable: stored?.undoable ?? 0,
    fitStale: fitStale(project, photoId),
  };
}

/**
 * Checks `value` as a photo's pins (the `pins.json` format, see core/reconstruct/photo-pins.ts)
 * against the photo's size and, for surface pins, the named pack's triangle count (the pack store
 * is asked for only then), and stores them
 * as a new revision. Bad pins are refused whole with a message naming the pin.
 *
 * ```ts
 * await setPhotoPins(project, () => installedPackStore(), photoId, JSON.parse(text));
 * ```
 */
export async function setPhotoPins(project: Project, packs: () => Promise<PackStore>, photoId: number, value: unknown): Promise<PhotoPinsView> {
  const photo = requirePhoto(project, photoId);
  const bounds = { width: photo.width, height: photo.height, triangles: null as number | null };
  const parsed = parsePhotoPins(value, bounds);
  if (parsed.pack !== null) {
    const manifest = await (await packs()).readManifest(parsed.pack).catch(() => null);
    if (!manifest) throw new ApiError('bad-request', `pins: the surface pins name pack "${parsed.pack}", which is not installed`);
    parsePhotoPins(value, { ...bounds, triangles: manifest.triangleCount });
  }
  project.library.pins.set(photoId, parsed);
  return photoPinsView(project, photoId);
}

/**
 * Takes back the photo's last pin change (a refusal when there is none).
 *
 * ```ts
 * undoPhotoPins(project, photoId);
 * ```
 */
export function undoPhotoPins(project: Project, photoId: number): PhotoPinsView {
  requirePhoto(project, photoId);
  if (!project.library.pins.get(photoId)) throw new ApiError('conflict', `Photo ${photoId} has no pin changes to undo`);
  project.library.pins.undo(photoId);
  return photoPinsView(project, photoId);
}

/**
 * The pins' fast path: the photo refitted with its pins and its subject's shape held, from its
 * newest fit (on `packId`, or any pack; a photo its subject's fit left out, such as a profile that
 * needed pins, starts from the rigid guess), in a compute worker. Not stored: `reconstruct` stores the
 * subject's fit with the pins (the photo's fit is stale until then). `preview` (the `pins.json`
 * format, checked as `pins set` checks it) replaces the stored pins: the viewer's drag in progress.
 *
 * ```ts
 * const view = await refitPinnedPhoto(studio, photoId);
 * ```
 */
export async function refitPinnedPhoto(studio: Studio, photoId: number, packId?: string, preview?: unknown): Promise<PinRefitView> {
  const t0 = performance.now();
  const project = studio.requireProject();
  const photo = requirePhoto(project, photoId);
  // A photo its subject's fit left out (a profile that needed pins, pinned since) has no fit of its
  // own: it is refitted with the subject's shape from the fitter's rigid guess.
  const stored = project.library.reconstructions.latestFitOfPhoto(photoId, packId) ?? null;
  const rec = stored?.reconstruction ?? requireSubjectReconstruction(project, photo.subjectId, packId);
  const given = preview === undefined ? null : parsePhotoPins(preview, { width: photo.width, height: photo.height, triangles: null });
  // A profile whose silhouette was not read is seen through its pins alone.
  const { usable, rejected } = usablePhotos([{ photoId, analysis: project.library.faces.get(photoId) ?? null, pins: pinsForPack(given ?? project.library.pins.current(photoId), rec.packId) }]);
  if (!usable[0]) throw new ApiError('conflict', `Photo ${photoId} cannot be refitted: ${rejected[0]?.message ?? 'no usable face'}`);
  const pack = await studio.models.pack(rec.packId);
  // Surface pins on this pack are checked against its mesh (the pack is loaded now anyway).
  if (given?.pack === rec.packId) parsePhotoPins(preview, { width: photo.width, height: photo.height, triangles: pack.model.triangles.length / 3 });
  const pins = pinsForPack(given ?? project.library.pins.current(photoId), rec.packId);
  const tables = await studio.models.tables(pack);
  const r = await studio.pool.run('fit.refit', { pack, tables, observation: usable[0].observation, pins, shape: rec.shape, start: stored ? photoFitOf(stored) : null, options: {} });
  const f = r.fit.photos[0]!;
  return {
    photoId,
    packId: rec.packId,
    nme: r.nme,
    nmeSingle: stored?.metrics.nmeSingle ?? r.nme,
    jointPhotoCount: rec.photoIds.length,
    modelLandmarks68: r.landmarks68,
    photometricRms: null,
    identityDistance: null,
    detail: null,
    subjectId: rec.subjectId,
    createdAt: new Date().toISOString(),
    fit: { rotation: Array.from(f.rotation), jaw: Array.from(f.jaw), expression: Array.from(f.expression), camera: f.camera },
    pinCount: pins.length,
    iterations: r.fit.iterations,
    seconds: (performance.now() - t0) / 1000,
  };
}

/**
 * The surface point of the photo's fitted head (its newest fit, on `packId` or any pack) under
 * pixel (x, y), for a surface pin: null where the photo shows no head.
 *
 * ```ts
 * const hit = await pickPinPoint(studio, photoId, 412, 455);
 * ```
 */
export async function pickPinPoint(studio: Studio, photoId: number, x: number, y: number, packId?: string): Promise<{ pack: string; triangle: number; barycentric: [number, number, number] } | null> {
  const project = studio.requireProject();
  const photo = requirePhoto(project, photoId);
  if (x > photo.width || y > photo.height) throw new ApiError('bad-request', `(${x}, ${y}) is outside the ${photo.width}×${photo.height} photo`);
  const stored = requirePhotoFit(project, photoId, packId);
  const rec = stored.reconstruction;
  const pack = await studio.models.pack(rec.packId);
  const hit = await studio.pool.run('fit.pick', { pack, shape: rec.shape, fit: photoFitOf(stored), width: photo.width, height: photo.height, x, y });
  return hit ? { pack: rec.packId, ...hit } : null;
}

/** True when the photo's newest fit was solved with other pins than its subject's photos have now. */
function fitStale(project: Project, photoId: number): boolean {
  const fit = project.library.reconstructions.latestFitOfPhoto(photoId);
  if (!fit) return false;
  const rec = fit.reconstruction;
  const lists = rec.photoIds.map((id) => pinsForPack(project.library.pins.current(id), rec.packId));
  return (rec.options.pins ?? '') !== pinsKey(rec.photoIds, lists);
}

function requirePhoto(project: Project, photoId: number) {
  const photo = project.library.reads.getPhoto(photoId);
  if (!photo) throw new ApiError('not-found', `No photo with id ${photoId}`);
  return photo;
}
