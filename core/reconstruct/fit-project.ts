import type { PhotoState } from './fit-linearize';
import type { FitPoints } from './fit-points';
import { dot } from './normal-kernels';

/**
 * One photo's projected points at the state in `key` (β, ψ, rotations, camera): a point is valid
 * when its stamp equals `epoch`. A fit evaluates the cost at the accepted state and then
 * linearises there, so the second projection is free; any change of the state starts a new
 * epoch. Also the photo's observed moments (see fit-moments.ts), which depend only on its
 * observations and the weights in `observedKey`.
 */
export interface PhotoCache {
  key: Float64Array;
  epoch: number;
  stamp: Int32Array;
  /** Per fit point: predicted pixel (2), posed position y (3), jaw-relative offset u (3). */
  pred: Float64Array;
  posed: Float64Array;
  offset: Float64Array;
  observed: Float64Array | null;
  observedKey: number[];
}

/**
 * An empty cache for a photo of a point set; the photo's observations must not change while it is used.
 *
 * ```ts
 * const terms = { ...observed, cache: createPhotoCache(points) };
 * ```
 */
export function createPhotoCache(pts: FitPoints): PhotoCache {
  const P = pts.count;
  return {
    key: new Float64Array(pts.shapeCount + pts.expressionCount + 21), epoch: 0, stamp: new Int32Array(P),
    pred: new Float64Array(P * 2), posed: new Float64Array(P * 3), offset: new Float64Array(P * 3), observed: null, observedKey: [],
  };
}

/**
 * Shape parts B·β and B_W·β of the points' positions at β = `key`, valid where `stamp` equals
 * `epoch`: the photos of a joint fit share β, so each point's is computed once per step.
 */
export interface BetaCache {
  key: Float64Array;
  epoch: number;
  stamp: Int32Array;
  xBeta: Float64Array;
  uBeta: Float64Array;
}

/**
 * An empty β cache for a point set.
 *
 * ```ts
 * const bc = createBetaCache(points);
 * ```
 */
export function createBetaCache(pts: FitPoints): BetaCache {
  const P = pts.count;
  return { key: new Float64Array(pts.shapeCount), epoch: 0, stamp: new Int32Array(P), xBeta: new Float64Array(P * 3), uBeta: new Float64Array(P * 3) };
}

/** The photo's state as rows need it: αᵤ = (a0, b0), αᵥ = (a1, b1), eX = R_jawᵀ·aX, jaw pivot c. */
export interface Frame {
  a0: number[];
  a1: number[];
  b0: number[];
  b1: number[];
  e0: number[];
  e1: number[];
  c: number[];
}

/**
 * The {@link Frame} of a photo's state.
 *
 * ```ts
 * const fr = frameOf(points, beta, state);
 * ```
 */
export function frameOf(pts: FitPoints, beta: Float64Array, st: PhotoState): Frame {
  const Kb = pts.shapeCount, Ke = pts.expressionCount;
  const { R, jaw: Rj, scale: s, expression: psi } = st;
  const c = [0, 1, 2].map((d) => pts.jawPivot[d]! + dot(pts.jawPivotShape, d * Kb, beta, 0, Kb) + dot(pts.jawPivotExpression, d * Ke, psi, 0, Ke));
  const a0 = [s * R[0]!, s * R[1]!, s * R[2]!], a1 = [-s * R[3]!, -s * R[4]!, -s * R[5]!];
  const e0 = [0, 1, 2].map((d) => a0[0]! * Rj[d]! + a0[1]! * Rj[3 + d]! + a0[2]! * Rj[6 + d]!);
  const e1 = [0, 1, 2].map((d) => a1[0]! * Rj[d]! + a1[1]! * Rj[3 + d]! + a1[2]! * Rj[6 + d]!);
  return { a0, a1, b0: e0.map((v, d) => v - a0[d]!), b1: e1.map((v, d) => v - a1[d]!), e0, e1, c };
}

/** Starts a new epoch unless `key` already holds these values; returns the epoch. */
function keyed(key: Float64Array, parts: ArrayLike<number>[], epoch: number): number {
  let o = 0, same = epoch > 0;
  for (const part of parts) for (let i = 0; i < part.length; i++, o++) {
    if (key[o] !== part[i]) (same = false), (key[o] = part[i]!);
  }
  return same ? epoch : epoch + 1;
}

/**
 * Projects the listed points not yet projected at this state into the cache: predicted pixels,
 * posed positions y and jaw offsets u (as `projectPoints` computes them).
 *
 * ```ts
 * projectCached(points, beta, state, frameOf(points, beta, state), which, cache, betaCache);
 * ```
 */
export function projectCached(pts: FitPoints, beta: Float64Array, st: PhotoState, fr: Frame, which: Int32Array, pc: PhotoCache, bc: BetaCache): void {
  const Kb = pts.shapeCount, Ke = pts.expressionCount;
  const { R, jaw: Rj, scale: s, expression: psi } = st;
  pc.epoch = keyed(pc.key, [beta, psi, R, Rj, [s, st.tx, st.ty]], pc.epoch);
  bc.epoch = keyed(bc.key, [beta], bc.epoch);
  const { rest, shape, expression, restW, shapeW, expressionW } = pts;
  const { pred, posed, offset, stamp, epoch } = pc;
  const { xBeta, uBeta } = bc;
  for (let q = 0; q < which.length; q++) {
    const p = which[q]!;
    if (stamp[p] === epoch) continue;
    stamp[p] = epoch;
    const w = pts.hasJaw ? pts.jawWeight[p]! : 0;
    if (bc.stamp[p] !== bc.epoch) {
      bc.stamp[p] = bc.epoch;
      for (let d = 0; d < 3; d++) {
        const row = p * 3 + d;
        xBeta[row] = dot(shape, row * Kb, beta, 0, Kb);
        if (w !== 0) uBeta[row] = dot(shapeW, row * Kb, beta, 0, Kb);
      }
    }
    const p3 = p * 3;
    let y0 = rest[p3]! + xBeta[p3]! + dot(expression, p3 * Ke, psi, 0, Ke);
    let y1 = rest[p3 + 1]! + xBeta[p3 + 1]! + dot(expression, (p3 + 1) * Ke, psi, 0, Ke);
    let y2 = rest[p3 + 2]! + xBeta[p3 + 2]! + dot(expression, (p3 + 2) * Ke, psi, 0, Ke);
    if (w !== 0) {
      const u0 = restW[p3]! + uBeta[p3]! + dot(expressionW, p3 * Ke, psi, 0, Ke) - w * fr.c[0]!;
      const u1 = restW[p3 + 1]! + uBeta[p3 + 1]! + dot(expressionW, (p3 + 1) * Ke, psi, 0, Ke) - w * fr.c[1]!;
      const u2 = restW[p3 + 2]! + uBeta[p3 + 2]! + dot(expressionW, (p3 + 2) * Ke, psi, 0, Ke) - w * fr.c[2]!;
      offset[p3] = u0;
      offset[p3 + 1] = u1;
      offset[p3 + 2] = u2;
      y0 += Rj[0]! * u0 + Rj[1]! * u1 + Rj[2]! * u2 - u0;
      y1 += Rj[3]! * u0 + Rj[4]! * u1 + Rj[5]! * u2 - u1;
      y2 += Rj[6]! * u0 + Rj[7]! * u1 + Rj[8]! * u2 - u2;
    }
    posed[p3] = y0;
    posed[p3 + 1] = y1;
    posed[p3 + 2] = y2;
    pred[p * 2] = s * (R[0]! * y0 + R[1]! * y1 + R[2]! * y2) + st.tx;
    pred[p * 2 + 1] = -s * (R[3]! * y0 + R[4]! * y1 + R[5]! * y2) + st.ty;
  }
}
