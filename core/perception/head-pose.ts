import type { Point2, Point3 } from './face-crops';

/**
 * Head rotation in degrees. yaw > 0: the face turns towards the image's left (the London set's
 * "left" views); pitch > 0: chin up; roll > 0: the head tilts clockwise in the image.
 */
export interface HeadPose {
  yaw: number;
  pitch: number;
  roll: number;
}

const DEG = 180 / Math.PI;

function normalize(v: Point3): Point3 {
  const n = Math.hypot(v[0], v[1], v[2]) || 1;
  return [v[0] / n, v[1] / n, v[2] / n];
}

/**
 * Head pose from FaceMesh's 468 points (image pixels, z negative towards the camera): the face's
 * x axis runs from the cheek at point 234 to the one at 454, its y axis from the forehead top (10)
 * to the chin (152); the angles are read off that rotation.
 *
 * ```ts
 * const { yaw } = poseFromMesh(mesh468);
 * ```
 */
export function poseFromMesh(mesh: readonly Point3[]): HeadPose {
  if (mesh.length < 468) throw new Error(`poseFromMesh: expected 468 points, got ${mesh.length}`);
  const sub = (a: Point3, b: Point3): Point3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
  const x = normalize(sub(mesh[454]!, mesh[234]!));
  const yRaw = normalize(sub(mesh[152]!, mesh[10]!));
  // Make y perpendicular to x (Gram–Schmidt), so yaw and pitch do not leak into each other.
  const dot = x[0] * yRaw[0] + x[1] * yRaw[1] + x[2] * yRaw[2];
  const y = normalize([yRaw[0] - dot * x[0], yRaw[1] - dot * x[1], yRaw[2] - dot * x[2]]);
  return {
    yaw: Math.atan2(-x[2], Math.hypot(x[0], x[1])) * DEG,
    pitch: Math.atan2(-y[2], Math.hypot(y[0], y[1])) * DEG,
    roll: Math.atan2(x[1], x[0]) * DEG,
  };
}

/** Eye distance ÷ detector box width of a frontal face (BlazeFace boxes, measured on the London set's front views). */
export const FRONTAL_EYE_RATIO = 0.45;

/**
 * A rough yaw from BlazeFace's key points, available before any landmark model runs: the eyes'
 * apparent distance shrinks with cos(yaw); the sign comes from the nose's side of the eye midpoint.
 * Good enough to tell a profile (|yaw| > ~60°) from a 3/4 view.
 *
 * ```ts
 * if (Math.abs(yawFromKeypoints(det.keypoints, det.box[2])) > 60) status = 'profile';
 * ```
 */
export function yawFromKeypoints(keypoints: readonly Point2[], boxWidth: number): number {
  const [e0, e1, nose] = keypoints as [Point2, Point2, Point2];
  const eyeDist = Math.hypot(e1[0] - e0[0], e1[1] - e0[1]);
  const ratio = Math.min(1, eyeDist / (FRONTAL_EYE_RATIO * boxWidth));
  const magnitude = Math.acos(ratio) * DEG;
  const eyeMid = (e0[0] + e1[0]) / 2;
  return nose[0] <= eyeMid ? magnitude : -magnitude;
}

/** Roll from 68 landmarks' eye centres, degrees clockwise. */
export function rollFromEyes(eyeLeft: Point2, eyeRight: Point2): number {
  return Math.atan2(eyeRight[1] - eyeLeft[1], eyeRight[0] - eyeLeft[0]) * DEG;
}
