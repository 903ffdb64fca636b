import { normalizedLandmarkError } from '../fit-metrics';
import { fitLandmarks, type FitResult, type PhotoObservation } from '../fit-photos';
import type { FitPoints } from '../fit-points';

/**
 * The metrics stage's landmark half: each photo's 68-landmark error (÷ outer-eye-corner distance)
 * under a fit, and the fitted head's landmarks projected into the photo (pixels, for the viewer and
 * `metrics --json`). The photometric errors come with the light/albedo stage's solve.
 *
 * ```ts
 * const { nme, landmarks68 } = landmarkMetrics(points, joint, observations);
 * ```
 */
export function landmarkMetrics(points: FitPoints, fit: FitResult, observations: readonly PhotoObservation[]): { nme: number[]; landmarks68: number[][][] } {
  const nme: number[] = [], landmarks68: number[][][] = [];
  observations.forEach((o, i) => {
    const p = fitLandmarks(points, fit.shape, fit.photos[i]!, o.landmarks, !o.landmarkMask);
    nme.push(normalizedLandmarkError(p, o.landmarks, o.landmarkMask ? { mask: o.landmarkMask, eyeDistancePx: o.eyeDistancePx ?? null } : null));
    landmarks68.push(Array.from({ length: 68 }, (_, l) => [round2(p[l * 2]!), round2(p[l * 2 + 1]!)]));
  });
  return { nme, landmarks68 };
}

const round2 = (v: number) => Math.round(v * 100) / 100;
