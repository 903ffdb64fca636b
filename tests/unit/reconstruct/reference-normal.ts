import { EYELID_PAIRS } from '../../../core/reconstruct/fit-gram';
import { createProjection, projectPoints, type PhotoState, type Projection } from '../../../core/reconstruct/fit-linearize';
import { PIN_WEIGHT, type PhotoTerms, type PhotoTermWeights } from '../../../core/reconstruct/fit-normal';
import type { FitPoints } from '../../../core/reconstruct/fit-points';
import { photometricPointIndices, photometricResiduals } from '../../../core/reconstruct/photometric-term';

/**
 * The fitter's normal equations as they were first written — a rank-1 update of the C×C matrix
 * per residual row, from `projectPoints`' Jacobian rows — kept as the reference the Gram-table
 * assembly (core/reconstruct/fit-normal.ts) is checked against.
 */
export function referenceNormalEquations(pts: FitPoints, beta: Float64Array, st: PhotoState, terms: PhotoTerms, stage: 'rigid' | 'full', o: PhotoTermWeights): { cost: number; H: Float64Array; g: Float64Array } {
  const proj = createProjection(pts);
  const C = proj.columns;
  const H = new Float64Array(C * C), g = new Float64Array(C), tmp = new Float64Array(C);
  const sigma = terms.sigma, picks = terms.picks;
  const dense = stage === 'full' && terms.useDense;
  const which: number[] = [];
  for (let l = 0; l < 68; l++) which.push(l < 17 ? picks[l]! : l);
  if (dense) for (let m = 0; m < 468; m++) which.push(pts.denseStart + m);
  const pins = terms.pins ?? null;
  if (pins) which.push(...pins.points);
  const photometric = stage === 'full' ? terms.photometric : null;
  if (photometric) which.push(...photometricPointIndices(pts, photometric));
  projectPoints(pts, beta, st, 0, true, proj, which);
  const P = proj.pred;
  let cost = 0;
  // A pin: weight W² on its squared residual, no robust loss.
  const W2 = (o.pinWeight ?? PIN_WEIGHT) ** 2;
  const point = (p: number, ox: number, oy: number, w: number, pin = false) => {
    const s = w / sigma;
    const ru = (P[p * 2]! - ox) * s, rv = (P[p * 2 + 1]! - oy) * s;
    const e2 = ru * ru + rv * rv, e = Math.sqrt(e2);
    const omega = pin ? W2 : e <= o.huber ? 1 : o.huber / e;
    cost += pin ? W2 * e2 : e <= o.huber ? e2 : 2 * o.huber * e - o.huber * o.huber;
    accumulateRow(proj, p * 2, -1, s, ru, omega, H, g, tmp);
    accumulateRow(proj, p * 2 + 1, -1, s, rv, omega, H, g, tmp);
  };
  const L = terms.landmarks;
  for (let l = 0; l < 68; l++) {
    const pin = pins?.landmarks[l] === 1;
    point(l < 17 ? picks[l]! : l, L[l * 2]!, L[l * 2 + 1]!, l < 17 && !pin ? terms.contourWeights[l]! : 1, pin);
  }
  if (stage === 'full' && o.eyelidWeight > 0) {
    const s = o.eyelidWeight / sigma;
    for (const [a, b] of EYELID_PAIRS) {
      for (let d = 0; d < 2; d++) {
        const r = (P[a * 2 + d]! - P[b * 2 + d]! - (L[a * 2 + d]! - L[b * 2 + d]!)) * s;
        cost += r * r;
        accumulateRow(proj, a * 2 + d, b * 2 + d, s, r, 1, H, g, tmp);
      }
    }
  }
  if (dense) for (let m = 0; m < 468; m++) point(pts.denseStart + m, terms.mesh![m * 2]!, terms.mesh![m * 2 + 1]!, o.denseWeight);
  if (pins) pins.points.forEach((p, q) => point(p, pins.xy[q * 2]!, pins.xy[q * 2 + 1]!, 1, true));
  if (photometric) {
    const rows = new Float64Array(photometric.points.length * 4);
    cost += photometricResiduals(pts, photometric, P, o.huber, rows);
    const J = proj.jac;
    for (let q = 0; q < photometric.points.length; q++) {
      const p = pts.photometricStart + photometric.points[q]!;
      const [r, omega, gx, gy] = [rows[q * 4]!, rows[q * 4 + 1]!, rows[q * 4 + 2]!, rows[q * 4 + 3]!];
      const ou = p * 2 * C, ov = ou + C;
      for (let i = 0; i < C; i++) tmp[i] = gx * J[ou + i]! + gy * J[ov + i]!;
      rankOne(tmp, r, omega, H, g, C);
    }
  }
  return { cost, H, g };
}

/** Adds ω·jᵀj (upper triangle) and ω·r·j for j = scale·(row_a − row_b); rowB < 0: no subtraction. */
function accumulateRow(proj: Projection, rowA: number, rowB: number, scale: number, r: number, omega: number, H: Float64Array, g: Float64Array, tmp: Float64Array): void {
  const C = proj.columns, J = proj.jac;
  const oa = rowA * C, ob = rowB * C;
  if (rowB < 0) for (let i = 0; i < C; i++) tmp[i] = scale * J[oa + i]!;
  else for (let i = 0; i < C; i++) tmp[i] = scale * (J[oa + i]! - J[ob + i]!);
  rankOne(tmp, r, omega, H, g, C);
}

function rankOne(tmp: Float64Array, r: number, omega: number, H: Float64Array, g: Float64Array, C: number): void {
  for (let i = 0; i < C; i++) {
    const ti = omega * tmp[i]!;
    if (ti === 0) continue;
    g[i] += ti * r;
    const o = i * C;
    for (let k = i; k < C; k++) H[o + k] += ti * tmp[k]!;
  }
}
