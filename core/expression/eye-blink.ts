import type { FaceJson } from '../perception/face-json';
import { ARKIT_BLENDSHAPES } from './arkit-names';

/** Measured lid apertures of one photo (gap ÷ width, core/perception/eye-lids.ts), by the subject's side. */
export interface EyeApertures {
  left: number;
  right: number;
}

/** How a lid aperture becomes an ARKit eyeBlink weight. */
export interface EyeBlinkOptions {
  /**
   * Aperture at and above which an eye counts as open (blink 0). Frontal London photos, neutral or
   * smiling, read 0.20–0.29 (the narrowest eyes of the four people 0.20–0.22).
   */
  openAperture: number;
  /** Aperture at and below which an eye counts as shut (blink 1): the iris model's contour of a shut lid keeps a sliver. */
  closedAperture: number;
}

export const EYE_BLINK_DEFAULTS: EyeBlinkOptions = { openAperture: 0.22, closedAperture: 0.04 };

const LEFT = ARKIT_BLENDSHAPES.indexOf('eyeBlinkLeft');
const RIGHT = ARKIT_BLENDSHAPES.indexOf('eyeBlinkRight');

/**
 * The eyeBlink weight of one measured aperture: 0 at `openAperture` and wider, 1 at
 * `closedAperture` and narrower, linear between. A non-finite aperture gives NaN (no measurement).
 *
 * ```ts
 * blinkFromAperture(0.25); // 0 — open
 * blinkFromAperture(0.10); // ≈ 0.67 — squeezed nearly shut
 * ```
 */
export function blinkFromAperture(aperture: number, options: Partial<EyeBlinkOptions> = {}): number {
  const o = { ...EYE_BLINK_DEFAULTS, ...options };
  if (!(o.openAperture > o.closedAperture)) throw new Error(`eye blink: openAperture ${o.openAperture} must exceed closedAperture ${o.closedAperture}`);
  if (!Number.isFinite(aperture)) return Number.NaN;
  return Math.min(1, Math.max(0, (o.openAperture - aperture) / (o.openAperture - o.closedAperture)));
}

/**
 * Sets eyeBlinkLeft/Right of solved ARKit weights (52, ARKIT_BLENDSHAPES order) from the lids
 * measured on the photo, in place. The geometric solve cannot see a closed eye: the landmark nets
 * place shut lids barely closer than open ones (ICT-FaceKit renders with both eyes shut solved to
 * eyeBlink 0.10/0.15), so the measurement replaces it; the other 50 weights are left as solved.
 * Sides are the subject's, as ARKit's (eyeBlinkLeft closes the subject's left eye). Missing or
 * non-finite apertures leave the weights alone.
 *
 * ```ts
 * const w = solver.solve(shape, fit);
 * applyMeasuredBlink(w, face.eyes && { left: face.eyes.left.aperture, right: face.eyes.right.aperture });
 * ```
 */
export function applyMeasuredBlink(weights: Float32Array, apertures: EyeApertures | null | undefined, options: Partial<EyeBlinkOptions> = {}): Float32Array {
  if (!apertures) return weights;
  const left = blinkFromAperture(apertures.left, options);
  const right = blinkFromAperture(apertures.right, options);
  if (Number.isFinite(left)) weights[LEFT] = left;
  if (Number.isFinite(right)) weights[RIGHT] = right;
  return weights;
}

/**
 * The lid apertures a stored face analysis measured (perception-4 and later), or null for a face
 * without them (an older analysis, a face that is not 'ok').
 *
 * ```ts
 * const fit = { expression, jaw, eyeApertures: eyeAperturesOf(analysis.faces[analysis.selectedFace]) };
 * ```
 */
export function eyeAperturesOf(face: Pick<FaceJson, 'eyes'> | null | undefined): EyeApertures | null {
  const eyes = face?.eyes;
  if (!eyes || !Number.isFinite(eyes.left?.aperture) || !Number.isFinite(eyes.right?.aperture)) return null;
  return { left: eyes.left.aperture, right: eyes.right.aperture };
}
