import { ApiError } from '../api/api-error';
import { checkClip, type ExpressionClip } from './expression-clip';
import { smoothClip } from './smooth-clip';

/** One edit of a clip's keys (what `clips.update` takes). */
export type ClipEdit =
  /** Remove key `index` (0-based); the others keep their times. */
  | { op: 'drop'; index: number }
  /** Move key `index` to `time` seconds; it must stay between its neighbours. */
  | { op: 'retime'; index: number; time: number }
  /** Space all keys evenly at `fps` keys per second from 0 (and play the clip at that rate). */
  | { op: 'respace'; fps: number }
  /** Smooth the keys with the centred binomial filter (see smoothClip). */
  | { op: 'smooth'; radius: number };

/**
 * A clip without key `index`; the remaining keys keep their times, the first is moved to 0 so a
 * clip always starts at its first key. A clip keeps at least one key.
 *
 * ```ts
 * const shorter = dropKey(clip, 3);
 * ```
 */
export function dropKey(clip: ExpressionClip, index: number): ExpressionClip {
  checkIndex(clip, index);
  if (clip.keys.length === 1) throw new ApiError('bad-request', `Clip "${clip.name}" has one key left: delete the clip instead`);
  const keys = clip.keys.filter((_, i) => i !== index);
  const t0 = keys[0]!.time;
  return checkClip({ ...clip, keys: keys.map((k) => ({ ...k, time: k.time - t0 })) });
}

/**
 * A clip with key `index` moved to `time` seconds, strictly between the keys before and after it
 * (the order of keys never changes; drop and re-add to reorder).
 *
 * ```ts
 * const slower = retimeKey(clip, 2, 1.5);
 * ```
 */
export function retimeKey(clip: ExpressionClip, index: number, time: number): ExpressionClip {
  checkIndex(clip, index);
  const before = clip.keys[index - 1]?.time ?? -Infinity;
  const after = clip.keys[index + 1]?.time ?? Infinity;
  if (!(Number.isFinite(time) && time >= 0 && time > before && time < after)) {
    throw new ApiError('bad-request', `Key ${index} of "${clip.name}" can move only between its neighbours (${before === -Infinity ? 0 : before} … ${after === Infinity ? '∞' : after} s), not to ${time} s`);
  }
  return checkClip({ ...clip, keys: clip.keys.map((k, i) => (i === index ? { ...k, time } : k)) });
}

/**
 * A clip with its keys evenly spaced at `fps` keys per second from 0, played at `fps`.
 *
 * ```ts
 * const faster = respaceClip(clip, 8);
 * ```
 */
export function respaceClip(clip: ExpressionClip, fps: number): ExpressionClip {
  return checkClip({ ...clip, fps, keys: clip.keys.map((k, i) => ({ ...k, time: i / fps })) });
}

/**
 * One edit applied to a clip (the clip is checked again afterwards).
 *
 * ```ts
 * clip = applyClipEdit(clip, { op: 'drop', index: 0 });
 * ```
 */
export function applyClipEdit(clip: ExpressionClip, edit: ClipEdit): ExpressionClip {
  switch (edit.op) {
    case 'drop':
      return dropKey(clip, edit.index);
    case 'retime':
      return retimeKey(clip, edit.index, edit.time);
    case 'respace':
      return respaceClip(clip, edit.fps);
    case 'smooth':
      return smoothClip(clip, { radius: edit.radius });
  }
}

function checkIndex(clip: ExpressionClip, index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= clip.keys.length) throw new ApiError('bad-request', `Clip "${clip.name}" has keys 0…${clip.keys.length - 1}, not ${index}`);
}
