import type { FaceJson } from '../../perception/face-json';
import type { PhotoObservation } from '../fit-photos';
import { isSurfacePin, type Pin } from '../photo-pins';
import { profileObservation } from '../profile-observation';

/** A photo's stored face analysis as the reconstruction reads it (null: not analysed, or analysis failed). */
export interface AnalyzedPhoto {
  photoId: number;
  analysis: { selectedFace: number | null; faces: FaceJson[] } | null;
  /** The photo's pins on the fit's pack: a profile whose silhouette was not read is fitted from them. */
  pins?: readonly Pin[] | null;
}

/** A photo the fit can use: its chosen face and what the fitter sees of it. */
export interface UsablePhoto {
  photoId: number;
  faceIndex: number;
  face: FaceJson;
  observation: PhotoObservation;
  /** How a profile is seen: its silhouette's landmarks or the artist's pins (absent: an ordinary face). */
  profile?: 'silhouette' | 'pins';
}

/** A photo the fit leaves out, and why (told to the user as a job item). */
export interface RejectedPhoto {
  photoId: number;
  code: 'not-analyzed' | 'no-face' | 'no-usable-face';
  message: string;
}

/** Pins (landmark pins and surface pins together) a profile needs to be fitted from them alone. */
export const PROFILE_MIN_PINS = 3;

/**
 * The perceive stage's pure half: from each photo's face analysis (run by the inference worker), the
 * photos the fit can use — a selected face with 68 landmarks, or a photo whose only face is a
 * profile, seen through its silhouette's landmarks or, when those could not be read, through at
 * least {@link PROFILE_MIN_PINS} of the artist's pins — and the ones it must leave out.
 *
 * ```ts
 * const { usable, rejected } = usablePhotos(photos.map((p) => ({ photoId: p.id, analysis: faces.get(p.id) ?? null })));
 * ```
 */
export function usablePhotos(photos: readonly AnalyzedPhoto[]): { usable: UsablePhoto[]; rejected: RejectedPhoto[] } {
  const usable: UsablePhoto[] = [];
  const rejected: RejectedPhoto[] = [];
  for (const { photoId, analysis, pins } of photos) {
    if (!analysis) {
      rejected.push({ photoId, code: 'not-analyzed', message: 'the photo could not be analysed' });
      continue;
    }
    const face = analysis.selectedFace === null ? null : analysis.faces[analysis.selectedFace];
    const observation = face ? observationOf(face) : null;
    const side = !face && analysis.faces[0]?.status === 'profile' ? profileOf(analysis.faces[0], pins ?? []) : null;
    if (side) {
      usable.push({ photoId, faceIndex: 0, face: analysis.faces[0]!, ...side });
      continue;
    }
    if (!face || !observation) {
      const why = analysis.faces[0]?.status === 'profile' && !face
        ? `a profile whose silhouette could not be read: place ${PROFILE_MIN_PINS} or more pins (landmark or surface pins) to fit it`
        : analysis.faces.length ? `no usable face (${analysis.faces.map((f) => f.status.replace(/_/g, ' ')).join(', ')})` : 'no face found';
      rejected.push({ photoId, code: analysis.faces.length ? 'no-usable-face' : 'no-face', message: why });
      continue;
    }
    usable.push({ photoId, faceIndex: analysis.selectedFace!, face, observation });
  }
  return { usable, rejected };
}

/**
 * The fitter's view of a profile (the photo's largest face): its silhouette's landmarks, or else its
 * pins (landmark pins as the observed points, surface pins joined later by `pinnedFitInputs`); null
 * with neither.
 *
 * ```ts
 * const side = profileOf(analysis.faces[0], pins); // { observation, profile: 'silhouette' } or null
 * ```
 */
export function profileOf(face: FaceJson, pins: readonly Pin[]): { observation: PhotoObservation; profile: 'silhouette' | 'pins' } | null {
  if (face.status !== 'profile') return null;
  const yawDeg = face.detectorYaw;
  const found = face.profile?.points ?? [];
  if (found.length >= 3) {
    const points = found.map((p) => ({ landmark: p[0]!, x: p[1]!, y: p[2]! }));
    const curve = face.profile!.curve && face.profile!.curve.length >= 4 ? face.profile!.curve : null;
    return { observation: profileObservation(points, { yawDeg, eyeDistancePx: face.profile!.eyeDistancePx, curve }), profile: 'silhouette' };
  }
  if (pins.length < PROFILE_MIN_PINS) return null;
  const landmarkPins = pins.filter((p) => !isSurfacePin(p)).map((p) => p as { landmark: number; x: number; y: number });
  return { observation: profileObservation(landmarkPins, { yawDeg }, pins.filter(isSurfacePin)), profile: 'pins' };
}

/**
 * The fitter's view of a stored face: flat landmark and mesh pixels, and its yaw; null without 68 landmarks.
 *
 * ```ts
 * const obs = observationOf(face);
 * ```
 */
export function observationOf(face: FaceJson): PhotoObservation | null {
  if (face.status !== 'ok' || !face.landmarks68 || face.landmarks68.length !== 68) return null;
  return {
    landmarks: Float64Array.from(face.landmarks68.flatMap((p) => [p[0]!, p[1]!])),
    mesh: face.mesh468 && face.mesh468.length === 468 ? Float64Array.from(face.mesh468.flatMap((p) => [p[0]!, p[1]!])) : null,
    yawDeg: face.pose?.yaw ?? 0,
  };
}
