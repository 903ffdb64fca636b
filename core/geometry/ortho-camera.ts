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

/**
 * Row-major rotation matrix of an axis-angle vector (radians).
 *
 * ```ts
 * const R = rotationMatrix(fit.rotation);
 * ```
 */
export function rotationMatrix(v: readonly number[]): Float64Array {
  const R = new Float64Array(9);
  rodrigues(v[0]!, v[1]!, v[2]!, R, 0);
  return R;
}

/**
 * Axis-angle vector of a row-major rotation matrix.
 *
 * ```ts
 * const rotation = axisAngle(R);
 * ```
 */
export function axisAngle(R: ArrayLike<number>): [number, number, number] {
  return rotationVector(R);
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
