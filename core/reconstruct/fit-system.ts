import { createArrowWork, type ArrowSystem, type ArrowWork } from './schur-solve';
import { buildFitGram, combineGram, type CombinedGram, type FitGram } from './fit-gram';
import { createProjection, LOCAL_FIXED, type PhotoState, type Projection } from './fit-linearize';
import { createNormalScratch, createPhotoCache, photoNormalEquations, type NormalScratch, type PhotoTerms } from './fit-normal';
import type { FitOptions, PhotoObservation } from './fit-options';
import type { FitPoints } from './fit-points';
import { axisAngle, rotationMatrix } from '../geometry/ortho-camera';

// The joint fit's Levenberg–Marquardt system: its cost, its normal equations as an arrow system
// (one shared β block, one block per photo), and a step applied to the parameters. The iteration
// itself (stages, damping, contour re-picks) is fit-photos.ts.

export interface FitSystem {
  pts: FitPoints;
  o: FitOptions;
  photos: readonly PhotoObservation[];
  Kb: number;
  Ke: number;
  Lp: number;
  N: number;
  bounds: [number, number] | null;
  /** The fit's Gram tables (weights applied); `withoutEyelids` for photos with a landmark mask. */
  tables: { withDense: CombinedGram | null; withoutDense: CombinedGram | null; withoutEyelids: CombinedGram | null };
  /** Per photo: observations, σ, and the jaw contour's picks (dynamic contour / marching) and weights. */
  terms: PhotoTerms[];
  proj: Projection[];
  scratch: NormalScratch;
  /** Each photo's normal matrix and gradient, refilled by every linearisation. */
  local: Float64Array[];
  localG: Float64Array[];
  work: ArrowWork;
}

/**
 * The system for one fit: each photo's terms (observations, σ, contour picks, mask, pins,
 * silhouette), the Gram tables its weights need, and the scratch the linearisations reuse.
 *
 * ```ts
 * const sys = createFitSystem(points, photos, { ...FIT_DEFAULTS });
 * const { cost } = linearize(sys, beta, states, 'full');
 * ```
 */
export function createFitSystem(pts: FitPoints, photos: readonly PhotoObservation[], o: FitOptions): FitSystem {
  const Kb = pts.shapeCount, Ke = pts.expressionCount, Lp = LOCAL_FIXED + Ke;
  const N = Kb + photos.length * Lp;
  const bounds: [number, number] | null = o.expressionBounds === 'auto' ? (pts.namedExpressions ? [0, 1] : null) : o.expressionBounds;
  const gram = pts.gram ?? gramOf(pts);
  const terms: PhotoTerms[] = photos.map((ph) => ({
    landmarks: ph.landmarks,
    mesh: ph.mesh,
    photometric: ph.photometric,
    sigma: o.landmarkSigma * Math.max(1, ph.eyeDistancePx ?? Math.hypot(ph.landmarks[72]! - ph.landmarks[90]!, ph.landmarks[73]! - ph.landmarks[91]!)),
    useDense: pts.denseCount === 468 && !!ph.mesh && ph.mesh.length >= 936 && !ph.landmarkMask,
    picks: Int32Array.from({ length: 17 }, (_, l) => l),
    contourWeights: new Float64Array(17),
    pins: ph.pins ?? null,
    mask: maskOf(ph),
    silhouette: ph.silhouetteTerm ? { ...ph.silhouetteTerm, picks: Int32Array.from(ph.silhouetteTerm.picks) } : null,
    cache: createPhotoCache(pts),
  }));
  return {
    pts, o, photos, Kb, Ke, Lp, N, bounds, terms,
    tables: {
      withDense: terms.some((t) => t.useDense) ? tablesOf(gram, o.denseWeight, o.eyelidWeight, true) : null,
      withoutDense: terms.some((t) => !t.useDense) ? tablesOf(gram, o.denseWeight, o.eyelidWeight, false) : null,
      withoutEyelids: terms.some((t) => t.mask) ? tablesOf(gram, o.denseWeight, 0, false) : null,
    },
    proj: photos.map(() => createProjection(pts, false)),
    scratch: createNormalScratch(pts),
    local: photos.map(() => new Float64Array((Lp + Kb) ** 2)),
    localG: photos.map(() => new Float64Array(Lp + Kb)),
    work: createArrowWork(Kb, Lp, photos.length),
  };
}

/** A photo's landmark mask, or null when every landmark is observed (an all-ones mask is no mask). */
function maskOf(ph: PhotoObservation): Uint8Array | null {
  const m = ph.landmarkMask;
  if (!m) return null;
  if (m.length !== 68) throw new Error(`fitPhotos: a landmark mask has 68 flags (got ${m.length})`);
  let seen = 0, all = 0;
  for (let l = 0; l < 68; l++) (seen += m[l] ? 1 : 0), (all += m[l] || ph.pins?.landmarks[l] ? 1 : 0);
  if (seen === 68) return null;
  all += (ph.pins?.points.length ?? 0) + (ph.silhouetteTerm ? 3 : 0);
  if (all < 3) throw new Error(`fitPhotos: a photo showing ${all} landmarks and pinned points cannot be fitted (3 at least)`);
  return m;
}

const gramCache = new WeakMap<FitPoints, FitGram>();
const tableCache = new WeakMap<FitGram, { key: string; table: CombinedGram }[]>();

/** A fit's combined tables; the last few weightings are kept per point set (fits mostly share theirs). */
function tablesOf(gram: FitGram, denseWeight: number, eyelidWeight: number, dense: boolean): CombinedGram {
  const key = `${denseWeight} ${eyelidWeight} ${dense}`;
  const list = tableCache.get(gram) ?? [];
  let hit = list.find((x) => x.key === key);
  if (!hit) {
    hit = { key, table: combineGram(gram, denseWeight, eyelidWeight, dense) };
    list.unshift(hit);
    list.length = Math.min(list.length, 3);
    tableCache.set(gram, list);
  }
  return hit.table;
}

/** Gram tables for points built without them, built once per point set. */
function gramOf(pts: FitPoints): FitGram {
  let g = gramCache.get(pts);
  if (!g) {
    g = buildFitGram(pts)!;
    gramCache.set(pts, g);
  }
  return g;
}

/**
 * Without FLAME's dynamic contour, the far side's jaw-line landmarks (which a detector puts on the
 * silhouette, not on fixed skin points) are down-weighted with yaw, more so away from the chin.
 *
 * ```ts
 * contourWeights(points, state, options, terms.contourWeights); // 17 weights in [contourMinWeight, 1]
 * ```
 */
export function contourWeights(pts: FitPoints, st: PhotoState, o: FitOptions, out: Float64Array): void {
  if (pts.contour) {
    // The contour follows the silhouette (dynamic contour or marching): full weight.
    out.fill(1);
    return;
  }
  // Forward vector's x = R[2]; a contour point is on the far side when its rest x has that sign.
  const fx = st.R[2]!;
  const turn = Math.min(1, Math.abs((Math.asin(Math.max(-1, Math.min(1, fx))) * 180) / Math.PI) / o.contourYawDeg);
  for (let i = 0; i < 17; i++) {
    const far = pts.rest[i * 3]! * fx > 0;
    out[i] = far ? 1 - (1 - o.contourMinWeight) * turn * (Math.abs(i - 8) / 8) : 1;
  }
}
function regularizerCost(ctx: FitSystem, beta: Float64Array, st: PhotoState[], stage: 'rigid' | 'full'): number {
  if (stage === 'rigid') return 0;
  const { o } = ctx;
  let c = 0;
  for (let k = 0; k < ctx.Kb; k++) c += o.shapeRegularization * beta[k]! ** 2;
  st.forEach((s, i) => {
    const f = ctx.terms[i]!.mask ? o.maskedPoseRegularization : 1;
    for (let k = 0; k < ctx.Ke; k++) c += f * o.expressionRegularization * s.expression[k]! ** 2;
    const j = axisAngle(s.jaw);
    c += f * o.jawRegularization * (j[0] ** 2 + j[1] ** 2 + j[2] ** 2);
  });
  return c;
}

/**
 * The fit's robust cost at these parameters (no derivatives): LM's test of a trial step.
 *
 * ```ts
 * if (evaluateCost(sys, trial.beta, trial.states, 'full') < cost) accept(trial);
 * ```
 */
export function evaluateCost(ctx: FitSystem, beta: Float64Array, states: PhotoState[], stage: 'rigid' | 'full'): number {
  let c = regularizerCost(ctx, beta, states, stage);
  states.forEach((st, i) => (c += photoNormalEquations(ctx.pts, ctx.tables, beta, st, ctx.terms[i]!, stage, ctx.o, null, ctx.scratch)));
  return c;
}

/**
 * Cost, and the normal equations as an arrow system (regularisers included).
 *
 * ```ts
 * const system = linearize(sys, beta, states, 'rigid');
 * const delta = solveArrow(system, active, lambda, sys.work);
 * ```
 */
export function linearize(ctx: FitSystem, beta: Float64Array, states: PhotoState[], stage: 'rigid' | 'full'): ArrowSystem & { cost: number } {
  const { Kb, Ke, Lp, o } = ctx;
  let cost = regularizerCost(ctx, beta, states, stage);
  const C = Lp + Kb;
  const shared = new Float64Array(Kb * Kb), sharedG = new Float64Array(Kb);
  states.forEach((st, i) => {
    const H = ctx.local[i]!.fill(0), g = ctx.localG[i]!.fill(0);
    cost += photoNormalEquations(ctx.pts, ctx.tables, beta, st, ctx.terms[i]!, stage, o, { H, g }, ctx.scratch);
    for (let a = 0; a < Kb; a++) {
      sharedG[a] += g[Lp + a]!;
      const so = a * Kb, ho = (Lp + a) * C + Lp;
      for (let b = a; b < Kb; b++) shared[so + b] += H[ho + b]!;
    }
    if (stage === 'full') {
      const f = ctx.terms[i]!.mask ? o.maskedPoseRegularization : 1;
      for (let k = 0; k < Ke; k++) {
        const c = LOCAL_FIXED + k;
        H[c * C + c] += f * o.expressionRegularization;
        g[c] += f * o.expressionRegularization * st.expression[k]!;
      }
      const j = axisAngle(st.jaw);
      for (let d = 0; d < 3; d++) {
        const c = 6 + d;
        H[c * C + c] += f * o.jawRegularization;
        g[c] += f * o.jawRegularization * j[d]!;
      }
    }
  });
  if (stage === 'full') for (let k = 0; k < Kb; k++) {
    shared[k * Kb + k] += o.shapeRegularization;
    sharedG[k] += o.shapeRegularization * beta[k]!;
  }
  return { Kb, Lp, shared, sharedG, local: ctx.local, localG: ctx.localG, cost };
}

/**
 * The parameters after a solved step: β and expressions added (expressions clamped to the box),
 * rotations and the jaw composed with the step's axis-angle increments, the scale multiplied.
 *
 * ```ts
 * const trial = applyStep(sys, beta, states, solveArrow(system, active, lambda, sys.work)!);
 * ```
 */
export function applyStep(ctx: FitSystem, beta: Float64Array, states: PhotoState[], delta: Float64Array): { beta: Float64Array; states: PhotoState[] } {
  const { Kb, Lp, bounds } = ctx;
  const nb = Float64Array.from(beta, (b, k) => b + delta[k]!);
  const ns = states.map((st, i) => {
    const o = Kb + i * Lp;
    const R = mul3(st.R, rotationMatrix([delta[o]!, delta[o + 1]!, delta[o + 2]!]));
    const jaw = mul3(st.jaw, rotationMatrix([delta[o + 6]!, delta[o + 7]!, delta[o + 8]!]));
    const expression = Float64Array.from(st.expression, (e, k) => {
      const v = e + delta[o + LOCAL_FIXED + k]!;
      return bounds ? Math.min(bounds[1], Math.max(bounds[0], v)) : v;
    });
    return { R, jaw, scale: st.scale * Math.exp(delta[o + 3]!), tx: st.tx + delta[o + 4]!, ty: st.ty + delta[o + 5]!, expression };
  });
  return { beta: nb, states: ns };
}

function mul3(A: Float64Array, B: Float64Array): Float64Array {
  const C = new Float64Array(9);
  for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) C[a * 3 + b] = A[a * 3]! * B[b]! + A[a * 3 + 1]! * B[3 + b]! + A[a * 3 + 2]! * B[6 + b]!;
  return C;
}
