import type { FitInit } from './fit-init';
import { PIN_WEIGHT } from './fit-normal';
import type { FitPins } from './fit-pin-points';
import type { PhotometricObservation } from './photometric-term';
import type { SilhouetteTerm } from './profile-contour';
import type { PhotoFit } from '../geometry/ortho-camera';

// The joint fit's inputs, options and result, apart from the solver (fit-photos.ts re-exports them),
// so a file that only passes them around reads them without the iteration's code.

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
