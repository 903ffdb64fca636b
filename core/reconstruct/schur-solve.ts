/**
 * Solves the damped normal equations (H + λ·diag(H))·δ = −g of a joint fit whose unknowns are a
 * shared block (β, columns [0, Kb)) and one block per photo (columns Kb + i·Lp …), photo blocks
 * coupled only through β — an arrow-shaped matrix. The photo blocks are eliminated first (Schur
 * complement), so the work grows linearly with the photos instead of cubically. Only columns with
 * `active[c]` move; the others get δ = 0. Returns null when a block is not positive definite.
 *
 * ```ts
 * const delta = solveArrow(H, g, N, active, lambda, Kb, Lp, photos);
 * ```
 */
export function solveArrow(H: Float64Array, g: Float64Array, N: number, active: Uint8Array, lambda: number, Kb: number, Lp: number, photos: number): Float64Array | null {
  const delta = new Float64Array(N);
  const shared: number[] = [];
  for (let c = 0; c < Kb; c++) if (active[c]) shared.push(c);
  const m = shared.length;
  const damped = (r: number, c: number) => (r === c ? H[r * N + c]! * (1 + lambda) + 1e-9 : H[r * N + c]!);
  const S = new Float64Array(m * m), rhs = new Float64Array(m);
  for (let a = 0; a < m; a++) {
    rhs[a] = -g[shared[a]!]!;
    for (let b = 0; b < m; b++) S[a * m + b] = damped(shared[a]!, shared[b]!);
  }
  const blocks: { idx: number[]; L: Float64Array; X: Float64Array; y: Float64Array }[] = [];
  for (let i = 0; i < photos; i++) {
    const idx: number[] = [];
    for (let c = Kb + i * Lp; c < Kb + (i + 1) * Lp; c++) if (active[c]) idx.push(c);
    const n = idx.length;
    const A = new Float64Array(n * n);
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) A[a * n + b] = damped(idx[a]!, idx[b]!);
    const L = choleskyFactor(A, n);
    if (!L) return null;
    // X = A⁻¹·B (B = H[idx, shared]), y = A⁻¹·g_i
    const X = new Float64Array(n * m), y = new Float64Array(n), col = new Float64Array(n);
    for (let b = 0; b < m; b++) {
      for (let a = 0; a < n; a++) col[a] = H[idx[a]! * N + shared[b]!]!;
      factorSolve(L, n, col);
      for (let a = 0; a < n; a++) X[a * m + b] = col[a]!;
    }
    for (let a = 0; a < n; a++) y[a] = g[idx[a]!]!;
    factorSolve(L, n, y);
    // S −= Bᵀ·X, rhs += Bᵀ·y
    for (let a = 0; a < n; a++) {
      const ra = idx[a]! * N;
      for (let p = 0; p < m; p++) {
        const bap = H[ra + shared[p]!]!;
        if (bap === 0) continue;
        rhs[p] += bap * y[a]!;
        for (let q = 0; q < m; q++) S[p * m + q] -= bap * X[a * m + q]!;
      }
    }
    blocks.push({ idx, L, X, y });
  }
  let dBeta = new Float64Array(0);
  if (m > 0) {
    const Ls = choleskyFactor(S, m);
    if (!Ls) return null;
    dBeta = Float64Array.from(rhs);
    factorSolve(Ls, m, dBeta);
    shared.forEach((c, a) => (delta[c] = dBeta[a]!));
  }
  // δ_i = −y − X·δβ
  for (const { idx, X, y } of blocks) {
    idx.forEach((c, a) => {
      let v = -y[a]!;
      for (let q = 0; q < m; q++) v -= X[a * m + q]! * dBeta[q]!;
      delta[c] = v;
    });
  }
  return delta;
}

/** Lower Cholesky factor of a row-major SPD matrix, or null. */
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

/** x ← (L·Lᵀ)⁻¹·x in place. */
function factorSolve(L: Float64Array, n: number, x: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = x[i]!;
    for (let k = 0; k < i; k++) s -= L[i * n + k]! * x[k]!;
    x[i] = s / L[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * x[k]!;
    x[i] = s / L[i * n + i]!;
  }
}
