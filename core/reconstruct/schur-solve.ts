import { addProducts } from './normal-kernels';

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
export function solveArrow(sys: ArrowSystem, active: Uint8Array, lambda: number): Float64Array | null {
  const { Kb, Lp } = sys, C = Lp + Kb, photos = sys.local.length;
  const delta = new Float64Array(Kb + photos * Lp);
  const shared: number[] = [];
  for (let c = 0; c < Kb; c++) if (active[c]) shared.push(c);
  const m = shared.length;
  const S = new Float64Array(m * m), rhs = new Float64Array(m);
  for (let a = 0; a < m; a++) {
    const ca = shared[a]!;
    rhs[a] = -sys.sharedG[ca]!;
    for (let b = a; b < m; b++) S[a * m + b] = sys.shared[ca * Kb + shared[b]!]!;
    S[a * m + a] = S[a * m + a]! * (1 + lambda) + 1e-9;
  }
  const blocks: { idx: number[]; L: Float64Array; W: Float64Array; y: Float64Array }[] = [];
  const T = new Float64Array(m * m);
  for (let i = 0; i < photos; i++) {
    const H = sys.local[i]!, g = sys.localG[i]!;
    const idx: number[] = [];
    for (let c = 0; c < Lp; c++) if (active[Kb + i * Lp + c]) idx.push(c);
    const n = idx.length;
    const A = new Float64Array(n * n);
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < a; b++) A[a * n + b] = H[idx[b]! * C + idx[a]!]!;
      A[a * n + a] = H[idx[a]! * C + idx[a]!]! * (1 + lambda) + 1e-9;
    }
    const L = choleskyFactor(A, n);
    if (!L) return null;
    // W = L⁻¹·B (B = H[idx, β]) column by column (column b at W[b·n …]); y = L⁻¹·g_i.
    const W = new Float64Array(m * n), y = new Float64Array(n);
    for (let b = 0; b < m; b++) {
      const o = b * n, col = Lp + shared[b]!;
      for (let a = 0; a < n; a++) W[o + a] = H[idx[a]! * C + col]!;
      forwardSolve(L, n, W, o);
    }
    for (let a = 0; a < n; a++) y[a] = g[idx[a]!]!;
    forwardSolve(L, n, y, 0);
    // S −= Wᵀ·W, rhs += Wᵀ·y
    T.fill(0);
    addProducts(T, m, W, W, n, 0, n, null, 0, m, 0, m, true);
    for (let p = 0; p < m; p++) {
      for (let q = p; q < m; q++) S[p * m + q] -= T[p * m + q]!;
      let v = 0;
      for (let a = 0; a < n; a++) v += W[p * n + a]! * y[a]!;
      rhs[p] += v;
    }
    blocks.push({ idx, L, W, y });
  }
  let dBeta = new Float64Array(0);
  if (m > 0) {
    for (let a = 0; a < m; a++) for (let b = 0; b < a; b++) S[a * m + b] = S[b * m + a]!;
    const Ls = choleskyFactor(S, m);
    if (!Ls) return null;
    dBeta = Float64Array.from(rhs);
    forwardSolve(Ls, m, dBeta, 0);
    backSolve(Ls, m, dBeta);
    shared.forEach((c, a) => (delta[c] = dBeta[a]!));
  }
  // δ_i = −L⁻ᵀ·(y + W·δβ)
  blocks.forEach(({ idx, L, W, y }, i) => {
    const n = idx.length, v = Float64Array.from(y);
    for (let b = 0; b < m; b++) {
      const d = dBeta[b]!, o = b * n;
      for (let a = 0; a < n; a++) v[a] += W[o + a]! * d;
    }
    backSolve(L, n, v);
    idx.forEach((c, a) => (delta[Kb + i * Lp + c] = -v[a]!));
  });
  return delta;
}

/** Lower Cholesky factor of a row-major SPD matrix (its lower triangle is read), or null. */
function choleskyFactor(A: Float64Array, n: number): Float64Array | null {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j]!;
      for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!;
      if (i === j) {
        if (!(s > 0)) return null;
        L[i * n + i] = Math.sqrt(s);
      } else L[i * n + j] = s / L[j * n + j]!;
    }
  }
  return L;
}

/** x[o …] ← L⁻¹·x[o …] in place. */
function forwardSolve(L: Float64Array, n: number, x: Float64Array, o: number): void {
  for (let i = 0; i < n; i++) {
    let s = x[o + i]!;
    for (let k = 0; k < i; k++) s -= L[i * n + k]! * x[o + k]!;
    x[o + i] = s / L[i * n + i]!;
  }
}

/** x ← L⁻ᵀ·x in place. */
function backSolve(L: Float64Array, n: number, x: Float64Array): void {
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * x[k]!;
    x[i] = s / L[i * n + i]!;
  }
}
