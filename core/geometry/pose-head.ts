import type { HeadModel } from '../head-model/head-model';
import type { HeadModelEvaluator, HeadParams } from '../head-model/head-model-evaluator';
import { rotationMatrix, type PhotoFit } from './ortho-camera';

/** A head posed in a photo's camera frame: the fit's camera maps it to pixels. Copies, safe to keep and to send to another thread. */
export interface PosedHead {
  /** V×3 positions (metres). */
  vertices: Float32Array;
  /** V×3 unit normals (empty when the evaluator computes none). */
  normals: Float32Array;
  /** L×3 landmark positions. */
  landmarks: Float32Array;
}

/**
 * The head as a fit says it looks in its photo: the subject's shape β, the fit's expression ψ, jaw
 * and global rotation, in the camera's frame, so `projectOrtho(vertices, fit.camera)` lands on the
 * photo. The fitter rotates about the origin while the model rotates about its root joint, so the
 * root's rest position (for this β and ψ) is evaluated first and the difference becomes a translation.
 * A rotation of [0, 0, 0] gives the head facing forward with the fit's expression and jaw.
 *
 * ```ts
 * const { vertices, normals } = poseHead(new HeadModelEvaluator(model), model, shape, fit);
 * const uv = projectOrtho(vertices, fit.camera);
 * ```
 */
export function poseHead(evaluator: HeadModelEvaluator, model: HeadModel, shape: ArrayLike<number>, fit: Pick<PhotoFit, 'rotation' | 'jaw' | 'expression'>): PosedHead {
  // The pivot correction is R·rest − rest: nothing to correct facing forward (R = I), so the 3D views'
  // and the rig's poses skip the rest evaluation (half the work per frame).
  const facingForward = fit.rotation[0] === 0 && fit.rotation[1] === 0 && fit.rotation[2] === 0;
  const rest = facingForward ? [0, 0, 0] : Float64Array.from(evaluator.evaluate({ shape, expression: fit.expression }).joints.subarray(0, 3));
  const out = evaluator.evaluate(fitToHeadParams(model, shape, fit, rest));
  return { vertices: Float32Array.from(out.vertices), normals: Float32Array.from(out.normals), landmarks: Float32Array.from(out.landmarks) };
}

/** The evaluator's parameters for a fit: rotation on the root joint, jaw on `jaw`, and the translation that moves the root pivot to the fitter's origin. */
function fitToHeadParams(model: HeadModel, shape: ArrayLike<number>, fit: Pick<PhotoFit, 'rotation' | 'jaw' | 'expression'>, rootRest: ArrayLike<number>): HeadParams {
  const J = model.joints.names.length;
  const pose = new Float64Array(J * 3);
  pose.set(fit.rotation, 0);
  const jaw = model.joints.names.indexOf('jaw');
  if (jaw > 0) pose.set(fit.jaw, jaw * 3);
  const R = rotationMatrix(fit.rotation);
  const translation = [0, 1, 2].map((a) => R[a * 3]! * rootRest[0]! + R[a * 3 + 1]! * rootRest[1]! + R[a * 3 + 2]! * rootRest[2]! - rootRest[a]!);
  return { shape, expression: fit.expression, pose, translation };
}
