import type { HeadModel } from '../../head-model/head-model';
import type { PhotoFit } from '../../geometry/ortho-camera';
import { fitPhotos, type FitOptions, type FitResult, type PhotoObservation } from '../fit-photos';
import type { FitPoints } from '../fit-points';
import { pinnedFitInputs } from '../fit-pin-points';
import { profileContourInputs } from '../profile-contour';
import type { Pin } from '../photo-pins';
import { landmarkMetrics } from './metrics-stage';

/** A pinned photo refitted: the fit (the held shape and the photo's new pose, expression, camera) and its landmark metrics. */
export interface PinRefit {
  fit: FitResult;
  /** 68-landmark error against the photo's landmarks with its pins in place (÷ outer-eye-corner distance). */
  nme: number;
  /** The fitted head's 68 landmarks projected into the photo (pixels). */
  landmarks68: number[][];
}

/**
 * The pins' fast path: one photo refitted with the subject's shape held (`FitOptions.fixedShape`),
 * from its current fit, with its pins joined as strong constraints — what the studio runs while an
 * artist drags a pin (well under half a second on ICT-FaceKit). A photo with no fit of its own yet
 * (`start` null: a profile pinned after its subject was fitted without it) starts from the fitter's
 * rigid guess.
 *
 * ```ts
 * const r = pinRefitStage(model, points, observation, [{ landmark: 8, x: 412, y: 630 }], shape, storedFit, {});
 * ```
 */
export function pinRefitStage(model: HeadModel, points: FitPoints, observation: PhotoObservation, pins: readonly Pin[], shape: ArrayLike<number>, start: PhotoFit | null, options: Partial<FitOptions> = {}): PinRefit {
  const pinned = pinnedFitInputs(model, points, [observation], [pins]);
  const joined = profileContourInputs(model, pinned.points, pinned.observations);
  const fit = fitPhotos(joined.points, joined.observations, { ...options, fixedShape: shape, init: { shape, photos: [start] } });
  const m = landmarkMetrics(points, fit, joined.observations);
  return { fit, nme: m.nme[0]!, landmarks68: m.landmarks68[0]! };
}
