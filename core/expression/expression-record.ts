import { ARKIT_BLENDSHAPES } from './arkit-names';

/** One of Apple ARKit's 52 blendshape names. */
export type ArkitName = (typeof ARKIT_BLENDSHAPES)[number];

/**
 * An expression as data, independent of any head model: ARKit's 52 blendshape weights (each 0…1,
 * in {@link ARKIT_BLENDSHAPES} order) plus the jaw and eye rotations. Captured from a fitted photo
 * or made by hand with sliders; retargeting applies it to any subject's head on any pack.
 *
 * ```ts
 * const smile: ExpressionRecord = { name: 'smile', arkit: new Float32Array(52), jawPose: [0.1, 0, 0], eyePose: null, source: null };
 * smile.arkit[ARKIT_BLENDSHAPES.indexOf('mouthSmileLeft')] = 0.8;
 * ```
 */
export interface ExpressionRecord {
  name: string;
  /** 52 weights in ARKIT_BLENDSHAPES order, each in [0, 1]. */
  arkit: Float32Array;
  /**
   * The jaw joint's rotation on top of the weights, axis-angle (radians) in the head's frame (+X: the
   * chin moves down for positive x): what exports key the joint at. Records solved from photos carry
   * rest, [0, 0, 0] — the solve measures the fitted jaw's motion into the weights (jawOpen…).
   */
  jawPose: [number, number, number];
  /** Left and right eye rotations, axis-angle (radians), when known. */
  eyePose: { left: [number, number, number]; right: [number, number, number] } | null;
  /** Where it came from: a fitted photo (its id and the pack it was fitted on), or null when made by hand. */
  source: { photoId: number; packId: string } | null;
}

/** The ARKit weights of a record as a name → weight object (what JSON output and CSV columns use). */
export function arkitWeightsByName(record: Pick<ExpressionRecord, 'arkit'>): Record<ArkitName, number> {
  const out = {} as Record<ArkitName, number>;
  ARKIT_BLENDSHAPES.forEach((name, i) => (out[name] = record.arkit[i] ?? 0));
  return out;
}
