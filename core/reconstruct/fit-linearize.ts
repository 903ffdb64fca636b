import type { FitPoints } from './fit-points';
import { dot } from './normal-kernels';

/** One photo's state during the fit (rotations as row-major matrices, updated multiplicatively). */
export interface PhotoState {
  R: Float64Array;
  jaw: Float64Array;
  scale: number;
  tx: number;
  ty: number;
  expression: Float64Array;
}

/**
 * Per-photo scratch: predicted pixels of every point and their Jacobian rows over the photo's
 * columns — rotation δ (3), log scale, tx, ty, jaw δ (3), ψ (Kψ) — followed by β (Kβ).
 */
export interface Projection {
  columns: number;
  pred: Float64Array;
  jac: Float64Array;
}

/** Columns of a photo before the shared β columns. */
export const LOCAL_FIXED = 9;

/**
 * Allocates a {@link Projection} for a point set; without `jacobian` it has no room for Jacobian
 * rows (megabytes on a large model) and can only be projected into.
 *
 * ```ts
 * const proj = createProjection(points);
 * ```
 */
export function createProjection(pts: FitPoints, jacobian = true): Projection {
  const columns = LOCAL_FIXED + pts.expressionCount + pts.shapeCount;
  return { columns, pred: new Float64Array(pts.count * 2), jac: new Float64Array(jacobian ? pts.count * 2 * columns : 0) };
}

/**
 * Projects points [0, count) of a photo (or the listed points when `which` is given) and, when
 * `jacobian` is set, fills their Jacobian rows:
 * rotations perturbed on the right (R ← R·exp([δ]×), so ∂(R·y)/∂δ = R·(e_i × y)), scale in log
 * space, and β, ψ through the linear bases and the linear jaw pivot.
 *
 * ```ts
 * projectPoints(points, beta, state, points.landmarkCount, true, proj);
 * ```
 */
export function projectPoints(pts: FitPoints, beta: Float64Array, st: PhotoState, count: number, jacobian: boolean, out: Projection, which?: ArrayLike<number>): void {
  if (jacobian && out.jac.length < pts.count * 2 * out.columns) throw new Error('projectPoints: the projection was created without Jacobian rows');
  const Kb = pts.shapeCount, Ke = pts.expressionCount, C = out.columns, Lp = LOCAL_FIXED + Ke;
  const { R, jaw: Rj, scale: s, expression: psi } = st;
  // Jaw pivot c = c0 + Cβ·β + Cψ·ψ.
  const c = [0, 0, 0];
  const cs = pts.jawPivotShape, ce = pts.jawPivotExpression;
  for (let d = 0; d < 3; d++) {
    let v = pts.jawPivot[d]!;
    for (let k = 0; k < Kb; k++) v += cs[d * Kb + k]! * beta[k]!;
    for (let k = 0; k < Ke; k++) v += ce[d * Ke + k]! * psi[k]!;
    c[d] = v;
  }
  const a0 = [s * R[0]!, s * R[1]!, s * R[2]!], a1 = [-s * R[3]!, -s * R[4]!, -s * R[5]!];
  // bX = Rjᵀ·aX − aX: the row that maps a jaw-weighted offset through (R_jaw − I).
  const b0 = [0, 1, 2].map((d) => a0[0]! * Rj[d]! + a0[1]! * Rj[3 + d]! + a0[2]! * Rj[6 + d]! - a0[d]!);
  const b1 = [0, 1, 2].map((d) => a1[0]! * Rj[d]! + a1[1]! * Rj[3 + d]! + a1[2]! * Rj[6 + d]! - a1[d]!);
  const x = [0, 0, 0], u = [0, 0, 0], y = [0, 0, 0];
  const { rest, shape, expression, restW, shapeW, expressionW, jawWeight } = pts;
  const n = which ? which.length : count;
  for (let q = 0; q < n; q++) {
    const p = which ? which[q]! : q;
    for (let d = 0; d < 3; d++) {
      const row = p * 3 + d;
      x[d] = rest[row]! + dot(shape, row * Kb, beta, 0, Kb) + dot(expression, row * Ke, psi, 0, Ke);
    }
    const w = pts.hasJaw ? jawWeight[p]! : 0;
    if (w !== 0) {
      for (let d = 0; d < 3; d++) {
        const row = p * 3 + d;
        u[d] = restW[row]! + dot(shapeW, row * Kb, beta, 0, Kb) + dot(expressionW, row * Ke, psi, 0, Ke) - w * c[d]!;
      }
      for (let d = 0; d < 3; d++) y[d] = x[d]! + Rj[d * 3]! * u[0]! + Rj[d * 3 + 1]! * u[1]! + Rj[d * 3 + 2]! * u[2]! - u[d]!;
    } else for (let d = 0; d < 3; d++) y[d] = x[d]!;
    const z0 = R[0]! * y[0]! + R[1]! * y[1]! + R[2]! * y[2]!;
    const z1 = R[3]! * y[0]! + R[4]! * y[1]! + R[5]! * y[2]!;
    out.pred[p * 2] = s * z0 + st.tx;
    out.pred[p * 2 + 1] = -s * z1 + st.ty;
    if (!jacobian) continue;
    const ju = out.jac.subarray(p * 2 * C, (p * 2 + 1) * C), jv = out.jac.subarray((p * 2 + 1) * C, (p * 2 + 2) * C);
    ju.fill(0);
    jv.fill(0);
    // e_i × y for i = x, y, z.
    const cx = [0, -y[2]!, y[1]!], cy = [y[2]!, 0, -y[0]!], cz = [-y[1]!, y[0]!, 0];
    const dot3 = (a: number[], b: number[]) => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
    ju[0] = dot3(a0, cx); ju[1] = dot3(a0, cy); ju[2] = dot3(a0, cz);
    jv[0] = dot3(a1, cx); jv[1] = dot3(a1, cy); jv[2] = dot3(a1, cz);
    ju[3] = s * z0; jv[3] = -s * z1;
    ju[4] = 1; jv[5] = 1;
    if (w !== 0) {
      // ∂y/∂δ_jaw,i = R_jaw·(e_i × u); a·R_jaw = (b + a).
      const e0 = [b0[0]! + a0[0]!, b0[1]! + a0[1]!, b0[2]! + a0[2]!], e1 = [b1[0]! + a1[0]!, b1[1]! + a1[1]!, b1[2]! + a1[2]!];
      const ux = [0, -u[2]!, u[1]!], uy = [u[2]!, 0, -u[0]!], uz = [-u[1]!, u[0]!, 0];
      ju[6] = dot3(e0, ux); ju[7] = dot3(e0, uy); ju[8] = dot3(e0, uz);
      jv[6] = dot3(e1, ux); jv[7] = dot3(e1, uy); jv[8] = dot3(e1, uz);
    }
    for (let d = 0; d < 3; d++) {
      const row = p * 3 + d;
      const ad0 = a0[d]!, ad1 = a1[d]!;
      for (let k = 0, o = row * Ke; k < Ke; k++) {
        const e = expression[o + k]!;
        ju[LOCAL_FIXED + k] += ad0 * e;
        jv[LOCAL_FIXED + k] += ad1 * e;
      }
      for (let k = 0, o = row * Kb; k < Kb; k++) {
        const b = shape[o + k]!;
        ju[Lp + k] += ad0 * b;
        jv[Lp + k] += ad1 * b;
      }
      if (w === 0) continue;
      const bd0 = b0[d]!, bd1 = b1[d]!;
      for (let k = 0, o = row * Ke; k < Ke; k++) {
        const e = expressionW[o + k]! - w * ce[d * Ke + k]!;
        ju[LOCAL_FIXED + k] += bd0 * e;
        jv[LOCAL_FIXED + k] += bd1 * e;
      }
      for (let k = 0, o = row * Kb; k < Kb; k++) {
        const b = shapeW[o + k]! - w * cs[d * Kb + k]!;
        ju[Lp + k] += bd0 * b;
        jv[Lp + k] += bd1 * b;
      }
    }
  }
}
