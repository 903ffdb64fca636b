import type { FitPoints } from './fit-points';
import { addProducts } from './normal-kernels';

/** iBUG eyelid pairs (upper, lower) of DECA's eye-closure term. */
export const EYELID_PAIRS: readonly (readonly [number, number])[] = [[37, 41], [38, 40], [43, 47], [44, 46]];

/** The 21 pairs (i ≤ j) of a point's six basis rows (see {@link FitGram}), in table order. */
export const GRAM_PAIRS: readonly (readonly [number, number])[] = Array.from({ length: 6 }, (_, i) => Array.from({ length: 6 - i }, (_, d) => [i, i + d] as const)).flat();

/**
 * Gram tables of the model's bases over the point sets whose weights do not change during a fit,
 * so that their expression and shape blocks of the normal matrix cost a few hundred thousand
 * multiply-adds per photo instead of a rank-1 update per residual row.
 *
 * A point p's Jacobian row in u over the model columns (ψ, then β) is α_uᵀ·Z_p, where Z_p stacks
 * six rows of length K = Kψ + Kβ: the point's bases for x, y, z, then its jaw-relative bases
 * (jaw-weighted basis − w·pivot basis; zero when the jaw does not move the point), and
 * α_u = (s·R₀, (R_jawᵀ − I)·s·R₀) depends only on the photo's state; likewise for v. So a set's
 * contribution Σ_p s²·(j_u·j_uᵀ + j_v·j_vᵀ) is Σ_ij M_ij·G_ij with M = α_u·α_uᵀ + α_v·α_vᵀ (6×6) and
 * G_ij = Σ_p Z_p[i]ᵀ·Z_p[j]. With M symmetric, it is Σ over the pairs i ≤ j of M_ij·S_ij where
 * S_ii = G_ii and S_ij = G_ij + G_ijᵀ, all symmetric: each is stored as its packed upper triangle
 * (row a holds columns a … K − 1).
 *
 * Plain data (numbers and typed arrays), so it can be shared with worker threads.
 */
export interface FitGram {
  /** K = Kψ + Kβ, the model columns in the photo's local order (expressions, then shape). */
  size: number;
  /** K·(K + 1)/2, the length of one packed table. */
  packed: number;
  /** The 21 tables (`GRAM_PAIRS` order, each `packed` long) over landmarks 17…67, the contour being re-picked. */
  landmarks: Float64Array;
  /** Over the dense points; null when there are none. */
  dense: Float64Array | null;
  /** Over the eyelid pairs, each the difference upper − lower landmark. */
  eyelids: Float64Array;
}

/** Start of row a of a packed upper triangle of order K. */
export const packedRow = (a: number, K: number): number => a * K - (a * (a - 1)) / 2;

/**
 * The Gram tables of a point set (null when it lacks the 68 landmarks the fitter needs). About
 * 160 million multiply-adds on ICT-FaceKit's 468 dense points.
 *
 * ```ts
 * const gram = buildFitGram(points);
 * ```
 */
export function buildFitGram(pts: FitPoints): FitGram | null {
  if (pts.landmarkCount !== 68) return null;
  const K = pts.expressionCount + pts.shapeCount;
  const fixed = Array.from({ length: 68 - 17 }, (_, l) => [[17 + l, 1]] as [number, number][]);
  const dense = Array.from({ length: pts.denseCount }, (_, m) => [[pts.denseStart + m, 1]] as [number, number][]);
  const eyelids = EYELID_PAIRS.map(([a, b]) => [[a, 1], [b, -1]] as [number, number][]);
  return {
    size: K,
    packed: (K * (K + 1)) / 2,
    landmarks: pairTables(pts, fixed),
    dense: dense.length ? pairTables(pts, dense) : null,
    eyelids: pairTables(pts, eyelids),
  };
}

/** A point's jaw weight as the fitter uses it (none without a jaw joint). */
const jawWeightOf = (pts: FitPoints, p: number) => (pts.hasJaw ? pts.jawWeight[p]! : 0);

/** The 21 packed tables of items, each a signed sum of points. */
function pairTables(pts: FitPoints, items: [number, number][][]): Float64Array {
  const Ke = pts.expressionCount, Kb = pts.shapeCount, K = Ke + Kb, packed = (K * (K + 1)) / 2;
  // Items the jaw moves first: the jaw-relative rows of the others are zero, so products with
  // those rows stop after the first `nJaw` items.
  const moved = (it: [number, number][]) => it.some(([p]) => jawWeightOf(pts, p) !== 0);
  const order = [...items.filter(moved), ...items.filter((it) => !moved(it))];
  const nJaw = items.filter(moved).length;
  const n = order.length;
  // Z[i], column-major K×n: column a (a model column) holds basis row i of every item.
  const Z = Array.from({ length: 6 }, () => new Float64Array(K * n));
  const cs = pts.jawPivotShape, ce = pts.jawPivotExpression;
  order.forEach((item, r) => {
    for (const [p, sign] of item) {
      const w = jawWeightOf(pts, p);
      for (let d = 0; d < 3; d++) {
        const row = p * 3 + d, Zx = Z[d]!, Zu = Z[3 + d]!;
        for (let k = 0; k < Ke; k++) Zx[k * n + r] += sign * pts.expression[row * Ke + k]!;
        for (let k = 0; k < Kb; k++) Zx[(Ke + k) * n + r] += sign * pts.shape[row * Kb + k]!;
        if (w === 0) continue;
        for (let k = 0; k < Ke; k++) Zu[k * n + r] += sign * (pts.expressionW[row * Ke + k]! - w * ce[d * Ke + k]!);
        for (let k = 0; k < Kb; k++) Zu[(Ke + k) * n + r] += sign * (pts.shapeW[row * Kb + k]! - w * cs[d * Kb + k]!);
      }
    }
  });
  const out = new Float64Array(GRAM_PAIRS.length * packed);
  const G = new Float64Array(K * K);
  GRAM_PAIRS.forEach(([i, j], q) => {
    const rows = i >= 3 || j >= 3 ? nJaw : n;
    if (rows === 0) return;
    G.fill(0);
    addProducts(G, K, Z[i]!, Z[j]!, n, 0, rows, null, 0, K, 0, K, i === j);
    const o = q * packed;
    for (let a = 0; a < K; a++) {
      const ro = o + packedRow(a, K) - a;
      if (i === j) for (let b = a; b < K; b++) out[ro + b] = G[a * K + b]!;
      else for (let b = a; b < K; b++) out[ro + b] = G[a * K + b]! + G[b * K + a]!;
    }
  });
  return out;
}

/**
 * The tables a fit uses, weighted and summed once: landmarks + denseWeight²·dense +
 * eyelidWeight²·eyelids (a weight of 0 leaves a set out).
 *
 * ```ts
 * const table = combineGram(gram, o.denseWeight, o.eyelidWeight);
 * ```
 */
export function combineGram(gram: FitGram, denseWeight: number, eyelidWeight: number): Float64Array {
  const out = Float64Array.from(gram.landmarks);
  const add = (t: Float64Array | null, w: number) => {
    if (!t || w === 0) return;
    const w2 = w * w;
    for (let e = 0; e < out.length; e++) out[e] += w2 * t[e]!;
  };
  add(gram.dense, denseWeight);
  add(gram.eyelids, eyelidWeight);
  return out;
}

/**
 * H[(o + a)·C + o + b] += scale·Σ_q coef[q]·table_q[a, b] for a ≤ b < K: a combined table's block
 * of a photo's normal matrix (upper triangle), the model columns starting at local column o.
 *
 * ```ts
 * addGramBlock(H, C, LOCAL_FIXED, K, table, coef, 1 / sigma ** 2);
 * ```
 */
export function addGramBlock(H: Float64Array, C: number, o: number, K: number, table: Float64Array, coef: Float64Array, scale: number): void {
  const packed = (K * (K + 1)) / 2;
  for (let q = 0; q < GRAM_PAIRS.length; q += 3) {
    // Three tables per sweep: each H row is read and written 7 times instead of 21.
    const c0 = scale * coef[q]!, c1 = scale * coef[q + 1]!, c2 = scale * coef[q + 2]!;
    if (c0 === 0 && c1 === 0 && c2 === 0) continue;
    const t0 = q * packed, t1 = t0 + packed, t2 = t1 + packed;
    for (let a = 0; a < K; a++) {
      const po = packedRow(a, K), ho = (o + a) * C + o + a, len = K - a;
      for (let e = 0; e < len; e++) H[ho + e] += c0 * table[t0 + po + e]! + c1 * table[t1 + po + e]! + c2 * table[t2 + po + e]!;
    }
  }
}
