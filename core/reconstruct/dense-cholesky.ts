/**
 * Solves the symmetric positive definite system A·x = b in place of a copy (row-major n×n), by
 * Cholesky factorisation. Returns null when A is not positive definite, so a damped solver can
 * raise its damping instead of failing.
 *
 * ```ts
 * const x = choleskySolve(Float64Array.of(4, 2, 2, 3), Float64Array.of(2, 1), 2); // [0.5, 0]
 * ```
 */
export function choleskySolve(A: Float64Array, b: Float64Array, n: number, work?: Float64Array): Float64Array | null {
  const L = work && work.length >= n * n ? work : new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = A[ri + j]!;
      for (let k = 0; k < j; k++) s -= L[ri + k]! * L[rj + k]!;
      if (i === j) {
        if (!(s > 0)) return null;
        L[ri + i] = Math.sqrt(s);
      } else L[ri + j] = s / L[rj + j]!;
    }
  }
  const x = Float64Array.from(b);
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
  return x;
}
