/**
 * Dense kernels for normal equations. Row blocks are column-major: column c of a block with `n`
 * rows lies at X[c·n … c·n + n), so every product below is a run of dot products over contiguous
 * memory. Blocking 3 × 3 outputs keeps nine sums in registers and loads six values per nine
 * multiply-adds — about 3–4× faster in V8 than rank-1 updates of the output row by row, which
 * load and store the output for every multiply-add.
 */

/**
 * out[a·stride + b] += Σ_r w[r]·X[a·n + r]·Y[b·n + r] over rows r ∈ [r0, r1), for a ∈ [a0, a1) and
 * b ∈ [b0, b1); with `upper` only where b ≥ a. `w` null means unit weights.
 *
 * ```ts
 * addProducts(H, C, J, J, n, 0, n, omega, 0, C, 0, C, true); // H += Jᵀ·diag(ω)·J, upper triangle
 * ```
 */
export function addProducts(
  out: Float64Array,
  stride: number,
  X: Float64Array,
  Y: Float64Array,
  n: number,
  r0: number,
  r1: number,
  w: Float64Array | null,
  a0: number,
  a1: number,
  b0: number,
  b1: number,
  upper: boolean,
): void {
  if (r1 <= r0 || a1 <= a0 || b1 <= b0) return;
  for (let a = a0; a < a1; a += 3) {
    // Rows past the end repeat the last one; their sums are computed and dropped.
    const x0 = a * n, x1 = Math.min(a + 1, a1 - 1) * n, x2 = Math.min(a + 2, a1 - 1) * n;
    for (let b = upper ? Math.max(b0, a) : b0; b < b1; b += 3) {
      const y0 = b * n, y1 = Math.min(b + 1, b1 - 1) * n, y2 = Math.min(b + 2, b1 - 1) * n;
      let s00 = 0, s01 = 0, s02 = 0, s10 = 0, s11 = 0, s12 = 0, s20 = 0, s21 = 0, s22 = 0;
      if (w) {
        for (let r = r0; r < r1; r++) {
          const wr = w[r]!;
          const p0 = wr * X[x0 + r]!, p1 = wr * X[x1 + r]!, p2 = wr * X[x2 + r]!;
          const q0 = Y[y0 + r]!, q1 = Y[y1 + r]!, q2 = Y[y2 + r]!;
          s00 += p0 * q0; s01 += p0 * q1; s02 += p0 * q2;
          s10 += p1 * q0; s11 += p1 * q1; s12 += p1 * q2;
          s20 += p2 * q0; s21 += p2 * q1; s22 += p2 * q2;
        }
      } else {
        for (let r = r0; r < r1; r++) {
          const p0 = X[x0 + r]!, p1 = X[x1 + r]!, p2 = X[x2 + r]!;
          const q0 = Y[y0 + r]!, q1 = Y[y1 + r]!, q2 = Y[y2 + r]!;
          s00 += p0 * q0; s01 += p0 * q1; s02 += p0 * q2;
          s10 += p1 * q0; s11 += p1 * q1; s12 += p1 * q2;
          s20 += p2 * q0; s21 += p2 * q1; s22 += p2 * q2;
        }
      }
      put(out, stride, a, b, s00, a1, b1, upper); put(out, stride, a, b + 1, s01, a1, b1, upper); put(out, stride, a, b + 2, s02, a1, b1, upper);
      put(out, stride, a + 1, b, s10, a1, b1, upper); put(out, stride, a + 1, b + 1, s11, a1, b1, upper); put(out, stride, a + 1, b + 2, s12, a1, b1, upper);
      put(out, stride, a + 2, b, s20, a1, b1, upper); put(out, stride, a + 2, b + 1, s21, a1, b1, upper); put(out, stride, a + 2, b + 2, s22, a1, b1, upper);
    }
  }
}

function put(out: Float64Array, stride: number, a: number, b: number, v: number, a1: number, b1: number, upper: boolean): void {
  if (a < a1 && b < b1 && (!upper || b >= a)) out[a * stride + b] += v;
}

/**
 * g[c] += Σ_r e[r]·X[c·n + r] over rows r ∈ [0, n), for c ∈ [0, columns): a gradient Jᵀ·e.
 *
 * ```ts
 * addTransposedProduct(g, J, n, C, weightedResiduals);
 * ```
 */
export function addTransposedProduct(g: Float64Array, X: Float64Array, n: number, columns: number, e: Float64Array): void {
  for (let c = 0; c < columns; c++) {
    const o = c * n;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, r = 0;
    for (; r + 3 < n; r += 4) {
      s0 += e[r]! * X[o + r]!;
      s1 += e[r + 1]! * X[o + r + 1]!;
      s2 += e[r + 2]! * X[o + r + 2]!;
      s3 += e[r + 3]! * X[o + r + 3]!;
    }
    for (; r < n; r++) s0 += e[r]! * X[o + r]!;
    g[c] += s0 + s1 + s2 + s3;
  }
}

/**
 * Σ_k a[ao + k]·b[bo + k] for k ∈ [0, n), with four partial sums (a single running sum waits on
 * each addition's latency).
 *
 * ```ts
 * const x = dot(shape, row * Kb, beta, 0, Kb);
 * ```
 */
export function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, n: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, k = 0;
  for (; k + 3 < n; k += 4) {
    s0 += a[ao + k]! * b[bo + k]!;
    s1 += a[ao + k + 1]! * b[bo + k + 1]!;
    s2 += a[ao + k + 2]! * b[bo + k + 2]!;
    s3 += a[ao + k + 3]! * b[bo + k + 3]!;
  }
  for (; k < n; k++) s0 += a[ao + k]! * b[bo + k]!;
  return s0 + s1 + (s2 + s3);
}

/**
 * out[oo + m] += Σ_c A[ao + m·stride + c]·x[xo + c] for m < rows, c < cols (y += A·x), two rows
 * at a time so each x value is loaded once for both.
 *
 * ```ts
 * addMatVec(V, 0, G, 0, K, K, psi, 0, Ke); // V += G[:, 0…Kψ)·ψ
 * ```
 */
export function addMatVec(out: Float64Array, oo: number, A: Float64Array, ao: number, stride: number, rows: number, x: Float64Array, xo: number, cols: number): void {
  let m = 0;
  for (; m + 1 < rows; m += 2) {
    const r0 = ao + m * stride, r1 = r0 + stride;
    let s0 = 0, s1 = 0, t0 = 0, t1 = 0, c = 0;
    for (; c + 1 < cols; c += 2) {
      const x0 = x[xo + c]!, x1 = x[xo + c + 1]!;
      s0 += A[r0 + c]! * x0;
      t0 += A[r0 + c + 1]! * x1;
      s1 += A[r1 + c]! * x0;
      t1 += A[r1 + c + 1]! * x1;
    }
    if (c < cols) (s0 += A[r0 + c]! * x[xo + c]!), (s1 += A[r1 + c]! * x[xo + c]!);
    out[oo + m] += s0 + t0;
    out[oo + m + 1] += s1 + t1;
  }
  if (m < rows) out[oo + m] += dot(A, ao + m * stride, x, xo, cols);
}

/**
 * out[oo + c] += Σ_m A[ao + m·stride + c]·x[xo + m] for c < cols, m < rows (y += Aᵀ·x), four
 * rows of A per sweep over y.
 *
 * ```ts
 * addMatTVec(V, 0, G, 0, K, Ke, psi, 0, K); // V += G[0…Kψ, :]ᵀ·ψ
 * ```
 */
export function addMatTVec(out: Float64Array, oo: number, A: Float64Array, ao: number, stride: number, rows: number, x: Float64Array, xo: number, cols: number): void {
  let m = 0;
  for (; m + 3 < rows; m += 4) {
    const r0 = ao + m * stride, r1 = r0 + stride, r2 = r1 + stride, r3 = r2 + stride;
    const x0 = x[xo + m]!, x1 = x[xo + m + 1]!, x2 = x[xo + m + 2]!, x3 = x[xo + m + 3]!;
    for (let c = 0; c < cols; c++) out[oo + c] += x0 * A[r0 + c]! + x1 * A[r1 + c]! + x2 * A[r2 + c]! + x3 * A[r3 + c]!;
  }
  for (; m < rows; m++) {
    const r0 = ao + m * stride, x0 = x[xo + m]!;
    for (let c = 0; c < cols; c++) out[oo + c] += x0 * A[r0 + c]!;
  }
}
