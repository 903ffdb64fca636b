import { ApiError } from '../../core/api/api-error';
import type { PhotoReview, SubjectReview, SwapControl } from '../../core/api/contract';
import { usablePhotos } from '../../core/reconstruct/stages/perceive-stage';
import { pinsForPack, type Pin } from '../../core/reconstruct/photo-pins';
import type { StoredFaceAnalysis } from '../library/face-analyses-table';
import type { StoredReconstruction } from '../library/reconstructions-table';
import { detailStamp } from '../detail/stored-detail';
import type { Project } from '../project/project';

/** Why a detected face gives no landmarks, in the words the filmstrip shows. */
const FACE_STATUS_REASON: Record<string, string> = {
  profile: 'a profile whose silhouette could not be read: pin it (3 or more pins) to fit it',
  too_small: 'face too small',
  landmarks_failed: 'landmarks could not be placed',
};

/**
 * The subject review of one pack's newest reconstruction, read from the library (nothing is solved):
 * each photo's state — fitted (with its errors), rejected and why (no face, a face too far in
 * profile, a failed fit), analysed but not in this reconstruction, or not analysed yet — and the
 * photos of other people fitted with detail on the pack, the swap's controls.
 *
 * ```ts
 * const review = subjectReview(project, subjectId, 'ict-facekit');
 * const rejected = review.photos.filter((p) => p.state === 'rejected');
 * ```
 */
export function subjectReview(project: Project, subjectId: number, packId?: string): SubjectReview {
  const lib = project.library;
  if (!lib.reads.getSubject(subjectId)) throw new ApiError('not-found', `No subject with id ${subjectId}`);
  const rec = lib.reconstructions.latestForSubject(subjectId, packId) ?? null;
  const hasDetail = rec !== null && detailStamp(project, rec.id) !== null;
  const fits = new Map((rec ? lib.reconstructions.fitsOf(rec.id) : []).map((f) => [f.photoId, f]));
  const failedFits = rec ? failedPhotoItems(project, rec) : new Map<number, string>();
  const photos = lib.reads.listPhotos(subjectId).map((photo): PhotoReview => {
    const none = { nme: null, photometricRms: null, identityDistance: null, detail: null };
    const fit = fits.get(photo.id);
    const pins = pinsForPack(lib.pins.current(photo.id), rec?.packId ?? packId ?? '');
    if (fit) {
      const m = fit.metrics;
      return { photoId: photo.id, state: 'fitted', reason: profileNote(lib.faces.get(photo.id) ?? null, pins), nme: m.nme, photometricRms: m.photometricRms ?? null, identityDistance: m.identityDistance ?? null, detail: m.detail ?? null };
    }
    const analysis = lib.faces.get(photo.id) ?? null;
    if (!analysis) return { photoId: photo.id, state: 'imported', reason: null, ...none };
    const reason = rejection(analysis, pins) ?? failedFits.get(photo.id) ?? null;
    if (reason) return { photoId: photo.id, state: 'rejected', reason, ...none };
    return { photoId: photo.id, state: 'analysed', reason: rec ? notInReconstruction(rec, profileSide(analysis, pins)) : null, ...none };
  });
  return { subjectId, packId: rec?.packId ?? null, reconstructionId: rec?.id ?? null, hasDetail, photos, controls: rec && hasDetail ? swapControls(project, subjectId, rec.packId) : [] };
}

/** Why a photo's analysis gives the fitter nothing, or null when it has a usable face. */
function rejection(analysis: StoredFaceAnalysis, pins: readonly Pin[]): string | null {
  const { rejected } = usablePhotos([{ photoId: analysis.photoId, analysis, pins }]);
  if (!rejected.length) return null;
  if (!analysis.faces.length) return 'no face found';
  return [...new Set(analysis.faces.map((f) => FACE_STATUS_REASON[f.status] ?? f.status.replace(/_/g, ' ')))].join(', ');
}

/** How a profile is seen (its silhouette or its pins); undefined for an ordinary face or an unusable photo. */
function profileSide(analysis: StoredFaceAnalysis | null, pins: readonly Pin[]): 'silhouette' | 'pins' | undefined {
  return analysis ? usablePhotos([{ photoId: analysis.photoId, analysis, pins }]).usable[0]?.profile : undefined;
}

/** How a fitted profile was seen (its silhouette or its pins); null for an ordinary face. */
function profileNote(analysis: StoredFaceAnalysis | null, pins: readonly Pin[]): string | null {
  const side = profileSide(analysis, pins);
  return side === 'silhouette' ? 'a profile, fitted from its silhouette' : side === 'pins' ? 'a profile, fitted from its pins' : null;
}

/**
 * Why a usable photo is not in the reconstruction: made before the photo was analysed (or pinned),
 * or, for a profile, with DECA's encoder start, which takes frontal faces only.
 */
function notInReconstruction(rec: StoredReconstruction, side: 'silhouette' | 'pins' | undefined): string {
  if (!side) return `not in the ${rec.packId} reconstruction: reconstruct again to fit it`;
  const seen = side === 'silhouette' ? 'a profile whose silhouette was read' : 'a profile with 3 or more pins';
  return rec.options.init === 'encoder'
    ? `${seen}, left out of the ${rec.packId} reconstruction: its DECA encoder start needs frontal faces (reconstruct with --init landmarks to fit it)`
    : `${seen}, not in the ${rec.packId} reconstruction: reconstruct again to fit it`;
}

/** Photos the reconstruction's job reported as failed (a fit that did not converge, a photo that could not be read). */
function failedPhotoItems(project: Project, rec: StoredReconstruction): Map<number, string> {
  const out = new Map<number, string>();
  if (rec.jobId === null) return out;
  for (const item of project.library.reads.listJobItems(rec.jobId)) {
    if (item.kind === 'photo' && item.outcome === 'failed' && item.photoId !== null) out.set(item.photoId, `the fit failed${item.message ? `: ${item.message}` : ''}`);
  }
  return out;
}

/** Every other person's photos in their newest reconstruction on the pack, when it has a detail layer. */
function swapControls(project: Project, subjectId: number, packId: string): SwapControl[] {
  const lib = project.library;
  const out: SwapControl[] = [];
  for (const s of lib.reads.listSubjects()) {
    if (s.id === subjectId) continue;
    const rec = lib.reconstructions.latestForSubject(s.id, packId);
    if (!rec || detailStamp(project, rec.id) === null) continue;
    for (const photoId of rec.photoIds) {
      const photo = lib.reads.getPhoto(photoId);
      if (photo) out.push({ photoId, subjectId: s.id, subjectName: s.name, originalName: photo.originalName });
    }
  }
  return out;
}
