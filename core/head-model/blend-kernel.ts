/**
 * out[i] += Σ_k coef[k] · basis[k·n + i] over a component-major basis, four modes per pass so each
 * output value is loaded and stored a quarter as often (the loop is memory-bound). Groups of four
 * zero coefficients are skipped: most expression vectors are sparse.
 *
 * ```ts
 * addBasis(vertices, model.expression.data, psi, model.expression.count, model.vertexCount * 3);
 * ```
 */
export function addBasis(out: Float32Array, basis: Float32Array, coef: ArrayLike<number>, count: number, n: number): void {
  const used = Math.min(count, coef.length);
  let k = 0;
  for (; k + 3 < used; k += 4) {
    const w0 = coef[k]!, w1 = coef[k + 1]!, w2 = coef[k + 2]!, w3 = coef[k + 3]!;
    if (w0 === 0 && w1 === 0 && w2 === 0 && w3 === 0) continue;
    const o0 = k * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
    for (let i = 0; i < n; i++) out[i] += w0 * basis[o0 + i]! + w1 * basis[o1 + i]! + w2 * basis[o2 + i]! + w3 * basis[o3 + i]!;
  }
  for (; k < used; k++) {
    const w = coef[k]!;
    if (w === 0) continue;
    const o = k * n;
    for (let i = 0; i < n; i++) out[i] += w * basis[o + i]!;
  }
}
