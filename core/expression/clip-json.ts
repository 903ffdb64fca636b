import { ApiError } from '../api/api-error';
import { ARKIT_BLENDSHAPES } from './arkit-names';
import { checkClip, type ClipKey, type ExpressionClip } from './expression-clip';

/** A key as stored (JSON): `w` the 52 ARKit weights in ARKIT_BLENDSHAPES order. */
interface StoredKey {
  t: number;
  name: string;
  w: number[];
  jaw: number[];
  eyes: { left: number[]; right: number[] } | null;
  src: { photoId: number; packId: string } | null;
}

/**
 * A clip's keys as compact JSON (weights rounded to 6 decimals, ~0.5 KB a key), what the library
 * stores; {@link clipKeysFromJson} reads it back.
 *
 * ```ts
 * const text = clipKeysToJson(clip.keys);
 * ```
 */
export function clipKeysToJson(keys: readonly ClipKey[]): string {
  const round = (x: number) => Math.round(x * 1e6) / 1e6;
  const stored: StoredKey[] = keys.map((k) => ({
    t: round(k.time),
    name: k.expression.name,
    w: Array.from(k.expression.arkit, round),
    jaw: k.expression.jawPose.map(round),
    eyes: k.expression.eyePose && { left: k.expression.eyePose.left.map(round), right: k.expression.eyePose.right.map(round) },
    src: k.expression.source,
  }));
  return JSON.stringify(stored);
}

/**
 * A clip from its stored form, checked whole ({@link checkClip}); a malformed row gives a
 * `bad-request` error naming the clip and what was wrong.
 *
 * ```ts
 * const clip = clipKeysFromJson(row.keys, { name: row.name, fps: row.fps });
 * ```
 */
export function clipKeysFromJson(text: string, head: { name: string; fps: number }): ExpressionClip {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ApiError('bad-request', `Clip "${head.name}": its keys are not JSON`);
  }
  if (!Array.isArray(parsed)) throw new ApiError('bad-request', `Clip "${head.name}": its keys are not a list`);
  const vec = (v: unknown, n: number, what: string): number[] => {
    if (!Array.isArray(v) || v.length !== n || !v.every((x) => typeof x === 'number')) throw new ApiError('bad-request', `Clip "${head.name}": ${what} must be ${n} numbers`);
    return v as number[];
  };
  const keys: ClipKey[] = parsed.map((raw: unknown, i) => {
    const k = (raw ?? {}) as Partial<StoredKey>;
    if (typeof k.t !== 'number') throw new ApiError('bad-request', `Clip "${head.name}": key ${i} has no time`);
    const eyes = k.eyes ? { left: vec(k.eyes.left, 3, `key ${i}'s left eye`) as [number, number, number], right: vec(k.eyes.right, 3, `key ${i}'s right eye`) as [number, number, number] } : null;
    const src = k.src && typeof k.src.photoId === 'number' && typeof k.src.packId === 'string' ? { photoId: k.src.photoId, packId: k.src.packId } : null;
    return {
      time: k.t,
      expression: {
        name: typeof k.name === 'string' ? k.name : '',
        arkit: Float32Array.from(vec(k.w, ARKIT_BLENDSHAPES.length, `key ${i}'s weights`)),
        jawPose: vec(k.jaw, 3, `key ${i}'s jaw`) as [number, number, number],
        eyePose: eyes,
        source: src,
      },
    };
  });
  return checkClip({ name: head.name, fps: head.fps, keys });
}
