/** Options of {@link solveBoxQp}. */
export interface BoxQpOptions {
  /** Lower and upper bound of every unknown. */
  lower: number;
  upper: number;
  /** Most coordinate-descent sweeps. */
  sweeps: number;
  /** Stop when no unknown moved by more than this in a sweep. */
  tolerance: number;
}

export const BOX_QP_DEFAULTS: BoxQpOptions = { lower: 0, upper: 1, sweeps: 400, tolerance: 1e-7 };

/**
 * Minimises ½ wᵀHw − bᵀw subject to lower ≤ w ≤ upper (H symmetric positive definite, n×n
 * row-major) by projected coordinate descent (Gauss–Seidel with clamping). Each step minimises
 * exactly along one coordinate inside the box, so the cost never rises and the iteration converges
 * to the unique constrained minimum; for the 52 ARKit weights a few hundred sweeps take well under a
 * millisecond. Bounded least squares min ‖Aw − d‖² is H = AᵀA, b = Aᵀd. `start` warm-starts (clamped).
 *
 * ```ts
 * const w = solveBoxQp(H, b, 52);                          // 0 ≤ w ≤ 1
 * const v = solveBoxQp(H, b, 3, { lower: -1, upper: 1 });
 * ```
 */
export function solveBoxQp(H: ArrayLike<number>, b: ArrayLike<number>, n: number, options: Partial<BoxQpOptions> = {}, start?: ArrayLike<number>): Float64Array {
  const o = { ...BOX_QP_DEFAULTS, ...options };
  if (H.length !== n * n || b.length !== n) throw new Error(`solveBoxQp: H must be ${n}×${n} and b ${n} long (got ${H.length} and ${b.length})`);
  const clamp = (v: number) => Math.min(o.upper, Math.max(o.lower, v));
  const w = new Float64Array(n);
  if (start) for (let k = 0; k < n; k++) w[k] = clamp(start[k]!);
  // The gradient Hw − b, kept up to date as single coordinates change.
  const g = new Float64Array(n);
  for (let a = 0; a < n; a++) {
    let s = -b[a]!;
    for (let c = 0; c < n; c++) s += H[a * n + c]! * w[c]!;
    g[a] = s;
  }
  for (let sweep = 0; sweep < o.sweeps; sweep++) {
    let moved = 0;
    for (let k = 0; k < n; k++) {
      const hkk = H[k * n + k]!;
      if (!(hkk > 0)) continue;
      const next = clamp(w[k]! - g[k]! / hkk);
      const delta = next - w[k]!;
      if (delta === 0) continue;
      w[k] = next;
      for (let a = 0; a < n; a++) g[a] += H[a * n + k]! * delta;
      moved = Math.max(moved, Math.abs(delta));
    }
    if (moved < o.tolerance) break;
  }
  return w;
}
