import type { FaceResult } from './face-analysis';
import type { EyeLids } from './eye-lids';
import type { MouthOpening } from './mouth-opening';
import type { Affine2D } from './image-warp';

const r2 = (v: number) => Math.round(v * 100) / 100;
const r6 = (v: number) => Math.round(v * 1e6) / 1e6;

/** One face as JSON (the `landmarks` CLI and the project library store this form). */
export interface FaceJson {
  box: number[];
  score: number;
  status: FaceResult['status'];
  landmarks68: number[][] | null;
  mesh468: number[][] | null;
  pose: { yaw: number; pitch: number; roll: number } | null;
  embedding: number[] | null;
  decaCrop: { center: number[]; size: number; toCrop: Affine2D } | null;
  detectorYaw: number;
  /** A profile's silhouette landmarks ([iBUG index, x, y]), the eye distance they imply and its silhouette curve (x, y pairs; absent in older analyses); absent on other faces and older analyses. */
  profile?: { points: number[][]; eyeDistancePx: number; curve?: number[] } | null;
  /** Each eye (the subject's left and right): lid aperture (gap ÷ width), the 16-point lid contour (x, y pairs) and the iris centre; absent before perception-4 and on faces that are not 'ok'. */
  eyes?: { left: EyeJson; right: EyeJson } | null;
  /** The inner-lip gap the nets gave, the one read on the image and the lower inner lip's shift (pixels; see {@link MouthOpening}); absent before perception-5 and on faces that are not 'ok'. */
  mouth?: { landmarkGap: number; measuredGap: number; shift: number } | null;
}

/** One eye in JSON: see {@link EyeLids}. */
export interface EyeJson {
  aperture: number;
  lids: number[];
  iris: number[];
}

const r4 = (v: number) => Math.round(v * 1e4) / 1e4;
const eyeToJson = (e: EyeLids): EyeJson => ({ aperture: r4(e.aperture), lids: e.lids.flatMap((p) => p.map(r2)), iris: e.iris.map(r2) });

/**
 * A face in its JSON form: pixels rounded to 0.01, embedding and score to 1e-6 (far below what
 * the models resolve), so output stays compact.
 *
 * ```ts
 * io.out(JSON.stringify(photo.faces.map(faceToJson)));
 * ```
 */
export function faceToJson(f: FaceResult): FaceJson {
  return {
    box: f.box.map(r2),
    score: r6(f.score),
    status: f.status,
    landmarks68: f.landmarks68?.map((p) => p.map(r2)) ?? null,
    mesh468: f.mesh468?.map((p) => p.map(r2)) ?? null,
    pose: f.pose ? { yaw: r2(f.pose.yaw), pitch: r2(f.pose.pitch), roll: r2(f.pose.roll) } : null,
    embedding: f.embedding?.map(r6) ?? null,
    decaCrop: f.decaCrop ? { center: f.decaCrop.center.map(r2), size: r2(f.decaCrop.size), toCrop: f.decaCrop.toCrop } : null,
    detectorYaw: r2(f.detectorYaw),
    ...(f.eyes !== undefined ? { eyes: f.eyes ? { left: eyeToJson(f.eyes.left), right: eyeToJson(f.eyes.right) } : null } : {}),
    ...(f.mouth !== undefined ? { mouth: f.mouth ? { landmarkGap: r2(f.mouth.landmarkGap), measuredGap: r2(f.mouth.measuredGap), shift: r2(f.mouth.shift) } : null } : {}),
    ...(f.status === 'profile' ? { profile: f.profile ? { points: f.profile.points.map((p) => [p.landmark, r2(p.x), r2(p.y)]), eyeDistancePx: r2(f.profile.eyeDistancePx), curve: f.profile.curve.map(r2) } : null } : {}),
  };
}
