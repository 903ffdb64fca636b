import { projectPoints, type PhotoState, type Projection } from './fit-linearize';
import type { FitPoints } from './fit-points';

/** How {@link pickContour} matches the far side's jaw landmarks to the silhouette. */
export interface ContourPickOptions {
  /**
   * Height of a silhouette sample as a fraction of the observed outer-eye-corner distance: the
   * turned-away side's candidates are binned by image height and each bin's outermost one is a
   * point of the silhouette.
   */
  binFraction: number;
}

export const CONTOUR_PICK_DEFAULTS: ContourPickOptions = { binFraction: 0.02 };

/**
 * Chooses the point each jaw-contour landmark (0…16) is matched to for the current pose: FLAME's
 * dynamic contour bin for the yaw (DECA's rule: the rotation's y Euler angle, rounded, clamped to
 * ±39°), or by landmark marching on the side turned away. Marching without `observed` takes, per
 * landmark, the candidate furthest out in the image at the landmark's rest height. With the
 * photo's `observed` 68 landmarks (x, y pairs) it takes the silhouette point nearest the observed
 * landmark instead: a detector (and the iBUG annotation) places the turned-away side's contour
 * points along the visible outline, not at the model's rest heights — at 3/4 yaw the far end
 * (landmark 0 or 16) sits about a tenth of the eye-corner distance lower on the outline than the
 * rest-height pick, and the fit both pulled towards it and reported it there. Other landmarks keep
 * their own point. Writes into `picks`. Points are projected into `proj`, or by `project` (which
 * returns the predicted pixels, x, y per fit point) when given — the fitter's cached projection.
 *
 * ```ts
 * pickContour(points, beta, state, proj, picks); // picks[l] = point index for landmark l
 * pickContour(points, beta, state, proj, picks, undefined, observation.landmarks);
 * ```
 */
export function pickContour(
  pts: FitPoints,
  beta: Float64Array,
  st: PhotoState,
  proj: Projection,
  picks: Int32Array,
  project?: (which: Int32Array) => Float64Array,
  observed?: ArrayLike<number> | null,
  options: Partial<ContourPickOptions> = {},
): void {
  const previous = Int32Array.from(picks);
  for (let l = 0; l < 17; l++) picks[l] = l;
  const c = pts.contour;
  if (!c) return;
  const R = st.R;
  if (c.kind === 'flame') {
    const yaw = Math.round((Math.atan2(-R[6]!, Math.hypot(R[0]!, R[3]!)) * 180) / Math.PI);
    const a = Math.min(-yaw, 39);
    const bin = a < 0 ? (a < -39 ? 78 : 39 - a) : a;
    for (let l = 0; l < 17; l++) picks[l] = c.start + Math.min(bin, c.bins - 1) * 17 + l;
    return;
  }
  const projected = (which: Int32Array): Float64Array => {
    if (project) return project(which);
    projectPoints(pts, beta, st, 0, false, proj, which);
    return proj.pred;
  };
  // Forward vector's x: the side whose rest x has this sign is turned away.
  const fx = R[2]!;
  const far = (l: number) => c.candidates[l]!.length > 0 && Math.sign(pts.rest[l * 3]!) * fx > 0;
  if (observed && observed.length >= 136) {
    const side = fx > 0 ? 1 : -1;
    const ls = Array.from({ length: 17 }, (_, l) => l).filter(far);
    if (ls.length === 0) return;
    const o = { ...CONTOUR_PICK_DEFAULTS, ...options };
    const iod = Math.hypot(observed[72]! - observed[90]!, observed[73]! - observed[91]!);
    silhouetteNearest(projected, c.candidates, ls, side, Math.max(1, o.binFraction * iod), observed, previous, picks);
    return;
  }
  for (let l = 0; l < 17; l++) {
    if (!far(l)) continue;
    const cand = c.candidates[l]!;
    const side = Math.sign(pts.rest[l * 3]!);
    projected(cand);
    const pred = projected(Int32Array.of(l));
    let best = l, bestU = side * pred[l * 2]!;
    for (let k = 0; k < cand.length; k++) {
      const u = side * pred[cand[k]! * 2]!;
      if (u > bestU) (bestU = u), (best = cand[k]!);
    }
    picks[l] = best;
  }
}

/**
 * The turned-away side's silhouette from all its landmarks' candidates and the landmarks' own
 * points (binned by image height, the outermost per bin), and for each of `ls` the silhouette
 * point nearest its observed pixel. A landmark keeps its previous pick while that lies within half
 * a bin of the nearest: picks flipping between neighbouring samples as the pose moves a little
 * would restart the fitter's convergence every round. Half, not a whole bin: a bin's slack biased
 * the far-side contour enough for the fit to pay in expression (a spurious cheekPuff 0.15 on a
 * synthetic open mouth) and shape (the starter head's synthetic face 0.83 mm off against 0.51 mm).
 */
function silhouetteNearest(project: (which: Int32Array) => Float64Array, candidates: readonly Int32Array[], ls: readonly number[], side: number, bin: number, observed: ArrayLike<number>, previous: Int32Array, picks: Int32Array): void {
  const seen = new Set<number>(ls);
  for (const l of ls) for (const p of candidates[l]!) seen.add(p);
  const all = Int32Array.from(seen);
  project(Int32Array.from(ls, (l) => previous[l]!));
  const pred = project(all);
  let lo = Infinity, hi = -Infinity;
  for (const p of all) (lo = Math.min(lo, pred[p * 2 + 1]!)), (hi = Math.max(hi, pred[p * 2 + 1]!));
  const bins = Math.min(4096, Math.floor((hi - lo) / bin) + 1);
  const outer = new Int32Array(bins).fill(-1);
  for (const p of all) {
    const b = Math.min(bins - 1, Math.floor((pred[p * 2 + 1]! - lo) / bin));
    const q = outer[b]!;
    if (q < 0 || side * pred[p * 2]! > side * pred[q * 2]!) outer[b] = p;
  }
  for (const l of ls) {
    const ox = observed[l * 2]!, oy = observed[l * 2 + 1]!;
    let best = l, bestD = Infinity;
    for (const p of outer) {
      if (p < 0) continue;
      const d = (pred[p * 2]! - ox) ** 2 + (pred[p * 2 + 1]! - oy) ** 2;
      if (d < bestD) (bestD = d), (best = p);
    }
    const old = previous[l]!;
    const dOld = Math.hypot(pred[old * 2]! - ox, pred[old * 2 + 1]! - oy);
    picks[l] = old !== l && dOld <= Math.sqrt(bestD) + 0.5 * bin ? old : best;
  }
}
