import { ApiError } from '../api/api-error';
import { ARKIT_BLENDSHAPES } from '../expression/arkit-names';
import type { ExportShape } from '../expression/arkit-names';
import type { ExpressionClip } from '../expression/expression-clip';
import type { ExpressionRecord } from '../expression/expression-record';
import type { AnimationClip } from './animation-clip';

/** An expression on a pack without ARKit shapes: its expression coefficients ψ and jaw axis-angle. */
export interface PackExpression {
  expression: ArrayLike<number>;
  jaw: [number, number, number];
}

export interface ClipAnimationOptions {
  /**
   * ARKit → the pack's own ψ, for packs whose export shapes have no ARKit names (FLAME's PCA
   * modes): `arkitToPack` from core/expression. Packs with ARKit-named shapes need none.
   */
  retarget?: (record: ExpressionRecord) => PackExpression;
}

const ARKIT_INDEX = new Map<string, number>(ARKIT_BLENDSHAPES.map((n, i) => [n, i]));

/**
 * Whether a pack's export shapes are driven by ARKit names directly (ICT-FaceKit, the starter
 * head: at least one shape carries an ARKit name) or need retargeting to ψ (FLAME's `exp_NN`).
 */
export function drivenByArkitNames(shapes: readonly ExportShape[]): boolean {
  return shapes.some((s) => ARKIT_INDEX.has(s.name));
}

/**
 * One expression as an export's morph weights (by export shape name) and joint rotations
 * (unit quaternions x, y, z, w by joint name: `jaw` from the jaw pose, `eye_L` / `eye_R` from the
 * eye pose when the record has one). The jaw pose is the joint on top of the weights: a record made
 * with the jaw slider keys it, one solved from a photo carries rest (its weights hold the fitted
 * jaw's motion; keying the fitted rotation too moved the jaw twice, #12). On a pack with ARKit-named shapes each shape takes the
 * record's weight of that name (split halves were merged into the one ARKit shape by exportShapes,
 * so nothing is split here) and shapes without an ARKit name stay at 0; on a PCA pack
 * `options.retarget` gives ψ and the jaw, and each shape takes the mean of its modes' ψ.
 *
 * ```ts
 * const { morphs, joints } = expressionPose(record, exportShapes(model.expression.names, model.expression.count));
 * ```
 */
export function expressionPose(record: ExpressionRecord, shapes: readonly ExportShape[], options: ClipAnimationOptions = {}): { morphs: Map<string, number>; joints: Map<string, [number, number, number, number]> } {
  const morphs = new Map<string, number>();
  const joints = new Map<string, [number, number, number, number]>();
  let jaw = record.jawPose;
  if (drivenByArkitNames(shapes)) {
    for (const s of shapes) {
      const k = ARKIT_INDEX.get(s.name);
      morphs.set(s.name, k === undefined ? 0 : record.arkit[k]!);
    }
  } else {
    if (!options.retarget) {
      throw new ApiError('bad-request', 'This head model has no ARKit-named blendshapes (FLAME PCA modes): an ARKit clip on it needs arkitToPack (ARKit → FLAME retargeting), not in this build');
    }
    const packed = options.retarget(record);
    jaw = packed.jaw;
    for (const s of shapes) morphs.set(s.name, s.sources.reduce((sum, k) => sum + (packed.expression[k] ?? 0), 0) / s.sources.length);
  }
  joints.set('jaw', axisAngleToQuaternion(jaw));
  if (record.eyePose) {
    joints.set('eye_L', axisAngleToQuaternion(record.eyePose.left));
    joints.set('eye_R', axisAngleToQuaternion(record.eyePose.right));
  }
  return { morphs, joints };
}

/**
 * A clip as an export's animation: one key per clip key (its times), every export shape's weight
 * and the jaw (and eyes, when every key has them) as rotations, through {@link expressionPose}.
 * The writers interpolate linearly between keys, as {@link sampleClip} does.
 *
 * ```ts
 * head = { ...head, animations: [clipAnimation(clip, exportShapes(names, count))] };
 * ```
 */
export function clipAnimation(clip: ExpressionClip, shapes: readonly ExportShape[], options: ClipAnimationOptions = {}): AnimationClip {
  const n = clip.keys.length;
  const times = Float32Array.from(clip.keys, (k) => k.time);
  const morphWeights: Record<string, Float32Array> = Object.fromEntries(shapes.map((s) => [s.name, new Float32Array(n)]));
  const withEyes = clip.keys.every((k) => k.expression.eyePose);
  const jointRotations: Record<string, Float32Array> = { jaw: new Float32Array(n * 4), ...(withEyes ? { eye_L: new Float32Array(n * 4), eye_R: new Float32Array(n * 4) } : {}) };
  clip.keys.forEach((key, t) => {
    const pose = expressionPose(key.expression, shapes, options);
    for (const [name, w] of pose.morphs) morphWeights[name]![t] = w;
    for (const [joint, track] of Object.entries(jointRotations)) track.set(pose.joints.get(joint)!, t * 4);
  });
  // Neighbouring quaternions on the same hemisphere, so linear interpolation takes the short way.
  for (const track of Object.values(jointRotations)) {
    for (let t = 1; t < n; t++) {
      const dot = track[t * 4]! * track[t * 4 - 4]! + track[t * 4 + 1]! * track[t * 4 - 3]! + track[t * 4 + 2]! * track[t * 4 - 2]! + track[t * 4 + 3]! * track[t * 4 - 1]!;
      if (dot < 0) for (let c = 0; c < 4; c++) track[t * 4 + c] = -track[t * 4 + c]!;
    }
  }
  return { name: clip.name, times, morphWeights, jointRotations };
}

/**
 * The unit quaternion (x, y, z, w) of an axis-angle rotation (radians).
 *
 * ```ts
 * axisAngleToQuaternion([0.2, 0, 0]); // [sin 0.1, 0, 0, cos 0.1]
 * ```
 */
export function axisAngleToQuaternion(r: readonly number[]): [number, number, number, number] {
  const angle = Math.hypot(r[0]!, r[1]!, r[2]!);
  if (angle < 1e-12) return [r[0]! / 2, r[1]! / 2, r[2]! / 2, 1];
  const s = Math.sin(angle / 2) / angle;
  return [r[0]! * s, r[1]! * s, r[2]! * s, Math.cos(angle / 2)];
}
