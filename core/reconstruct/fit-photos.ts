import { pickContour } from './contour-pick';
import { createArrowWork, solveArrow, type ArrowSystem, type ArrowWork } from './schur-solve';
import { startState, type FitInit } from './fit-init';
export type { FitInit } from './fit-init';
import { buildFitGram, combineGram, type CombinedGram, type FitGram } from './fit-gram';
import { createProjection, LOCAL_FIXED, projectPoints, type PhotoState, type Projection } from './fit-linearize';
import { createNormalScratch, createPhotoCache, photoNormalEquations, PIN_WEIGHT, type NormalScratch, type PhotoTerms } from './fit-normal';
import type { FitPoints } from './fit-points';
import type { FitPins } from './fit-pin-points';
import { frameOf, projectCached } from './fit-project';
import type { PhotometricObservation } from './photometric-term';
import { pickSilhouette, type SilhouetteTerm } from './profile-contour';
import { axisAngle, rotationMatrix, type PhotoFit } from '../geometry/ortho-camera';

/** What the fitter sees of one photo (pixels of the upright photo). */
export interface PhotoObservation {
  /** 68 iBUG landmarks as x, y pairs (136 values). */
  landmarks: ArrayLike<number>;
  /** FaceMesh's 468 points as x, y pairs (936 values); used when the model has `mediapipe468`. */
  mesh?: ArrayLike<number> | null;
  /** Rough yaw to start from (degrees, + = face turned towards the image's left). */
  yawDeg?: number;
  /** DECA's photometric term for this photo (needs the fit points' photometric block); full stage only. */
  photometric?: PhotometricObservation | null;
  /** The artist's pins, joined by `pinnedFitInputs` (fit-pin-points.ts). */
  pins?: FitPins | null;
  /**
   * 68 flags, 1 where the landmark was observed (its pixel in `landmarks`); absent: all 68. A profile
   * shows only some (its silhouette's midline points, pins): the others, and the eyelid and dense
   * terms, are left out of this photo's cost (see profile-observation.ts).
   */
  landmarkMask?: Uint8Array | null;
  /** Outer-eye-corner distance (pixels) that sets the landmark noise when landmarks 36 and 45 are not both observed. */
  eyeDistancePx?: number | null;
  /** A profile's silhouette curve from sellion to chin (x, y pairs), joined to the fit by `profileContourInputs`. */
  silhouette?: ArrayLike<number> | null;
  /** The curve as `profileContourInputs` joined it: matched to the head's occluding contour (profile-contour.ts). */
  silhouetteTerm?: SilhouetteTerm | null;
}

export interface FitOptions {
  /** Landmark noise as a fraction of the outer-eye-corner distance: residuals are divided by it. */
  landmarkSigma: number;
  /** Weight of each dense FaceMesh point relative to a landmark. */
  denseWeight: number;
  /** Weight of the eyelid-distance terms (DECA's L_eye). */
  eyelidWeight: number;
  /** L2 weights on β, ψ and the jaw rotation (radians) in units of squared normalised residuals. */
  shapeRegularization: number;
  expressionRegularization: number;
  jawRegularization: number;
  /**
   * Factor on the expression and jaw regularisers of a photo with a landmark mask (a profile): its
   * few midline points cannot tell an expression from the shape, so it keeps to a neutral face.
   */
  maskedPoseRegularization: number;
  /** Huber threshold in normalised residual units (robustness to a few wrong landmarks). */
  huber: number;
  /** Residual weight of a pin relative to a landmark; pins are not down-weighted by the Huber loss. */
  pinWeight: number;
  /** Yaw (degrees) at which the far side's jaw contour is down-weighted fully (non-FLAME packs). */
  contourYawDeg: number;
  /** Lowest weight of a far-side contour landmark. */
  contourMinWeight: number;
  rigidIterations: number;
  fullIterations: number;
  /** A stage ends when an accepted step lowers the cost by less than this fraction. */
  tolerance: number;
  /** Times the jaw-contour points may be re-picked per stage after LM has settled. */
  contourRounds: number;
  /** Box on ψ: 'auto' = [0, 1] for named blendshape bases (ICT, starter head), none otherwise. */
  expressionBounds: 'auto' | [number, number] | null;
  /** Keep this β (a shape already solved for the person) and fit only the per-photo parameters. */
  fixedShape: ArrayLike<number> | null;
  /**
   * Start from these values (e.g. DECA's encoder) instead of the rigid guess; `fixedShape` wins
   * over `init.shape`. With no iterations the result is the init, value for value.
   */
  init: FitInit | null;
  /** Fit the jaw joint's rotation (redundant with a jawOpen blendshape, hence regularised). */
  fitJaw: boolean;
  /** Asked before each iteration; true stops the fit early (a cancelled job). */
  shouldStop: (() => boolean) | null;
}

export const FIT_DEFAULTS: FitOptions = {
  landmarkSigma: 0.02,
  denseWeight: 0.1,
  eyelidWeight: 1,
  shapeRegularization: 0.5,
  expressionRegularization: 10,
  jawRegularization: 50,
  maskedPoseRegularization: 30,
  huber: 3,
  pinWeight: PIN_WEIGHT,
  contourYawDeg: 25,
  contourMinWeight: 0.1,
  rigidIterations: 20,
  fullIterations: 60,
  tolerance: 1e-5,
  contourRounds: 4,
  expressionBounds: 'auto',
  fixedShape: null,
  init: null,
  fitJaw: true,
  shouldStop: null,
};

export interface FitResult {
  shape: Float64Array;
  photos: PhotoFit[];
  /** Accepted Levenberg–Marquardt steps over both stages. */
  iterations: number;
  /** Final robust cost (normalised residuals squared, plus regularisers). */
  cost: number;
}

/**
 * Fits one person's photos with Levenberg–Marquardt: one shared identity β, and per photo the
 * expression ψ, global rotation, jaw rotation and orthographic camera. Coarse to fine: cameras and
 * global rotations first, then everything. Deterministic (no random starts).
 *
 * ```ts
 * const points = buildFitPoints(model);
 * const fit = fitPhotos(points, [{ landmarks: lm68, mesh: mesh468, yawDeg: 20 }]);
 * ```
 */
export function fitPhotos(pts: FitPoints, photos: readonly PhotoObservation[], options: Partial<FitOptions> = {}): FitResult {
  const steps = fitPhotosStepwise(pts, photos, options);
  let r = steps.next();
  while (!r.done) r = steps.next();
  return r.value;
}

/**
 * {@link fitPhotos} one Levenberg–Marquardt iteration at a time: yields after each, so a caller can
 * give the event loop a turn (a job that stays cancellable, a UI that stays responsive).
 *
 * ```ts
 * const steps = fitPhotosStepwise(points, photos);
 * let r = steps.next();
 * while (!r.done) { await new Promise((go) => setImmediate(go)); r = steps.next(); }
 * const fit = r.value;
 * ```
 */
export function* fitPhotosStepwise(pts: FitPoints, photos: readonly PhotoObservation[], options: Partial<FitOptions> = {}): Generator<number, FitResult, void> {
  const o = { ...FIT_DEFAULTS, ...options };
  if (pts.landmarkCount !== 68) throw new Error(`fitPhotos needs a model with the 68 iBUG landmarks (it has ${pts.landmarkCount})`);
  if (photos.length === 0) throw new Error('fitPhotos: no photos');
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
  const ctx: Ctx = {
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
  let beta: Float64Array = new Float64Array(Kb);
  const start = o.fixedShape ?? o.init?.shape;
  if (start) for (let k = 0; k < Kb; k++) beta[k] = start[k] ?? 0;
  const given = new WeakMap<Float64Array, [number, number, number]>();
  let states = photos.map((ph, i) => startState(pts, beta, ph, Ke, o.init?.photos?.[i], given));

  let iterations = 0;
  let cost = 0;
  for (const stage of ['rigid', 'full'] as const) {
    const active = new Uint8Array(N);
    for (let i = 0; i < photos.length; i++) {
      const b = Kb + i * Lp;
      for (let c = 0; c < 6; c++) active[b + c] = 1;
      // A masked photo (a profile) holds its start's turn about the head's vertical axis: its
      // midline points cannot tell a turn from a shorter nose, and are the silhouette only at 90°.
      if (terms[i]!.mask) active[b + 1] = 0;
      if (stage === 'full') {
        if (o.fitJaw && pts.hasJaw) for (let c = 6; c < 9; c++) active[b + c] = 1;
        for (let c = LOCAL_FIXED; c < Lp; c++) active[b + c] = 1;
      }
    }
    if (stage === 'full' && !o.fixedShape) for (let k = 0; k < Kb; k++) active[k] = 1;
    let lambda = 1e-3;
    const maxIt = stage === 'rigid' ? o.rigidIterations : o.fullIterations;
    // Contour picks stay fixed while LM converges, then are redone (a few rounds): re-picking every
    // step lets two silhouette choices alternate and the cost never settle.
    const repick = (): boolean => {
      let changed = false;
      states.forEach((st, i) => {
        const t = ctx.terms[i]!;
        contourWeights(pts, st, o, t.contourWeights);
        const old = Int32Array.from(t.picks);
        const fr = frameOf(pts, beta, st);
        // A profile's curve is matched to the midline points nearest it as the head now stands.
        if (t.silhouette) {
          projectCached(pts, beta, st, fr, t.silhouette.candidates, t.cache, ctx.scratch.beta);
          changed = pickSilhouette(t.silhouette, t.cache.pred) || changed;
        }
        // A masked photo (a profile) names its landmarks by what they are: no jaw-contour marching.
        if (t.mask) return;
        pickContour(pts, beta, st, ctx.proj[i]!, t.picks, (which) => (projectCached(pts, beta, st, fr, which, t.cache, ctx.scratch.beta), t.cache.pred), t.landmarks);
        changed ||= old.some((p, l) => p !== t.picks[l]);
      });
      return changed;
    };
    repick();
    let rounds = 1;
    for (let it = 0; it < maxIt; it++) {
      if (o.shouldStop?.()) break;
      const sys = linearize(ctx, beta, states, stage);
      cost = sys.cost;
      // Expressions pinned at a bound with the gradient pushing outwards stay put this step.
      const act = Uint8Array.from(active);
      if (ctx.bounds) states.forEach((st, i) => {
        const g = sys.localG[i]!;
        for (let k = 0; k < Ke; k++) {
          const col = Kb + i * Lp + LOCAL_FIXED + k, gk = g[LOCAL_FIXED + k]!;
          if ((st.expression[k]! <= ctx.bounds![0] && gk > 0) || (st.expression[k]! >= ctx.bounds![1] && gk < 0)) act[col] = 0;
        }
      });
      let accepted = false;
      let converged = false;
      while (lambda < 1e10) {
        const delta = solveArrow(sys, act, lambda, ctx.work);
        if (!delta) {
          lambda *= 10;
          continue;
        }
        const trial = applyStep(ctx, beta, states, delta);
        const trialCost = evaluateCost(ctx, trial.beta, trial.states, stage);
        if (trialCost < cost) {
          beta = trial.beta;
          states = trial.states;
          lambda = Math.max(1e-7, lambda / 3);
          accepted = true;
          iterations++;
          converged = cost - trialCost < o.tolerance * cost;
          cost = trialCost;
          break;
        }
        lambda *= 4;
      }
      if (!accepted || converged) {
        if (rounds >= o.contourRounds || !repick()) break;
        rounds++;
      }
      yield iterations;
    }
  }
  return {
    shape: beta,
    photos: states.map((st) => ({ rotation: given.get(st.R) ?? axisAngle(st.R), jaw: given.get(st.jaw) ?? axisAngle(st.jaw), expression: Float64Array.from(st.expression), camera: { scale: st.scale, tx: st.tx, ty: st.ty } })),
    iterations,
    cost,
  };
}

interface Ctx {
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
 */
function contourWeights(pts: FitPoints, st: PhotoState, o: FitOptions, out: Float64Array): void {
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

function huberCost(e2: number, k: number): { cost: number; omega: number } {
  const e = Math.sqrt(e2);
  return e <= k ? { cost: e2, omega: 1 } : { cost: 2 * k * e - k * k, omega: k / e };
}

function regularizerCost(ctx: Ctx, beta: Float64Array, st: PhotoState[], stage: 'rigid' | 'full'): number {
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

function evaluateCost(ctx: Ctx, beta: Float64Array, states: PhotoState[], stage: 'rigid' | 'full'): number {
  let c = regularizerCost(ctx, beta, states, stage);
  states.forEach((st, i) => (c += photoNormalEquations(ctx.pts, ctx.tables, beta, st, ctx.terms[i]!, stage, ctx.o, null, ctx.scratch)));
  return c;
}

/** Cost, and the normal equations as an arrow system (regularisers included). */
function linearize(ctx: Ctx, beta: Float64Array, states: PhotoState[], stage: 'rigid' | 'full'): ArrowSystem & { cost: number } {
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

function applyStep(ctx: Ctx, beta: Float64Array, states: PhotoState[], delta: Float64Array): { beta: Float64Array; states: PhotoState[] } {
  const { Kb, Ke, Lp, bounds } = ctx;
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
  void Ke;
  return { beta: nb, states: ns };
}

function mul3(A: Float64Array, B: Float64Array): Float64Array {
  const C = new Float64Array(9);
  for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) C[a * 3 + b] = A[a * 3]! * B[b]! + A[a * 3 + 1]! * B[3 + b]! + A[a * 3 + 2]! * B[6 + b]!;
  return C;
}

/**
 * The 68 landmarks of a fitted photo projected into it (x, y pairs), as the fitter sees them (the
 * jaw contour where it follows the silhouette; with the photo's `observed` landmarks, the turned-away
 * side's contour points are the silhouette points the fit matched to them, see `pickContour`; unless
 * `contour` is false: a profile's fixed points).
 *
 * ```ts
 * const nme = normalizedLandmarkError(fitLandmarks(points, fit.shape, fit.photos[0]), observed);
 * ```
 */
export function fitLandmarks(pts: FitPoints, shape: ArrayLike<number>, photo: PhotoFit, observed?: ArrayLike<number> | null, contour = true): Float64Array {
  const proj = createProjection(pts, false);
  const beta = Float64Array.from({ length: pts.shapeCount }, (_, k) => shape[k] ?? 0);
  const st: PhotoState = { R: rotationMatrix(photo.rotation), jaw: rotationMatrix(photo.jaw), scale: photo.camera.scale, tx: photo.camera.tx, ty: photo.camera.ty, expression: Float64Array.from({ length: pts.expressionCount }, (_, k) => photo.expression[k] ?? 0) };
  const picks = Int32Array.from({ length: 17 }, (_, l) => l);
  if (contour) pickContour(pts, beta, st, proj, picks, undefined, observed);
  projectPoints(pts, beta, st, 68, false, proj);
  projectPoints(pts, beta, st, 0, false, proj, picks);
  const out = proj.pred.slice(0, 136);
  for (let l = 0; l < 17; l++) (out[l * 2] = proj.pred[picks[l]! * 2]!), (out[l * 2 + 1] = proj.pred[picks[l]! * 2 + 1]!);
  return out;
}
