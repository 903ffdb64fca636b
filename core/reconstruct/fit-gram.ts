import type { FitPoints } from './fit-points';
import { addProducts, dot } from './normal-kernels';

/** iBUG eyelid pairs (upper, lower) of DECA's eye-closure term. */
export const EYELID_PAIRS: readonly (readonly [number, number])[] = [[37, 41], [38, 40], [43, 47], [44, 46]];

/** The 21 pairs (i ≤ j) of a point's six basis rows (see {@link FitGram}), in table order. */
export const GRAM_PAIRS: readonly (readonly [number, number])[] = Array.from({ length: 6 }, (_, i) => Array.from({ length: 6 - i }, (_, d) => [i, i + d] as const)).flat();

/**
 * Moments of the model's bases over one point set whose points and weights stay fixed during a
 * fit (items: points, or eyelid pairs as the difference of two points). Item p has six basis rows
 * Z_p[0…5] of length K (see {@link FitGram}) and a rest part T̂_p (its rest position, then its
 * jaw-relative rest offset restW − w·c₀), so that its posed-space coordinates are
 * ŷ_p = T̂_p + Z_p·θ with θ = (ψ, β): ŷ_p[0…2] the unposed position x, ŷ_p[3…5] the jaw offset u.
 */
export interface GramSet {
  /** G_ij = Σ_p Z_p[i]ᵀ·Z_p[j] for the 21 pairs i ≤ j (`GRAM_PAIRS` order), K×K row-major each. */
  cross: Float64Array;
  /** F[e][i] = Σ_p T̂_p[e]·Z_p[i]: 36 rows of K at (6·e + i)·K. */
  first: Float64Array;
  /** Σ_p Z_p[i] over points (pairs left out: their camera shift cancels): 6 rows of K. */
  sum: Float64Array;
}

/** The weighted sum of a fit's sets, with the pair tables its model block is summed from. */
export interface CombinedGram extends GramSet {
  /** The 21 packed upper triangles (row a: columns a … K − 1) of S_ii = G_ii, S_ij = G_ij + G_ijᵀ. */
  pairs: Float64Array;
}

/**
 * Gram tables of the model's bases over the point sets whose weights do not change during a fit,
 * so that the expression and shape columns of their normal equations cost a few hundred thousand
 * multiply-adds per photo instead of a rank-1 update per residual row.
 *
 * A point p's Jacobian row in u over the model columns (ψ, then β) is α_uᵀ·Z_p, where Z_p stacks
 * six rows of length K = Kψ + Kβ: the point's bases for x, y, z, then its jaw-relative bases
 * (jaw-weighted basis − w·pivot basis; zero when the jaw does not move the point), and
 * α_u = (s·R₀, (R_jawᵀ − I)·s·R₀) depends only on the photo's state; likewise for v. So a set's
 * contribution Σ_p s²·(j_u·j_uᵀ + j_v·j_vᵀ) is Σ_ij M_ij·G_ij with M = α_u·α_uᵀ + α_v·α_vᵀ (6×6):
 * with M symmetric, Σ over the 21 pairs i ≤ j of M_ij·S_ij (see {@link CombinedGram}).
 * The rigid and jaw rows and the gradient are linear in the posed coordinates ŷ_p, themselves
 * linear in θ: they come from the first moments and G·θ (see fit-moments.ts).
 *
 * Plain data (numbers and typed arrays), so it can be shared with worker threads.
 */
export interface FitGram {
  /** K = Kψ + Kβ, the model columns in the photo's local order (expressions, then shape). */
  size: number;
  /** K·(K + 1)/2, the length of one packed table. */
  packed: number;
  /** Landmarks 17…67 (the jaw contour 0…16 is re-picked and re-weighted during a fit). */
  landmarks: GramSet;
  /** The dense points; null when there are none. */
  dense: GramSet | null;
  /** The eyelid pairs, each the difference upper − lower landmark. */
  eyelids: GramSet;
}

/**
 * Start of row a of a packed upper triangle of order K (row a holds columns a … K − 1).
 *
 * ```ts
 * const sab = table[packedRow(a, K) + b - a]; // b ≥ a
 * ```
 */
export const packedRow = (a: number, K: number): number => a * K - (a * (a - 1)) / 2;

/**
 * The Gram tables of a point set (null when it lacks the 68 landmarks the fitter needs): about
 * 160 million multiply-adds, and 12 MB, on ICT-FaceKit.
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
  return { size: K, packed: (K * (K + 1)) / 2, landmarks: gramSet(pts, fixed, true), dense: dense.length ? gramSet(pts, dense, true) : null, eyelids: gramSet(pts, eyelids, false) };
}

/** A point's jaw weight as the fitter uses it (none without a jaw joint). */
const jawWeightOf = (pts: FitPoints, p: number) => (pts.hasJaw ? pts.jawWeight[p]! : 0);

/** The tables of items, each a signed sum of points; `points`: items are points (counted in `sum`). */
function gramSet(pts: FitPoints, items: [number, number][][], points: boolean): GramSet {
  const Ke = pts.expressionCount, Kb = pts.shapeCount, K = Ke + Kb;
  // Items the jaw moves first: the jaw-relative rows of the others are zero, so products with
  // those rows stop after the first `nJaw` items.
  const moved = (it: [number, number][]) => it.some(([p]) => jawWeightOf(pts, p) !== 0);
  const order = [...items.filter(moved), ...items.filter((it) => !moved(it))];
  const nJaw = items.filter(moved).length;
  const n = order.length;
  // Z[i], column-major K×n: column a (a model column) holds basis row i of every item; T̂ per item.
  const Z = Array.from({ length: 6 }, () => new Float64Array(K * n));
  const T = Array.from({ length: 6 }, () => new Float64Array(n));
  const cs = pts.jawPivotShape, ce = pts.jawPivotExpression;
  order.forEach((item, r) => {
    for (const [p, sign] of item) {
      const w = jawWeightOf(pts, p);
      for (let d = 0; d < 3; d++) {
        const row = p * 3 + d, Zx = Z[d]!, Zu = Z[3 + d]!;
        T[d]![r] += sign * pts.rest[row]!;
        for (let k = 0; k < Ke; k++) Zx[k * n + r] += sign * pts.expression[row * Ke + k]!;
        for (let k = 0; k < Kb; k++) Zx[(Ke + k) * n + r] += sign * pts.shape[row * Kb + k]!;
        if (w === 0) continue;
        T[3 + d]![r] += sign * (pts.restW[row]! - w * pts.jawPivot[d]!);
        for (let k = 0; k < Ke; k++) Zu[k * n + r] += sign * (pts.expressionW[row * Ke + k]! - w * ce[d * Ke + k]!);
        for (let k = 0; k < Kb; k++) Zu[(Ke + k) * n + r] += sign * (pts.shapeW[row * Kb + k]! - w * cs[d * Kb + k]!);
      }
    }
  });
  const cross = new Float64Array(GRAM_PAIRS.length * K * K);
  GRAM_PAIRS.forEach(([i, j], q) => {
    const rows = i >= 3 || j >= 3 ? nJaw : n;
    const G = cross.subarray(q * K * K, (q + 1) * K * K);
    addProducts(G, K, Z[i]!, Z[j]!, n, 0, rows, null, 0, K, 0, K, i === j);
    if (i === j) for (let a = 0; a < K; a++) for (let b = a + 1; b < K; b++) G[b * K + a] = G[a * K + b]!;
  });
  const first = new Float64Array(36 * K), sum = new Float64Array(6 * K);
  for (let i = 0; i < 6; i++) {
    for (let m = 0; m < K; m++) {
      for (let e = 0; e < 6; e++) first[(6 * e + i) * K + m] = dot(T[e]!, 0, Z[i]!, m * n, n);
      if (points) for (let r = 0; r < n; r++) sum[i * K + m] += Z[i]![m * n + r]!;
    }
  }
  return { cross, first, sum };
}

/** The combined tables of a fit, with and without the dense points, and for masked photos (null: not needed). */
export interface FitTables {
  withDense: CombinedGram | null;
  withoutDense: CombinedGram | null;
  /** Landmarks alone (no dense points, no eyelids): photos with a landmark mask (profiles). */
  withoutEyelids?: CombinedGram | null;
}

/**
 * The tables a fit uses, weighted and summed once: landmarks + denseWeight²·dense (when `dense`)
 * + eyelidWeight²·eyelids (when eyelidWeight > 0).
 *
 * ```ts
 * const tables = { withDense: combineGram(points.gram, o.denseWeight, o.eyelidWeight, true), withoutDense: null };
 * ```
 */
export function combineGram(gram: FitGram, denseWeight: number, eyelidWeight: number, dense: boolean): CombinedGram {
  const K = gram.size, L = gram.landmarks;
  const out = { cross: new Float64Array(L.cross.length), first: new Float64Array(L.first.length), sum: new Float64Array(L.sum.length) };
  // As the fitter: the eyelid term only with a positive weight, the dense points with any.
  const sets: [GramSet | null, number][] = [[L, 1], [dense ? gram.dense : null, denseWeight], [eyelidWeight > 0 ? gram.eyelids : null, eyelidWeight]];
  for (const [set, w] of sets) {
    if (!set || w === 0) continue;
    addScaled(out.cross, set.cross, w * w);
    addScaled(out.first, set.first, w * w);
    addScaled(out.sum, set.sum, w * w);
  }
  const pairs = new Float64Array(GRAM_PAIRS.length * gram.packed);
  GRAM_PAIRS.forEach(([i, j], q) => {
    const G = q * K * K, o = q * gram.packed;
    for (let a = 0; a < K; a++) {
      const ro = o + packedRow(a, K) - a;
      if (i === j) for (let b = a; b < K; b++) pairs[ro + b] = out.cross[G + a * K + b]!;
      else for (let b = a; b < K; b++) pairs[ro + b] = out.cross[G + a * K + b]! + out.cross[G + b * K + a]!;
    }
  });
  return { ...out, pairs };
}

/** a += w·b, elementwise. */
function addScaled(a: Float64Array, b: Float64Array, w: number): void {
  for (let e = 0; e < a.length; e++) a[e] += w * b[e]!;
}

/**
 * H[(o + a)·C + o + b] += scale·Σ_q coef[q]·pairs_q[a, b] for a ≤ b < K: a combined table's
 * block of a photo's normal matrix (upper triangle), the model columns starting at local column o.
 *
 * ```ts
 * addGramBlock(H, C, LOCAL_FIXED, K, table.pairs, coef, 1 / sigma ** 2);
 * ```
 */
export function addGramBlock(H: Float64Array, C: number, o: number, K: number, pairs: Float64Array, coef: Float64Array, scale: number): void {
  const packed = (K * (K + 1)) / 2;
  for (let q = 0; q < GRAM_PAIRS.length; q += 7) {
    // Seven tables per sweep: each H row is read and written 3 times instead of 21.
    const c0 = scale * coef[q]!, c1 = scale * coef[q + 1]!, c2 = scale * coef[q + 2]!, c3 = scale * coef[q + 3]!, c4 = scale * coef[q + 4]!, c5 = scale * coef[q + 5]!, c6 = scale * coef[q + 6]!;
    const t0 = q * packed, t1 = t0 + packed, t2 = t1 + packed, t3 = t2 + packed, t4 = t3 + packed, t5 = t4 + packed, t6 = t5 + packed;
    for (let a = 0; a < K; a++) {
      const po = packedRow(a, K), ho = (o + a) * C + o + a, len = K - a;
      for (let e = 0; e < len; e++) {
        const i = po + e;
        H[ho + e] += c0 * pairs[t0 + i]! + c1 * pairs[t1 + i]! + c2 * pairs[t2 + i]! + c3 * pairs[t3 + i]! + c4 * pairs[t4 + i]! + c5 * pairs[t5 + i]! + c6 * pairs[t6 + i]!;
      }
    }
  }
}
