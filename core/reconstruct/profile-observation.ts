import { EYE_TO_FACE_HEIGHT } from '../perception/profile-silhouette';
import type { PhotoObservation } from './fit-photos';

/** A landmark seen in a profile photo: an iBUG-68 index and its pixel. */
export interface ProfilePoint {
  landmark: number;
  x: number;
  y: number;
}

/** Options of {@link profileObservation}. */
export interface ProfileObservationOptions {
  /** Which way the face looks: the fit starts at a full profile on that side (+ = towards the image's left). */
  yawDeg: number;
  /** Outer-eye-corner distance the face's proportions imply (pixels); by default from the sellion-to-chin height. */
  eyeDistancePx: number | null;
  /** The silhouette line from sellion to chin (x, y pairs; `ProfileLandmarks.curve`), matched to the head's occluding contour once `profileContourInputs` joins it. */
  curve: ArrayLike<number> | null;
}

/** The silhouette landmarks kept beside a curve: sellion and chin, where it starts and ends. */
const CURVE_LANDMARKS = [27, 8];

export const PROFILE_OBSERVATION_DEFAULTS: ProfileObservationOptions = { yawDeg: 90, eyeDistancePx: null, curve: null };

/**
 * The fitter's view of a profile photo: the few landmarks it shows (the silhouette's midline points
 * found by profile-silhouette.ts, or the artist's landmark pins), flagged in `landmarkMask` so the
 * other landmarks, the eyelids and the dense points cost nothing; the start is a full profile
 * towards `yawDeg`'s side. Unobserved landmarks hold the observed ones' centroid (finite values the
 * mask cancels; with no points, the centroid of `surfacePins`, the pixels of the photo's surface
 * pins, which join the fit through `pinnedFitInputs`). The landmark noise scales with
 * `eyeDistancePx`, by default 0.78 × the sellion-to-chin height, else half the extent of the points
 * and surface pins. With a silhouette `curve` the observation carries it (`silhouette`, joined by
 * `profileContourInputs`) and only the sellion (27) and chin (8) stay observed landmarks.
 *
 * ```ts
 * const obs = profileObservation([{ landmark: 30, x: 276, y: 760 }, { landmark: 8, x: 405, y: 996 }, { landmark: 27, x: 345, y: 608 }], { yawDeg: 84 });
 * const fit = fitPhotos(points, [...frontViews, obs]);
 * ```
 */
export function profileObservation(points: readonly ProfilePoint[], options: Partial<ProfileObservationOptions> = {}, surfacePins: readonly { x: number; y: number }[] = []): PhotoObservation {
  const o = { ...PROFILE_OBSERVATION_DEFAULTS, ...options };
  const mask = new Uint8Array(68), seen = new Set<number>();
  let cx = 0, cy = 0;
  for (const p of points) {
    if (!Number.isInteger(p.landmark) || p.landmark < 0 || p.landmark > 67) throw new Error(`profileObservation: landmark ${p.landmark} is not an iBUG-68 index`);
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) throw new Error(`profileObservation: landmark ${p.landmark} has no finite pixel`);
    if (seen.has(p.landmark)) throw new Error(`profileObservation: landmark ${p.landmark} is given twice`);
    seen.add(p.landmark);
    // With the silhouette curve, only its ends (sellion, chin) stay landmarks: the curve shows the
    // nose tip, subnasale and lips as what they are, points of the silhouette, which the head
    // model's fixed landmarks are not quite.
    mask[p.landmark] = o.curve && !CURVE_LANDMARKS.includes(p.landmark) ? 0 : 1;
    cx += p.x / points.length;
    cy += p.y / points.length;
  }
  const all = [...points, ...surfacePins];
  if (!points.length && all.length) for (const p of all) (cx += p.x / all.length), (cy += p.y / all.length);
  const landmarks = new Float64Array(136);
  for (let l = 0; l < 68; l++) (landmarks[l * 2] = cx), (landmarks[l * 2 + 1] = cy);
  for (const p of points) (landmarks[p.landmark * 2] = p.x), (landmarks[p.landmark * 2 + 1] = p.y);
  const by = new Map(points.map((p) => [p.landmark, p]));
  const s = by.get(27), c = by.get(8);
  let eye = o.eyeDistancePx;
  if (eye === null && s && c) eye = EYE_TO_FACE_HEIGHT * Math.hypot(s.x - c.x, s.y - c.y);
  if (eye === null && all.length >= 2) {
    const xs = all.map((p) => p.x), ys = all.map((p) => p.y);
    eye = 0.5 * Math.hypot(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
  }
  return { landmarks, mesh: null, yawDeg: Math.sign(o.yawDeg || 1) * 90, landmarkMask: mask, eyeDistancePx: eye !== null && eye > 1 ? eye : null, ...(o.curve ? { silhouette: Array.from(o.curve) } : {}) };
}
