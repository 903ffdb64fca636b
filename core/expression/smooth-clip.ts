import type { ExpressionRecord } from './expression-record';
import { checkClip, type ExpressionClip } from './expression-clip';

export interface SmoothClipOptions {
  /**
   * Keys on each side that the centred filter reaches: the weights are the binomial coefficients
   * of 2·radius (radius 1: ¼, ½, ¼; radius 2: 1/16, 4/16, 6/16, 4/16, 1/16), a discrete Gaussian of
   * standard deviation √(radius/2) keys. 0 leaves the clip as it is.
   */
  radius?: number;
}

export const SMOOTH_CLIP_DEFAULTS: Required<SmoothClipOptions> = { radius: 1 };

/**
 * A clip with its keys smoothed by a small centred filter over the key sequence: each key's 52
 * ARKit weights, jaw and eye rotations (axis-angle, per component) become the binomially weighted
 * mean of the keys within `radius` of it. It removes the key-to-key jitter of per-photo or
 * per-frame fits (a blink or smile held over several keys survives, a one-key spike is halved at
 * radius 1). At the ends the kernel is cut and renormalised, so a constant clip stays constant.
 * Times, names and sources are kept; weights stay within 0…1 because a mean of values in 0…1 is.
 * Eyes are smoothed over the neighbours that have them.
 *
 * ```ts
 * const smooth = smoothClip(clip, { radius: 2 });
 * ```
 */
export function smoothClip(clip: ExpressionClip, options: SmoothClipOptions = {}): ExpressionClip {
  const { radius } = { ...SMOOTH_CLIP_DEFAULTS, ...options };
  if (!Number.isInteger(radius) || radius < 0 || radius > 30) throw new RangeError(`smoothClip: radius must be an integer 0…30, not ${radius}`);
  const kernel = binomial(2 * radius);
  const keys = clip.keys;
  const smoothed = keys.map((key, i) => {
    const sum = new Float64Array(key.expression.arkit.length);
    const jaw = [0, 0, 0];
    const left = [0, 0, 0];
    const right = [0, 0, 0];
    let total = 0;
    let eyeTotal = 0;
    for (let d = -radius; d <= radius; d++) {
      const j = i + d;
      if (j < 0 || j >= keys.length) continue;
      const w = kernel[d + radius]!;
      const e = keys[j]!.expression;
      total += w;
      for (let k = 0; k < sum.length; k++) sum[k]! += w * e.arkit[k]!;
      for (let a = 0; a < 3; a++) jaw[a]! += w * e.jawPose[a]!;
      if (e.eyePose) {
        eyeTotal += w;
        for (let a = 0; a < 3; a++) {
          left[a]! += w * e.eyePose.left[a]!;
          right[a]! += w * e.eyePose.right[a]!;
        }
      }
    }
    const arkit = Float32Array.from(sum, (v) => Math.min(1, Math.max(0, v / total)));
    const per = (v: number[], t: number): [number, number, number] => [v[0]! / t, v[1]! / t, v[2]! / t];
    const expression: ExpressionRecord = {
      ...key.expression,
      arkit,
      jawPose: per(jaw, total),
      eyePose: key.expression.eyePose && eyeTotal > 0 ? { left: per(left, eyeTotal), right: per(right, eyeTotal) } : key.expression.eyePose,
    };
    return { time: key.time, expression };
  });
  return checkClip({ ...clip, keys: smoothed });
}

/** Row n of Pascal's triangle. */
function binomial(n: number): number[] {
  let row = [1];
  for (let i = 0; i < n; i++) row = [...row, 0].map((v, k) => v + (k > 0 ? row[k - 1]! : 0));
  return row;
}
