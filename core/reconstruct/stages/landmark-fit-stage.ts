import { fitPhotosStepwise, type FitInit, type FitOptions, type FitResult, type PhotoObservation } from '../fit-photos';
import type { FitPoints } from '../fit-points';

/** The landmark-fit stage's options: the fitter's (see FIT_DEFAULTS), and how often to report. */
export interface LandmarkFitStageOptions {
  fit: Partial<Omit<FitOptions, 'shouldStop' | 'init'>>;
  /** Asked between iterations; true stops the fit (a cancelled job). */
  shouldStop: (() => boolean) | null;
  /** Told the accepted iterations so far, after each one. */
  onIteration: ((iterations: number) => void) | null;
}

export const LANDMARK_FIT_STAGE_DEFAULTS: LandmarkFitStageOptions = { fit: {}, shouldStop: null, onIteration: null };

/**
 * DECA's coarse landmark fit of one person: all photos solved jointly with one shared shape β (68
 * landmarks, eyelids, FaceMesh's dense points, regularisers), from the fitter's rigid guess or a
 * given start (DECA's encoder).
 *
 * ```ts
 * const joint = landmarkFitStage(points, observations, null, { shouldStop: () => signal.aborted });
 * ```
 */
export function landmarkFitStage(points: FitPoints, observations: readonly PhotoObservation[], init: FitInit | null, options: Partial<LandmarkFitStageOptions> = {}): FitResult {
  const o = { ...LANDMARK_FIT_STAGE_DEFAULTS, ...options };
  return run(fitPhotosStepwise(points, observations, { ...o.fit, init, shouldStop: o.shouldStop }), o);
}

/**
 * Each photo fitted on its own (its own β), for the "shared shape costs this much" metric (nme − nmeSingle).
 *
 * ```ts
 * const alone = aloneFitStage(points, observations, null, {});
 * ```
 */
export function aloneFitStage(points: FitPoints, observations: readonly PhotoObservation[], inits: readonly (FitInit | null)[] | null, options: Partial<LandmarkFitStageOptions> = {}): FitResult[] {
  const o = { ...LANDMARK_FIT_STAGE_DEFAULTS, ...options };
  const out: FitResult[] = [];
  for (let i = 0; i < observations.length; i++) {
    if (o.shouldStop?.()) break;
    out.push(run(fitPhotosStepwise(points, [observations[i]!], { ...o.fit, init: inits?.[i] ?? null, shouldStop: o.shouldStop }), o));
  }
  return out;
}

function run(steps: Generator<number, FitResult, void>, o: LandmarkFitStageOptions): FitResult {
  let r = steps.next();
  while (!r.done) {
    o.onIteration?.(r.value);
    r = steps.next();
  }
  return r.value;
}
