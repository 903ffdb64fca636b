/** How far one 68-point set lies from another, split as the iBUG scheme's jaw contour and the rest. */
export interface LandmarkAgreement {
  /** Mean point distance over all 68 points ÷ the reference's outer-eye-corner distance (36–45). */
  all: number;
  /** The same over the 17 jaw-contour points (0…16). */
  jaw: number;
  /** The same over the 51 inner points (brows, nose, eyes, mouth; 17…67). */
  rest: number;
}

/**
 * Normalised mean error of `points` against `reference` (both 68 [x, y] points in the same pixels),
 * divided by the reference's outer-eye-corner distance — how our landmarks (or a fitted head's
 * projected ones) are compared with another detector's, e.g. dlib's 68-point shape predictor.
 *
 * ```ts
 * const { all, jaw } = landmarkAgreement(face.landmarks68, dlibPoints); // e.g. 0.05, 0.07
 * ```
 */
export function landmarkAgreement(points: readonly (readonly number[])[], reference: readonly (readonly number[])[]): LandmarkAgreement {
  if (points.length !== 68 || reference.length !== 68) throw new Error(`landmarkAgreement: expected 68 points each, got ${points.length} and ${reference.length}`);
  const iod = Math.hypot(reference[36]![0]! - reference[45]![0]!, reference[36]![1]! - reference[45]![1]!);
  if (!(iod > 0)) throw new Error('landmarkAgreement: the reference eye corners 36 and 45 coincide');
  let jaw = 0;
  let rest = 0;
  for (let i = 0; i < 68; i++) {
    const d = Math.hypot(points[i]![0]! - reference[i]![0]!, points[i]![1]! - reference[i]![1]!) / iod;
    if (i < 17) jaw += d;
    else rest += d;
  }
  return { all: (jaw + rest) / 68, jaw: jaw / 17, rest: rest / 51 };
}
