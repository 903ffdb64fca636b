import type { FaceJson } from '../../perception/face-json';
import type { PhotoObservation } from '../fit-photos';

/** A photo's stored face analysis as the reconstruction reads it (null: not analysed, or analysis failed). */
export interface AnalyzedPhoto {
  photoId: number;
  analysis: { selectedFace: number | null; faces: FaceJson[] } | null;
}

/** A photo the fit can use: its chosen face and what the fitter sees of it. */
export interface UsablePhoto {
  photoId: number;
  faceIndex: number;
  face: FaceJson;
  observation: PhotoObservation;
}

/** A photo the fit leaves out, and why (told to the user as a job item). */
export interface RejectedPhoto {
  photoId: number;
  code: 'not-analyzed' | 'no-face' | 'no-usable-face';
  message: string;
}

/**
 * The perceive stage's pure half: from each photo's face analysis (run by the inference worker), the
 * photos the fit can use — a selected face with 68 landmarks — and the ones it must leave out.
 *
 * ```ts
 * const { usable, rejected } = usablePhotos(photos.map((p) => ({ photoId: p.id, analysis: faces.get(p.id) ?? null })));
 * ```
 */
export function usablePhotos(photos: readonly AnalyzedPhoto[]): { usable: UsablePhoto[]; rejected: RejectedPhoto[] } {
  const usable: UsablePhoto[] = [];
  const rejected: RejectedPhoto[] = [];
  for (const { photoId, analysis } of photos) {
    if (!analysis) {
      rejected.push({ photoId, code: 'not-analyzed', message: 'the photo could not be analysed' });
      continue;
    }
    const face = analysis.selectedFace === null ? null : analysis.faces[analysis.selectedFace];
    const observation = face ? observationOf(face) : null;
    if (!face || !observation) {
      const why = analysis.faces.length ? `no usable face (${analysis.faces.map((f) => f.status.replace(/_/g, ' ')).join(', ')})` : 'no face found';
      rejected.push({ photoId, code: analysis.faces.length ? 'no-usable-face' : 'no-face', message: why });
      continue;
    }
    usable.push({ photoId, faceIndex: analysis.selectedFace!, face, observation });
  }
  return { usable, rejected };
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
