import type { HeadModel } from '../head-model/head-model';
import type { HeadParams } from '../head-model/head-model-evaluator';
import { rodrigues } from '../head-model/rodrigues';
import { rotationVector } from '../head-model/small-linalg';

/**
 * DECA's weak-perspective (scaled orthographic) camera in photo pixels: v = s·Π(M) + t, where Π
 * keeps x and y of the rotated model. The model's +Y is up while image rows grow downwards, so
 * u = s·x + tx, v = −s·y + ty.
 */
export interface OrthoCamera {
  /** Pixels per metre. */
  scale: number;
  tx: number;
  ty: number;
}

/** One photo's fitted parameters; `rotation` and `jaw` are axis-angle vectors (radians). */
export interface PhotoFit {
  rotation: [number, number, number];
  jaw: [number, number, number];
  expression: Float64Array;
  camera: OrthoCamera;
}

/**
 * Projects world points (x, y, z triples, already posed) into the photo.
 *
 * ```ts
 * const uv = projectOrtho(evaluation.landmarks, camera); // [u0, v0, u1, v1, …]
 * ```
 */
export function projectOrtho(points: ArrayLike<number>, camera: OrthoCamera, out = new Float64Array((points.length / 3) * 2)): Float64Array {
  for (let i = 0, n = points.length / 3; i < n; i++) {
    out[i * 2] = camera.scale * points[i * 3]! + camera.tx;
    out[i * 2 + 1] = -camera.scale * points[i * 3 + 1]! + camera.ty;
  }
  return out;
}

/** Row-major rotation matrix of an axis-angle vector. */
export function rotationMatrix(v: readonly number[]): Float64Array {
  const R = new Float64Array(9);
  rodrigues(v[0]!, v[1]!, v[2]!, R, 0);
  return R;
}

/** Axis-angle vector of a row-major rotation matrix. */
export function axisAngle(R: ArrayLike<number>): [number, number, number] {
  return rotationVector(R);
}

/**
 * Turns a fit into {@link HeadParams} for {@link HeadModelEvaluator}: global rotation on the root
 * joint, jaw on `jaw`, and the translation that makes the root pivot agree with the fitter's
 * (which rotates about the origin), so projecting the evaluated vertices with the fit's camera
 * reproduces the fitted landmarks. `rootRest` is the root joint's rest position for this β and ψ
 * (`evaluate({ shape, expression }).joints.subarray(0, 3)`).
 *
 * ```ts
 * const rest = ev.evaluate({ shape, expression: photo.expression }).joints.slice(0, 3);
 * const out = ev.evaluate(fitToHeadParams(model, shape, photo, rest));
 * const uv = projectOrtho(out.landmarks, photo.camera);
 * ```
 */
export function fitToHeadParams(model: HeadModel, shape: ArrayLike<number>, photo: PhotoFit, rootRest: ArrayLike<number>): HeadParams {
  const J = model.joints.names.length;
  const pose = new Float64Array(J * 3);
  pose.set(photo.rotation, 0);
  const jaw = model.joints.names.indexOf('jaw');
  if (jaw > 0) pose.set(photo.jaw, jaw * 3);
  const R = rotationMatrix(photo.rotation);
  const translation = [0, 1, 2].map((a) => R[a * 3]! * rootRest[0]! + R[a * 3 + 1]! * rootRest[1]! + R[a * 3 + 2]! * rootRest[2]! - rootRest[a]!);
  return { shape, expression: photo.expression, pose, translation };
}

/**
 * Yaw of a global rotation in the perception convention (degrees, + = face turned towards the
 * image's left): the model faces +Z, so the forward vector's x tells the turn.
 *
 * ```ts
 * const yaw = yawOfRotation(rotationMatrix(fit.rotation));
 * ```
 */
export function yawOfRotation(R: ArrayLike<number>): number {
  // Forward = R·(0, 0, 1) = third column.
  return (-Math.atan2(R[2]!, R[8]!) * 180) / Math.PI;
}
