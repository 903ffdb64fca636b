import { ApiError } from '../api/api-error';
import { INPUT_LIMITS, LimitError } from '../limits/input-limits';
import { ARKIT_BLENDSHAPES } from './arkit-names';
import type { ExpressionRecord } from './expression-record';

/** One key of a clip: an expression at a time. */
export interface ClipKey {
  /** Seconds from the clip's start; keys are strictly increasing in time, the first at 0 or later. */
  time: number;
  expression: ExpressionRecord;
}

/**
 * An animation clip as data, independent of any head: a timed sequence of expressions (keyframes
 * from photos, or one per sampled video frame). Between keys an expression is the linear blend of
 * its neighbours ({@link sampleClip}); `fps` is the frame rate the clip is played and written at
 * (the ARKit CSV has one row per frame at this rate).
 *
 * ```ts
 * const clip = clipFromRecords('hello', [neutral, smile, neutral], { fps: 2 }); // keys at 0, 0.5, 1 s
 * ```
 */
export interface ExpressionClip {
  name: string;
  fps: number;
  keys: ClipKey[];
}

export interface ClipFromRecordsOptions {
  /** Keys per second: record i is keyed at i / fps seconds. */
  fps?: number;
}

export const CLIP_FROM_RECORDS_DEFAULTS: Required<ClipFromRecordsOptions> = { fps: 2 };

/** Largest frame rate a clip may have (Live Link Face records at 60). */
export const MAX_CLIP_FPS = 240;

/**
 * A clip with one key per record, evenly spaced at `fps`, in the records' order.
 *
 * ```ts
 * const clip = clipFromRecords('photos', records, { fps: 4 });
 * ```
 */
export function clipFromRecords(name: string, records: readonly ExpressionRecord[], options: ClipFromRecordsOptions = {}): ExpressionClip {
  const { fps } = { ...CLIP_FROM_RECORDS_DEFAULTS, ...options };
  return checkClip({ name, fps, keys: records.map((expression, i) => ({ time: i / fps, expression })) });
}

/**
 * Throws a `bad-request` error naming what is wrong with a clip (no keys, too many, times not
 * increasing, a weight outside 0…1 or not finite, a bad fps); returns it unchanged otherwise.
 *
 * ```ts
 * checkClip(clip);
 * ```
 */
export function checkClip(clip: ExpressionClip): ExpressionClip {
  if (!(typeof clip.name === 'string' && clip.name.trim().length > 0 && clip.name.length <= 200)) throw new ApiError('bad-request', 'A clip needs a name of 1 to 200 characters');
  if (!(Number.isFinite(clip.fps) && clip.fps > 0 && clip.fps <= MAX_CLIP_FPS)) throw new ApiError('bad-request', `Clip "${clip.name}": fps must be above 0 and at most ${MAX_CLIP_FPS}, not ${clip.fps}`);
  if (clip.keys.length === 0) throw new ApiError('bad-request', `Clip "${clip.name}" has no keys`);
  if (clip.keys.length > INPUT_LIMITS.clipKeys) throw new LimitError('clipKeys', `Clip "${clip.name}" has ${clip.keys.length} keys`);
  let last = -Infinity;
  clip.keys.forEach((key, i) => {
    if (!(Number.isFinite(key.time) && key.time >= 0 && key.time > last)) throw new ApiError('bad-request', `Clip "${clip.name}": key ${i}'s time ${key.time} s must be finite, ≥ 0 and after the key before`);
    last = key.time;
    const e = key.expression;
    if (e.arkit.length !== ARKIT_BLENDSHAPES.length) throw new ApiError('bad-request', `Clip "${clip.name}": key ${i} has ${e.arkit.length} ARKit weights, not ${ARKIT_BLENDSHAPES.length}`);
    e.arkit.forEach((w, k) => {
      if (!(w >= 0 && w <= 1)) throw new ApiError('bad-request', `Clip "${clip.name}": key ${i}'s ${ARKIT_BLENDSHAPES[k]} is ${w}, not within 0…1`);
    });
    const rotations = [e.jawPose, ...(e.eyePose ? [e.eyePose.left, e.eyePose.right] : [])];
    for (const r of rotations) {
      if (r.length !== 3 || !r.every((x) => Number.isFinite(x) && Math.abs(x) <= Math.PI)) throw new ApiError('bad-request', `Clip "${clip.name}": key ${i} has a jaw or eye rotation that is not 3 finite angles within ±π`);
    }
  });
  return clip;
}

/** Seconds from the first key to the last. */
export function clipDuration(clip: Pick<ExpressionClip, 'keys'>): number {
  return clip.keys.length ? clip.keys[clip.keys.length - 1]!.time - clip.keys[0]!.time : 0;
}

/**
 * The expression at time `t` (seconds, clamped to the clip): the linear blend of the two keys
 * around it — weights, jaw and eyes (axis-angle blended per component, exact for the small
 * rotations of a face). Eyes are present only when both keys have them.
 *
 * ```ts
 * const e = sampleClip(clip, 0.25);
 * ```
 */
export function sampleClip(clip: Pick<ExpressionClip, 'keys' | 'name'>, t: number): ExpressionRecord {
  const keys = clip.keys;
  let hi = keys.findIndex((k) => k.time >= t);
  if (hi < 0) hi = keys.length - 1;
  const lo = Math.max(0, hi - 1);
  const a = keys[lo]!;
  const b = keys[hi]!;
  const s = b.time > a.time ? Math.min(1, Math.max(0, (t - a.time) / (b.time - a.time))) : 1;
  return blendRecords(a.expression, b.expression, s, clip.name);
}

/** (1 − s)·a + s·b for weights and rotations. */
export function blendRecords(a: ExpressionRecord, b: ExpressionRecord, s: number, name = a.name): ExpressionRecord {
  const lerp3 = (x: readonly number[], y: readonly number[]): [number, number, number] => [x[0]! + s * (y[0]! - x[0]!), x[1]! + s * (y[1]! - x[1]!), x[2]! + s * (y[2]! - x[2]!)];
  return {
    name,
    arkit: a.arkit.map((w, k) => w + s * (b.arkit[k]! - w)),
    jawPose: lerp3(a.jawPose, b.jawPose),
    eyePose: a.eyePose && b.eyePose ? { left: lerp3(a.eyePose.left, b.eyePose.left), right: lerp3(a.eyePose.right, b.eyePose.right) } : null,
    source: s < 0.5 ? a.source : b.source,
  };
}
