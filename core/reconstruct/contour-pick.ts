import { projectPoints, type PhotoState, type Projection } from './fit-linearize';
import type { FitPoints } from './fit-points';

/**
 * Chooses the point each jaw-contour landmark (0…16) is matched to for the current pose: FLAME's
 * dynamic contour bin for the yaw (DECA's rule: the rotation's y Euler angle, rounded, clamped to
 * ±39°), or by landmark marching — on the side turned away, the candidate furthest out in the image
 * (the silhouette a detector marks). Other landmarks keep their own point. Writes into `picks`.
 * Points are projected into `proj`, or by `project` (which returns the predicted pixels, x, y per
 * fit point) when given — the fitter's cached projection.
 *
 * ```ts
 * pickContour(points, beta, state, proj, picks); // picks[l] = point index for landmark l
 * ```
 */
export function pickContour(pts: FitPoints, beta: Float64Array, st: PhotoState, proj: Projection, picks: Int32Array, project?: (which: Int32Array) => Float64Array): void {
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
  // Forward vector's x: the side whose rest x has this sign is turned away.
  const fx = R[2]!;
  for (let l = 0; l < 17; l++) {
    const cand = c.candidates[l]!;
    const side = Math.sign(pts.rest[l * 3]!);
    if (cand.length === 0 || side * fx <= 0) continue;
    let pred = proj.pred;
    if (project) {
      project(cand);
      pred = project(Int32Array.of(l));
    } else {
      projectPoints(pts, beta, st, 0, false, proj, cand);
      projectPoints(pts, beta, st, 0, false, proj, [l]);
    }
    let best = l, bestU = side * pred[l * 2]!;
    for (let k = 0; k < cand.length; k++) {
      const u = side * pred[cand[k]! * 2]!;
      if (u > bestU) (bestU = u), (best = cand[k]!);
    }
    picks[l] = best;
  }
}
