import { LOCAL_FIXED } from './fit-linearize';
import type { Frame } from './fit-project';
import type { FitPoints } from './fit-points';

/**
 * What the row writers read: the photo's frame, its projected points (posed positions y and jaw
 * offsets u per fit point) and the pivot terms pu = b₀ᵀ·(pivot basis), pv = b₁ᵀ·(pivot basis).
 * Rows are written into a column-major block: entry (r, c) at J[c·n + r].
 */
export interface RowSource {
  fr: Frame;
  posed: Float64Array;
  offset: Float64Array;
  pu: Float64Array;
  pv: Float64Array;
}

/**
 * Fills pu, pv: the jaw pivot's share of a jaw-relative row (its basis moves the pivot too).
 *
 * ```ts
 * pivotTerms(points, frame, pu, pv);
 * ```
 */
export function pivotTerms(pts: FitPoints, fr: Frame, pu: Float64Array, pv: Float64Array): void {
  const Ke = pts.expressionCount, Kb = pts.shapeCount;
  for (const [B, Kx, off] of [[pts.jawPivotExpression, Ke, 0], [pts.jawPivotShape, Kb, Ke]] as const) {
    for (let k = 0; k < Kx; k++) {
      pu[off + k] = fr.b0[0]! * B[k]! + fr.b0[1]! * B[Kx + k]! + fr.b0[2]! * B[2 * Kx + k]!;
      pv[off + k] = fr.b1[0]! * B[k]! + fr.b1[1]! * B[Kx + k]! + fr.b1[2]! * B[2 * Kx + k]!;
    }
  }
}

/**
 * The nine rigid and jaw entries of a point's u row (v = 0) or v row (v = 1), unscaled, as
 * `projectPoints` forms them.
 *
 * ```ts
 * rigidEntries(points, src, p, 0, ju);
 * ```
 */
export function rigidEntries(pts: FitPoints, src: RowSource, p: number, v: 0 | 1, out: Float64Array): void {
  const a = v ? src.fr.a1 : src.fr.a0, eX = v ? src.fr.e1 : src.fr.e0;
  const y0 = src.posed[p * 3]!, y1 = src.posed[p * 3 + 1]!, y2 = src.posed[p * 3 + 2]!;
  // a·(e_i × y) for the rotation, a·y = ±s·z for the log scale, then tx, ty.
  out[0] = a[2]! * y1 - a[1]! * y2;
  out[1] = a[0]! * y2 - a[2]! * y0;
  out[2] = a[1]! * y0 - a[0]! * y1;
  out[3] = a[0]! * y0 + a[1]! * y1 + a[2]! * y2;
  out[4] = 1 - v;
  out[5] = v;
  const w = pts.hasJaw ? pts.jawWeight[p]! : 0;
  if (w === 0) {
    out[6] = out[7] = out[8] = 0;
    return;
  }
  // a·R_jaw·(e_i × u).
  const u0 = src.offset[p * 3]!, u1 = src.offset[p * 3 + 1]!, u2 = src.offset[p * 3 + 2]!;
  out[6] = eX[2]! * u1 - eX[1]! * u2;
  out[7] = eX[0]! * u2 - eX[2]! * u0;
  out[8] = eX[1]! * u0 - eX[0]! * u1;
}

const ru9 = new Float64Array(9), rv9 = new Float64Array(9);

/**
 * Writes a point's u and v rows, scaled by s, at rows r and r + 1 (the model columns only when
 * C > 9).
 *
 * ```ts
 * pointRows(points, src, p, s, J, n, r, C);
 * ```
 */
export function pointRows(pts: FitPoints, src: RowSource, p: number, s: number, J: Float64Array, n: number, r: number, C: number): void {
  const fr = src.fr;
  rigidEntries(pts, src, p, 0, ru9);
  rigidEntries(pts, src, p, 1, rv9);
  for (let c = 0; c < LOCAL_FIXED; c++) {
    J[c * n + r] = s * ru9[c]!;
    J[c * n + r + 1] = s * rv9[c]!;
  }
  if (C === LOCAL_FIXED) return;
  const Ke = pts.expressionCount, Kb = pts.shapeCount;
  const w = pts.hasJaw ? pts.jawWeight[p]! : 0;
  const u00 = s * fr.a0[0]!, u01 = s * fr.a0[1]!, u02 = s * fr.a0[2]!, v00 = s * fr.a1[0]!, v01 = s * fr.a1[1]!, v02 = s * fr.a1[2]!;
  const u10 = s * fr.b0[0]!, u11 = s * fr.b0[1]!, u12 = s * fr.b0[2]!, v10 = s * fr.b1[0]!, v11 = s * fr.b1[1]!, v12 = s * fr.b1[2]!;
  const sw = s * w, pu = src.pu, pv = src.pv;
  for (const [B, BW, Kx, pk] of [[pts.expression, pts.expressionW, Ke, 0], [pts.shape, pts.shapeW, Kb, Ke]] as const) {
    const o0 = p * 3 * Kx, o1 = o0 + Kx, o2 = o1 + Kx;
    let o = (LOCAL_FIXED + pk) * n + r;
    if (w === 0) {
      for (let k = 0; k < Kx; k++, o += n) {
        const x0 = B[o0 + k]!, x1 = B[o1 + k]!, x2 = B[o2 + k]!;
        J[o] = u00 * x0 + u01 * x1 + u02 * x2;
        J[o + 1] = v00 * x0 + v01 * x1 + v02 * x2;
      }
    } else {
      for (let k = 0; k < Kx; k++, o += n) {
        const x0 = B[o0 + k]!, x1 = B[o1 + k]!, x2 = B[o2 + k]!, z0 = BW[o0 + k]!, z1 = BW[o1 + k]!, z2 = BW[o2 + k]!;
        J[o] = u00 * x0 + u01 * x1 + u02 * x2 + u10 * z0 + u11 * z1 + u12 * z2 - sw * pu[pk + k]!;
        J[o + 1] = v00 * x0 + v01 * x1 + v02 * x2 + v10 * z0 + v11 * z1 + v12 * z2 - sw * pv[pk + k]!;
      }
    }
  }
}

/**
 * Writes cu·(u row) + cv·(v row) of a point at row r (a photometric row: the image gradient
 * times the projection's Jacobian).
 *
 * ```ts
 * singleRow(points, src, p, gx, gy, J, n, r, C);
 * ```
 */
export function singleRow(pts: FitPoints, src: RowSource, p: number, cu: number, cv: number, J: Float64Array, n: number, r: number, C: number): void {
  const fr = src.fr;
  rigidEntries(pts, src, p, 0, ru9);
  rigidEntries(pts, src, p, 1, rv9);
  for (let c = 0; c < LOCAL_FIXED; c++) J[c * n + r] = cu * ru9[c]! + cv * rv9[c]!;
  if (C === LOCAL_FIXED) return;
  const Ke = pts.expressionCount, Kb = pts.shapeCount;
  const w = pts.hasJaw ? pts.jawWeight[p]! : 0;
  const g0 = cu * fr.a0[0]! + cv * fr.a1[0]!, g1 = cu * fr.a0[1]! + cv * fr.a1[1]!, g2 = cu * fr.a0[2]! + cv * fr.a1[2]!;
  const h0 = cu * fr.b0[0]! + cv * fr.b1[0]!, h1 = cu * fr.b0[1]! + cv * fr.b1[1]!, h2 = cu * fr.b0[2]! + cv * fr.b1[2]!;
  const pu = src.pu, pv = src.pv, wu = w * cu, wv = w * cv;
  for (const [B, BW, Kx, pk] of [[pts.expression, pts.expressionW, Ke, 0], [pts.shape, pts.shapeW, Kb, Ke]] as const) {
    const o0 = p * 3 * Kx, o1 = o0 + Kx, o2 = o1 + Kx;
    let o = (LOCAL_FIXED + pk) * n + r;
    if (w === 0) {
      for (let k = 0; k < Kx; k++, o += n) J[o] = g0 * B[o0 + k]! + g1 * B[o1 + k]! + g2 * B[o2 + k]!;
    } else {
      for (let k = 0; k < Kx; k++, o += n) J[o] = g0 * B[o0 + k]! + g1 * B[o1 + k]! + g2 * B[o2 + k]! + h0 * BW[o0 + k]! + h1 * BW[o1 + k]! + h2 * BW[o2 + k]! - wu * pu[pk + k]! - wv * pv[pk + k]!;
    }
  }
}
