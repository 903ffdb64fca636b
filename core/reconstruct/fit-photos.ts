import { pickContour } from './contour-pick';
import { solveArrow } from './schur-solve';
import { startState } from './fit-init';
import { LOCAL_FIXED } from './fit-linearize';
import { FIT_DEFAULTS, type FitOptions, type FitResult, type PhotoObservation } from './fit-options';
import type { FitPoints } from './fit-points';
import { frameOf, projectCached } from './fit-project';
import { pickSilhouette } from './profile-contour';
import { applyStep, contourWeights, createFitSystem, evaluateCost, linearize } from './fit-system';
import { axisAngle } from '../geometry/ortho-camera';

export type { FitInit } from './fit-init';
export { FIT_DEFAULTS, type FitOptions, type FitResult, type PhotoObservation } from './fit-options';
export { fitLandmarks } from './fit-landmarks';

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
  const ctx = createFitSystem(pts, photos, o);
  const { Kb, Ke, Lp, N } = ctx;
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
      if (ctx.terms[i]!.mask) active[b + 1] = 0;
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
