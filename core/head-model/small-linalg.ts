/**
 * Solves the n×n system A·x = b (row-major A) by Gaussian elimination with partial pivoting.
 * Throws when A is singular. Meant for the tiny fits (≤ 6 unknowns) of the importers.
 *
 * ```ts
 * solveLinear([2, 0, 0, 4], [2, 8], 2); // [1, 2]
 * ```
 */
export function solveLinear(A: ArrayLike<number>, b: ArrayLike<number>, n: number): Float64Array {
  const M = Float64Array.from(A as ArrayLike<number>);
  const x = Float64Array.from(b as ArrayLike<number>);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r * n + c]!) > Math.abs(M[p * n + c]!)) p = r;
    if (Math.abs(M[p * n + c]!) < 1e-300) throw new Error('singular system');
    if (p !== c) {
      for (let k = 0; k < n; k++) [M[c * n + k], M[p * n + k]] = [M[p * n + k]!, M[c * n + k]!];
      [x[c], x[p]] = [x[p]!, x[c]!];
    }
    for (let r = c + 1; r < n; r++) {
      const f = M[r * n + c]! / M[c * n + c]!;
      if (f === 0) continue;
      for (let k = c; k < n; k++) M[r * n + k] -= f * M[c * n + k]!;
      x[r] -= f * x[c]!;
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r]!;
    for (let k = r + 1; k < n; k++) s -= M[r * n + k]! * x[k]!;
    x[r] = s / M[r * n + r]!;
  }
  return x;
}

/**
 * Least-squares sphere through points (x, y, z triples): centre and radius.
 *
 * ```ts
 * const { center, radius } = fitSphere(eyeballVertices);
 * ```
 */
export function fitSphere(points: ArrayLike<number>): { center: [number, number, number]; radius: number } {
  // |p|² = 2c·p + (r² − |c|²): linear in (c, d).
  const N = new Float64Array(16), rhs = new Float64Array(4);
  for (let i = 0; i < points.length; i += 3) {
    const row = [2 * points[i]!, 2 * points[i + 1]!, 2 * points[i + 2]!, 1];
    const q = points[i]! ** 2 + points[i + 1]! ** 2 + points[i + 2]! ** 2;
    for (let a = 0; a < 4; a++) {
      rhs[a] += row[a]! * q;
      for (let b = 0; b < 4; b++) N[a * 4 + b] += row[a]! * row[b]!;
    }
  }
  const s = solveLinear(N, rhs, 4);
  const center: [number, number, number] = [s[0]!, s[1]!, s[2]!];
  return { center, radius: Math.sqrt(s[3]! + center[0] ** 2 + center[1] ** 2 + center[2] ** 2) };
}

/**
 * Rigid rotation R and translation t that best map `from` onto `to` (point triples), by Gauss–Newton
 * on the rotation vector; R row-major 3×3.
 *
 * ```ts
 * const { R, t } = fitRigid(lowerTeethNeutral, lowerTeethJawOpen);
 * ```
 */
export function fitRigid(from: ArrayLike<number>, to: ArrayLike<number>, iterations = 20): { R: Float64Array; t: Float64Array } {
  const n = from.length / 3;
  const fc = [0, 0, 0], tc = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let d = 0; d < 3; d++) (fc[d] += from[i * 3 + d]! / n), (tc[d] += to[i * 3 + d]! / n);
  let R = Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  for (let it = 0; it < iterations; it++) {
    const M = new Float64Array(9), g = new Float64Array(3);
    for (let i = 0; i < n; i++) {
      const p = [0, 1, 2].map((d) => from[i * 3 + d]! - fc[d]!);
      const X = [0, 1, 2].map((a) => R[a * 3]! * p[0]! + R[a * 3 + 1]! * p[1]! + R[a * 3 + 2]! * p[2]!);
      const E = [0, 1, 2].map((d) => to[i * 3 + d]! - tc[d]! - X[d]!);
      const xx = X[0]! ** 2 + X[1]! ** 2 + X[2]! ** 2;
      for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) M[a * 3 + b] += (a === b ? xx : 0) - X[a]! * X[b]!;
      g[0] += X[1]! * E[2]! - X[2]! * E[1]!;
      g[1] += X[2]! * E[0]! - X[0]! * E[2]!;
      g[2] += X[0]! * E[1]! - X[1]! * E[0]!;
    }
    const w = solveLinear(M, g, 3);
    const angle = Math.hypot(w[0]!, w[1]!, w[2]!);
    const dR = axisAngleMatrix(w[0]!, w[1]!, w[2]!);
    const next = new Float64Array(9);
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) next[a * 3 + b] = dR[a * 3]! * R[b]! + dR[a * 3 + 1]! * R[3 + b]! + dR[a * 3 + 2]! * R[6 + b]!;
    R = next;
    if (angle < 1e-12) break;
  }
  const t = Float64Array.from([0, 1, 2].map((a) => tc[a]! - (R[a * 3]! * fc[0]! + R[a * 3 + 1]! * fc[1]! + R[a * 3 + 2]! * fc[2]!)));
  return { R, t };
}

/**
 * Rotation vector of a rotation matrix (inverse Rodrigues, fine away from 180°).
 *
 * ```ts
 * const [x, y, z] = rotationVector(fitRigid(from, to).R); // axis × angle in radians
 * ```
 */
export function rotationVector(R: ArrayLike<number>): [number, number, number] {
  const c = Math.min(1, Math.max(-1, (R[0]! + R[4]! + R[8]! - 1) / 2));
  const angle = Math.acos(c);
  if (angle < 1e-12) return [0, 0, 0];
  const k = angle / (2 * Math.sin(angle));
  return [k * (R[7]! - R[5]!), k * (R[2]! - R[6]!), k * (R[3]! - R[1]!)];
}

function axisAngleMatrix(x: number, y: number, z: number): Float64Array {
  const a = Math.hypot(x, y, z);
  if (a < 1e-15) return Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  const kx = x / a, ky = y / a, kz = z / a, s = Math.sin(a), c1 = 1 - Math.cos(a);
  return Float64Array.from([
    1 + c1 * (kx * kx - 1), -s * kz + c1 * kx * ky, s * ky + c1 * kx * kz,
    s * kz + c1 * kx * ky, 1 + c1 * (ky * ky - 1), -s * kx + c1 * ky * kz,
    -s * ky + c1 * kx * kz, s * kx + c1 * ky * kz, 1 + c1 * (kz * kz - 1),
  ]);
}

/**
 * Sparse affine weights over the k vertices nearest to `point` that reproduce it exactly
 * (Σw = 1, Σw·p = point) with the least ‖w‖: a joint regressor row that follows identity changes.
 *
 * ```ts
 * const { vertices, weights } = affineWeights(template, [0, 0.02, 0.05], 16);
 * ```
 */
export function affineWeights(positions: ArrayLike<number>, point: readonly number[], k: number, candidates?: ArrayLike<number>): { vertices: Uint32Array; weights: Float64Array } {
  const pool = candidates ? Array.from(candidates) : Array.from({ length: positions.length / 3 }, (_, i) => i);
  const d2 = (v: number) => (positions[v * 3]! - point[0]!) ** 2 + (positions[v * 3 + 1]! - point[1]!) ** 2 + (positions[v * 3 + 2]! - point[2]!) ** 2;
  const chosen = pool.map((v) => [v, d2(v)] as const).sort((a, b) => a[1] - b[1]).slice(0, k).map(([v]) => v);
  // w = Aᵀλ with (A·Aᵀ)λ = b, A = [1; x; y; z] over the chosen vertices.
  const AAt = new Float64Array(16);
  const row = (v: number) => [1, positions[v * 3]! - point[0]!, positions[v * 3 + 1]! - point[1]!, positions[v * 3 + 2]! - point[2]!];
  for (const v of chosen) {
    const r = row(v);
    for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) AAt[a * 4 + b] += r[a]! * r[b]!;
  }
  const lambda = solveLinear(AAt, [1, 0, 0, 0], 4);
  const weights = Float64Array.from(chosen, (v) => row(v).reduce((s, x, a) => s + x * lambda[a]!, 0));
  return { vertices: Uint32Array.from(chosen), weights };
}

/**
 * Eigen-decomposition of a small symmetric n×n matrix (row-major) by cyclic Jacobi rotations:
 * eigenvalues in descending order and their unit eigenvectors (row k of `vectors` goes with
 * `values[k]`). Meant for n up to a few hundred (e.g. a PCA through the maps' Gram matrix).
 *
 * ```ts
 * const { values, vectors } = symmetricEigen([2, 1, 1, 2], 2); // values [3, 1]
 * ```
 */
export function symmetricEigen(A: ArrayLike<number>, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(A);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! ** 2;
    if (off < 1e-22 * (1 + a.reduce((s, x) => s + x * x, 0))) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!, akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!, aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!, vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j * n + j]! - a[i * n + i]!);
  const values = Float64Array.from(order, (i) => a[i * n + i]!);
  const vectors = new Float64Array(n * n);
  order.forEach((i, k) => {
    for (let r = 0; r < n; r++) vectors[k * n + r] = v[r * n + i]!;
  });
  return { values, vectors };
}
