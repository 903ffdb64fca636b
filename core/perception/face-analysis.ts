import type { EyeLids } from './eye-lids';
import type { Point2, Point3 } from './face-crops';
import type { Affine2D } from './image-warp';
import type { HeadPose } from './head-pose';
import type { MouthOpening } from './mouth-opening';
import type { ProfileLandmarks } from './profile-silhouette';

/**
 * Why a face has (or lacks) points: 'ok' — everything was measured; 'too_small' — the face is below
 * the size the models work at; 'profile' — turned too far for the 68-point net (face-api's fails on
 * profiles); 'landmarks_failed' — the landmark nets disagreed with the detector. Only 'ok' faces
 * carry landmarks, mesh, pose and embedding; the others have null there, never guessed points.
 */
export type FaceStatus = 'ok' | 'too_small' | 'profile' | 'landmarks_failed';

/** One detected face, in pixels of the upright (EXIF-rotated) photo. */
export interface FaceResult {
  box: [number, number, number, number];
  score: number;
  status: FaceStatus;
  landmarks68: Point2[] | null;
  /** FaceMesh points; null also when the mesh net did not recognise a face in the crop. */
  mesh468: Point3[] | null;
  pose: HeadPose | null;
  /** 128-value face descriptor (dlib/face-api); same person when the Euclidean distance < ~0.6. */
  embedding: number[] | null;
  /** DECA's 224×224 crop; `toCrop` maps photo pixels into it, `toImage` back. */
  decaCrop: { center: Point2; size: number; toCrop: Affine2D; toImage: Affine2D } | null;
  /** Rough yaw from the detector's key points (degrees, + = towards image left), the basis of 'profile'. */
  detectorYaw: number;
  /**
   * A 'profile' face's midline landmarks read off its silhouette against a plain backdrop
   * (profile-silhouette.ts); null (or absent: analyses before it) when it could not be read.
   */
  profile?: ProfileLandmarks | null;
  /**
   * Each eye's lids and iris from MediaPipe's iris model (eye-lids.ts), by the subject's side ('left'
   * is the subject's left eye); absent on faces that are not 'ok' and in analyses before perception-4.
   */
  eyes?: { left: EyeLids; right: EyeLids } | null;
  /**
   * The inner-lip gap the landmark nets gave and the one read on the image (mouth-opening.ts); when
   * `shift` > 0 the landmarks' and mesh's lower inner lip were moved down by it. Absent on faces that
   * are not 'ok' and in analyses before perception-5.
   */
  mouth?: MouthOpening | null;
}

/** Every face of one photo, largest first; `selected` is the one later stages use. */
export interface PhotoFaces {
  width: number;
  height: number;
  faces: FaceResult[];
  /** Index into `faces`, or null when there is no usable face. */
  selected: number | null;
}

/** Euclidean distance of two embeddings. */
export function embeddingDistance(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new Error(`embeddingDistance: lengths ${a.length} and ${b.length} differ`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s);
}
