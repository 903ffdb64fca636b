import { ARKIT_BLENDSHAPES } from './arkit-names';
import type { ExpressionRecord } from './expression-record';

export interface SubjectNeutralOptions {
  /**
   * Fewer fitted photos than this and the subject has no neutral of their own (null): with one or
   * two photos the least expressive of them may be the expression itself (a single surprised photo
   * would read as the person's neutral and retarget to nothing).
   */
  minPhotos: number;
  /** The share of the subject's photos, least expressive first, whose mean is the neutral. */
  share: number;
}

export const SUBJECT_NEUTRAL_DEFAULTS: SubjectNeutralOptions = { minPhotos: 4, share: 0.5 };

/**
 * Shapes that are measured per photo rather than solved from the fitted geometry, so no part of
 * them is the person's: the lids (eyeBlink from the measured aperture, eye-blink.ts) and the gaze
 * (no eye pose is fitted). Their neutral is 0.
 */
const PER_PHOTO = new Set<string>(ARKIT_BLENDSHAPES.filter((n) => /^eye(Blink|Look)/.test(n)));

/**
 * A subject's neutral expression as ARKit weights: what their fitted photos share that is the
 * person's rather than an expression. A pack's identity modes do not reach every person's mouth,
 * chin and cheeks, so the joint fit spends expression on them (London, ICT-FaceKit: every neutral
 * view reads mouthPucker ≈ 0.2–0.4, cheekPuff ≈ 0.2–0.4 and a jaw shut past rest), and the head
 * with no expression at all is less like the person than the head as fitted (#12: p002's
 * recognition distance to their own photos 0.587 with no expression, 0.555 at this neutral).
 *
 * The neutral is the mean of the least expressive `share` of the photos' weights — a photo's
 * expressiveness is how far its weights rise above the lowest the subject's photos reach, shape by
 * shape — so half of the photos may smile, talk or frown without moving it. Null below `minPhotos`.
 *
 * ```ts
 * const neutral = subjectNeutral(records.filter((r) => r.subjectId === id).map((r) => r.arkit));
 * ```
 */
export function subjectNeutral(weights: readonly ArrayLike<number>[], options: Partial<SubjectNeutralOptions> = {}): Float32Array | null {
  const o = { ...SUBJECT_NEUTRAL_DEFAULTS, ...options };
  const A = ARKIT_BLENDSHAPES.length;
  for (const w of weights) if (w.length !== A) throw new Error(`a subject's neutral is solved from ${A} ARKit weights per photo, got ${w.length}`);
  if (weights.length < Math.max(1, o.minPhotos)) return null;
  const low = new Float64Array(A).fill(Infinity);
  for (const w of weights) for (let k = 0; k < A; k++) low[k] = Math.min(low[k]!, w[k]!);
  const solved = ARKIT_BLENDSHAPES.map((n) => !PER_PHOTO.has(n));
  const expressiveness = weights.map((w) => {
    let s = 0;
    for (let k = 0; k < A; k++) if (solved[k]) s += w[k]! - low[k]!;
    return s;
  });
  const order = weights.map((_, i) => i).sort((a, b) => expressiveness[a]! - expressiveness[b]! || a - b);
  const kept = order.slice(0, Math.max(1, Math.round(o.share * weights.length)));
  const neutral = new Float32Array(A);
  for (let k = 0; k < A; k++) {
    if (!solved[k]) continue;
    let s = 0;
    for (const i of kept) s += weights[i]![k]!;
    neutral[k] = s / kept.length;
  }
  return neutral;
}

/** The neutrals a record is carried between: its source person's and the head's it goes onto. */
export interface NeutralPair {
  /** The neutral of the person the record was captured from; null: a record made by hand (already relative). */
  from: ArrayLike<number> | null;
  /** The neutral of the subject whose head plays it; null: a head with none (the pack's own, or too few photos). */
  to: ArrayLike<number> | null;
}

/**
 * A record retargeted onto another subject's neutral: what it does relative to its own person's
 * neutral, on top of the head's (w′ = to + w − from, each kept in [0, 1]) — how face capture is
 * calibrated (a performer's neutral pose is subtracted) and played (on the character's rest face).
 * A photo's record on its own person's head is unchanged (from = to); a hand-made record (from
 * null) is added to the head's neutral. Jaw and eye poses are rotations on top: unchanged.
 *
 * ```ts
 * const onAnn = onSubjectNeutral(photoRecord, { from: neutralOfBob, to: neutralOfAnn });
 * ```
 */
export function onSubjectNeutral<R extends Pick<ExpressionRecord, 'arkit'>>(record: R, neutrals: NeutralPair): R {
  const { from, to } = neutrals;
  const A = ARKIT_BLENDSHAPES.length;
  for (const n of [from, to]) if (n && n.length !== A) throw new Error(`a neutral has ${A} ARKit weights, got ${n.length}`);
  // The same neutral (the same person on the same pack, however it travelled): the very record.
  if (from === to || (!from && !to) || (from && to && Array.from(from).every((x, k) => x === to[k]))) return record;
  const arkit = new Float32Array(A);
  for (let k = 0; k < A; k++) arkit[k] = Math.min(1, Math.max(0, (to?.[k] ?? 0) + record.arkit[k]! - (from?.[k] ?? 0)));
  return { ...record, arkit };
}
