import type { Frame } from './fit-project';
import { EYELID_PAIRS, GRAM_PAIRS, type GramSet } from './fit-gram';
import type { FitPoints } from './fit-points';
import { addMatTVec, addMatVec } from './normal-kernels';

/**
 * The rigid and jaw rows of the normal matrix against the model columns, and the gradient of the
 * model columns, for the fixed point sets of a {@link GramSet} — from moments instead of rows.
 *
 * An item's Jacobian row over the model columns is zu = α_uᵀ·Z_p (see fit-gram.ts), and its rigid
 * and jaw entries are linear in its posed coordinates: j_u = L_u·ŷ_p + κ_u (L_u 9×6 from the
 * state, κ_u = e_tx), and its prediction is α_u·ŷ_p + tx. With ŷ_p = T̂_p + Z_p·θ,
 *   V[e][i] = Σ_p s²·ŷ_p[e]·Z_p[i] = F[e][i] + G_ie·θ,
 * so Σ_p s²·j_u·zuᵀ = Σ_e L_u[·, e]·U_u[e] + κ_u·z̄_u with U_u[e] = Σ_i α_u[i]·V[e][i] and
 * z̄_u = Σ_i α_u[i]·Σ_p s²·Z_p[i], and the gradient Σ_p s²·(pred − obs)·zu = Σ_e α_u[e]·U_u[e]
 * + tx·z̄_u − Σ_i α_u[i]·O_u[i] with O_u[i] = Σ_p s²·obs_u·Z_p[i]; likewise for v. G·θ costs
 * 36·K² multiply-adds, of which the β part is shared by the photos of a joint fit.
 */
export interface MomentScratch {
  /** V, 36 rows of K at (6·e + i)·K, for the current photo. */
  V: Float64Array;
  /** F + G·(0, β) per table, for the last β seen with it (two tables: with and without dense points). */
  slots: { table: GramSet | null; key: Float64Array; valid: boolean; V: Float64Array }[];
  last: number;
  U: Float64Array;
}

/**
 * Buffers for K model columns (Kβ shape modes).
 *
 * ```ts
 * const ms = createMomentScratch(K, Kb);
 * ```
 */
export function createMomentScratch(K: number, Kb: number): MomentScratch {
  const slot = () => ({ table: null, key: new Float64Array(Kb), valid: false, V: new Float64Array(36 * K) });
  return { V: new Float64Array(36 * K), slots: [slot(), slot()], last: 0, U: new Float64Array(12 * K) };
}

/** The photo's state as the moments need it: the rows' frame (αᵤ, αᵥ, eX) without the pivot, plus the jaw rotation and the camera shift. */
export interface MomentFrame extends Omit<Frame, 'c'> {
  Rj: Float64Array;
  tx: number;
  ty: number;
}

/**
 * Adds the fixed sets' rigid/jaw × model block (rows 0…8, columns `o` …) of H and the model
 * columns of g, scaled by `scale` (1/σ²), for θ = (ψ, β). `observed` holds O_u then O_v (12 rows
 * of K, see {@link observedMoments}).
 *
 * ```ts
 * addMoments(table, psi, beta, frame, observed, 1 / sigma ** 2, H, C, LOCAL_FIXED, g, ms);
 * ```
 */
export function addMoments(table: GramSet, psi: Float64Array, beta: Float64Array, fr: MomentFrame, observed: Float64Array, scale: number, H: Float64Array, C: number, o: number, g: Float64Array, ms: MomentScratch): void {
  const Ke = psi.length, Kb = beta.length, K = Ke + Kb;
  const V = ms.V;
  V.set(betaPart(table, beta, Ke, ms));
  // ψ part of G·θ: V[j][i] += G_ij[:, ψ]·ψ and, for i ≠ j, V[i][j] += G_ijᵀ[:, ψ]·ψ = Σ_n ψ_n·G_ij[n, :].
  GRAM_PAIRS.forEach(([i, j], q) => {
    const G = q * K * K;
    addMatVec(V, (6 * j + i) * K, table.cross, G, K, K, psi, 0, Ke);
    if (i !== j) addMatTVec(V, (6 * i + j) * K, table.cross, G, K, Ke, psi, 0, K);
  });
  // U_u[e] = Σ_i α_u[i]·V[e][i] (rows 0…5), U_v[e] (rows 6…11); z̄_u, z̄_v.
  const au = [...fr.a0, ...fr.b0], av = [...fr.a1, ...fr.b1];
  const U = ms.U.fill(0);
  for (let e = 0; e < 6; e++) for (let i = 0; i < 6; i++) {
    const cu = au[i]!, cv = av[i]!, v = (6 * e + i) * K, uu = e * K, uv = (6 + e) * K;
    for (let m = 0; m < K; m++) (U[uu + m] += cu * V[v + m]!), (U[uv + m] += cv * V[v + m]!);
  }
  const Lu = rigidMap(fr.a0, fr.e0, fr.Rj), Lv = rigidMap(fr.a1, fr.e1, fr.Rj);
  for (let c = 0; c < 9; c++) {
    const h = c * C + o;
    for (let e = 0; e < 6; e++) {
      const cu = scale * Lu[c * 6 + e]!, cv = scale * Lv[c * 6 + e]!;
      if (cu === 0 && cv === 0) continue;
      const uu = e * K, uv = (6 + e) * K;
      for (let m = 0; m < K; m++) H[h + m] += cu * U[uu + m]! + cv * U[uv + m]!;
    }
  }
  for (let i = 0; i < 6; i++) {
    const cu = scale * au[i]!, cv = scale * av[i]!, z = i * K, ou = i * K, ov = (6 + i) * K, hu = 4 * C + o, hv = 5 * C + o;
    for (let m = 0; m < K; m++) {
      const zm = table.sum[z + m]!;
      H[hu + m] += cu * zm;
      H[hv + m] += cv * zm;
      g[o + m] += cu * (fr.tx * zm - observed[ou + m]!) + cv * (fr.ty * zm - observed[ov + m]!);
    }
  }
  for (let e = 0; e < 6; e++) {
    const cu = scale * au[e]!, cv = scale * av[e]!, uu = e * K, uv = (6 + e) * K;
    for (let m = 0; m < K; m++) g[o + m] += cu * U[uu + m]! + cv * U[uv + m]!;
  }
}

/** F + G·(0, β) for a table, cached per β (the photos of a joint fit share it). */
function betaPart(table: GramSet, beta: Float64Array, Ke: number, ms: MomentScratch): Float64Array {
  const Kb = beta.length, K = Ke + Kb;
  let s = ms.slots.findIndex((x) => x.table === table);
  if (s < 0) (s = 1 - ms.last), (ms.slots[s]!.table = table), (ms.slots[s]!.valid = false);
  ms.last = s;
  const slot = ms.slots[s]!;
  if (slot.valid && slot.key.every((b, k) => b === beta[k])) return slot.V;
  slot.key.set(beta);
  slot.valid = true;
  const V = slot.V;
  V.set(table.first);
  GRAM_PAIRS.forEach(([i, j], q) => {
    const G = q * K * K;
    addMatVec(V, (6 * j + i) * K, table.cross, G + Ke, K, K, beta, 0, Kb);
    if (i !== j) addMatTVec(V, (6 * i + j) * K, table.cross, G + Ke * K, K, Kb, beta, 0, K);
  });
  return V;
}

/**
 * L (9×6): the rigid and jaw entries of a row, a·(e_i × y) and a·y for the rotation and scale
 * (y = x + (R_jaw − I)·u), a·R_jaw·(e_i × u) for the jaw, as a linear map of ŷ = (x, u).
 */
function rigidMap(a: number[], eX: number[], Rj: Float64Array): Float64Array {
  const L = new Float64Array(54);
  const rot = [[0, a[2]!, -a[1]!], [-a[2]!, 0, a[0]!], [a[1]!, -a[0]!, 0], [a[0]!, a[1]!, a[2]!]];
  rot.forEach((r, c) => {
    for (let d = 0; d < 3; d++) L[c * 6 + d] = r[d]!;
    for (let f = 0; f < 3; f++) L[c * 6 + 3 + f] = r[0]! * Rj[f]! + r[1]! * Rj[3 + f]! + r[2]! * Rj[6 + f]! - r[f]!;
  });
  const jaw = [[0, eX[2]!, -eX[1]!], [-eX[2]!, 0, eX[0]!], [eX[1]!, -eX[0]!, 0]];
  jaw.forEach((r, k) => {
    for (let f = 0; f < 3; f++) L[(6 + k) * 6 + 3 + f] = r[f]!;
  });
  return L;
}

/**
 * O_u[i] = Σ_p s²·obs_u,p·Z_p[i] and O_v (12 rows of K, without the 1/σ² of s²) over a photo's
 * fixed sets: landmarks 17…67 (weight 1), dense points (`mesh`, weight denseWeight; none when
 * null) and eyelid pairs (observed differences, weight eyelidWeight).
 *
 * ```ts
 * const observed = observedMoments(points, landmarks, mesh, o.denseWeight, o.eyelidWeight);
 * ```
 */
export function observedMoments(pts: FitPoints, landmarks: ArrayLike<number>, mesh: ArrayLike<number> | null, denseWeight: number, eyelidWeight: number): Float64Array {
  const Ke = pts.expressionCount, Kb = pts.shapeCount, K = Ke + Kb;
  const out = new Float64Array(12 * K);
  // Σ of w·(observed value) per jaw-relative row, times the pivot basis once at the end.
  const pivot = new Float64Array(6);
  const part = (B: Float64Array, Kx: number, b: number, ou: number, ov: number, cu: number, cv: number) => {
    for (let k = 0; k < Kx; k++) {
      const x = B[b + k]!;
      out[ou + k] += cu * x;
      out[ov + k] += cv * x;
    }
  };
  const add = (p: number, cu: number, cv: number) => {
    const w = pts.hasJaw ? pts.jawWeight[p]! : 0;
    for (let d = 0; d < 3; d++) {
      const row = p * 3 + d;
      part(pts.expression, Ke, row * Ke, d * K, (6 + d) * K, cu, cv);
      part(pts.shape, Kb, row * Kb, d * K + Ke, (6 + d) * K + Ke, cu, cv);
      if (w === 0) continue;
      part(pts.expressionW, Ke, row * Ke, (3 + d) * K, (9 + d) * K, cu, cv);
      part(pts.shapeW, Kb, row * Kb, (3 + d) * K + Ke, (9 + d) * K + Ke, cu, cv);
      pivot[d] += w * cu;
      pivot[3 + d] += w * cv;
    }
  };
  for (let l = 17; l < 68; l++) add(l, landmarks[l * 2]!, landmarks[l * 2 + 1]!);
  const dw2 = denseWeight * denseWeight;
  if (mesh) for (let m = 0; m < pts.denseCount; m++) add(pts.denseStart + m, dw2 * mesh[m * 2]!, dw2 * mesh[m * 2 + 1]!);
  const ew2 = eyelidWeight * eyelidWeight;
  if (ew2 > 0) for (const [a, b] of EYELID_PAIRS) {
    const du = ew2 * (landmarks[a * 2]! - landmarks[b * 2]!), dv = ew2 * (landmarks[a * 2 + 1]! - landmarks[b * 2 + 1]!);
    add(a, du, dv);
    add(b, -du, -dv);
  }
  for (let d = 0; d < 3; d++) {
    part(pts.jawPivotExpression, Ke, d * Ke, (3 + d) * K, (9 + d) * K, -pivot[d]!, -pivot[3 + d]!);
    part(pts.jawPivotShape, Kb, d * Kb, (3 + d) * K + Ke, (9 + d) * K + Ke, -pivot[d]!, -pivot[3 + d]!);
  }
  return out;
}
