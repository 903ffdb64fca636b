import { addProducts, dot } from './normal-kernels';

/**
 * Normal equations of a joint fit whose unknowns are a shared block (β, Kb columns) and one block
 * of Lp columns per photo, photo blocks coupled only through β — an arrow-shaped matrix, stored
 * as its pieces: global column c < Kb is β_c, Kb + i·Lp + c is photo i's local column c.
 */
export interface ArrowSystem {
  Kb: number;
  Lp: number;
  /** β×β block (Kb×Kb, upper triangle) and its gradient, all photos summed. */
  shared: Float64Array;
  sharedG: Float64Array;
  /**
   * Per photo, its normal matrix over its local columns then β (C×C, C = Lp + Kb, upper
   * triangle): rows [0, Lp) hold the photo block and its coupling to β; its β×β part is already
   * in `shared`. And its gradient (the first Lp entries are read).
   */
  local: Float64Array[];
  localG: Float64Array[];
}

/** Buffers of {@link solveArrow}, reused across its calls for systems of one shape. */
export interface ArrowWork {
  S: Float64Array;
  T: Float64Array;
  blocks: { A: Float64Array; W: Float64Array; y: Float64Array; idx: Int32Array; n: number }[];
}

/**
 * Buffers for systems of Kb shared and `photos` × Lp local columns.
 *
 * ```ts
 * const work = createArrowWork(Kb, Lp, photos);
 * ```
 */
export function createArrowWork(Kb: number, Lp: number, photos: number): ArrowWork {
  return {
    S: new Float64Array(Kb * Kb), T: new Float64Array(Kb * Kb),
    blocks: Array.from({ length: photos }, () => ({ A: new Float64Array(Lp * Lp), W: new Float64Array(Kb * Lp), y: new Float64Array(Lp), idx: new Int32Array(Lp), n: 0 })),
  };
}

/**
 * Solves the damped normal equations (H + λ·diag(H))·δ = −g of an {@link ArrowSystem}. The photo
 * blocks are eliminated first (Schur complement through each block's Cholesky factor L:
 * W = L⁻¹·B, S −= Wᵀ·W), so the work grows linearly with the photos instead of cubically. Only
 * columns with `active[c]` (global numbering) move; the others get δ = 0. Returns null when a
 * block is not positive definite.
 *
 * ```ts
 * const delta = solveArrow(system, active, lambda);
 * ```
 */
export function solveArrow(sys: ArrowSystem, active: Uint8Array, lambda: number, work: ArrowWork = createArrowWork(sys.Kb, sys.Lp, sys.local.length)): Float64Array | null {
  const { Kb, Lp } = sys, C = Lp + Kb, photos = sys.local.length;
  const delta = new Float64Array(Kb + photos * Lp);
  const shared: number[] = [];
  for (let c = 0; c < Kb; c++) if (active[c]) shared.push(c);
  const m = shared.length;
  const S = work.S, T = work.T, rhs = new Float64Array(m);
  for (let a = 0; a < m; a++) {
    const ca = shared[a]!;
    rhs[a] = -sys.sharedG[ca]!;
    for (let b = a; b < m; b++) S[a * m + b] = sys.shared[ca * Kb + shared[b]!]!;
    S[a * m + a] = S[a * m + a]! * (1 + lambda) + 1e-9;
  }
  for (let i = 0; i < photos; i++) {
    const H = sys.local[i]!, g = sys.localG[i]!, blk = work.blocks[i]!;
    const { A, W, y, idx } = blk;
    let n = 0;
    for (let c = 0; c < Lp; c++) if (active[Kb + i * Lp + c]) idx[n++] = c;
    blk.n = n;
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < a; b++) A[a * n + b] = H[idx[b]! * C + idx[a]!]!;
      A[a * n + a] = H[idx[a]! * C + idx[a]!]! * (1 + lambda) + 1e-9;
    }
    if (!choleskyInPlace(A, n)) return null;
    // W = L⁻¹·B (B = H[idx, β]) column by column (column b at W[b·n …]); y = L⁻¹·g_i.
    for (let b = 0; b < m; b++) {
      const o = b * n, col = Lp + shared[b]!;
      for (let a = 0; a < n; a++) W[o + a] = H[idx[a]! * C + col]!;
      forwardSolve(A, n, W, o);
    }
    for (let a = 0; a < n; a++) y[a] = g[idx[a]!]!;
    forwardSolve(A, n, y, 0);
    // S −= Wᵀ·W, rhs += Wᵀ·y
    T.fill(0, 0, m * m);
    addProducts(T, m, W, W, n, 0, n, null, 0, m, 0, m, true);
    for (let p = 0; p < m; p++) {
      for (let q = p; q < m; q++) S[p * m + q] -= T[p * m + q]!;
      rhs[p] += dot(W, p * n, y, 0, n);
    }
  }
  const dBeta = m > 0 ? solveSymmetric(S, m, rhs) : new Float64Array(0);
  if (!dBeta) return null;
  shared.forEach((c, a) => (delta[c] = dBeta[a]!));
  // δ_i = −L⁻ᵀ·(y + W·δβ)
  for (let i = 0; i < photos; i++) {
    const { A, W, y, idx, n } = work.blocks[i]!;
    const v = y.slice(0, n);
    for (let b = 0; b < m; b++) {
      const d = dBeta[b]!, o = b * n;
      for (let a = 0; a < n; a++) v[a] += W[o + a]! * d;
    }
    backSolve(A, n, v);
    for (let a = 0; a < n; a++) delta[Kb + i * Lp + idx[a]!] = -v[a]!;
  }
  return delta;
}

/** S⁻¹·rhs for S with only its upper triangle filled (overwritten), or null when S is not positive definite. */
function solveSymmetric(S: Float64Array, m: number, rhs: Float64Array): Float64Array | null {
  for (let a = 0; a < m; a++) for (let b = 0; b < a; b++) S[a * m + b] = S[b * m + a]!;
  if (!choleskyInPlace(S, m)) return null;
  const x = Float64Array.from(rhs);
  forwardSolve(S, m, x, 0);
  backSolve(S, m, x);
  return x;
}

/** Overwrites the lower triangle of a row-major SPD matrix with its Cholesky factor L; false when it is not positive definite. */
function choleskyInPlace(A: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const s = A[i * n + j]! - dot(A, i * n, A, j * n, j);
      if (i === j) {
        if (!(s > 0)) return false;
        A[i * n + i] = Math.sqrt(s);
      } else A[i * n + j] = s / A[j * n + j]!;
    }
  }
  return true;
}

/** x[o …] ← L⁻¹·x[o …] in place (L: the lower triangle of a factored matrix). */
function forwardSolve(L: Float64Array, n: number, x: Float64Array, o: number): void {
  for (let i = 0; i < n; i++) x[o + i] = (x[o + i]! - dot(L, i * n, x, o, i)) / L[i * n + i]!;
}

/** x ← L⁻ᵀ·x in place. */
function backSolve(L: Float64Array, n: number, x: Float64Array): void {
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * x[k]!;
    x[i] = s / L[i * n + i]!;
  }
}
