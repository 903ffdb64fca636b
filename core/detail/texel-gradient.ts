import type { DetailTexels } from './detail-texels';

/**
 * The UV gradient of a per-texel field (per UV unit), and its adjoint — the detail solve's operators
 * are built from these two. Central differences inside the region; one-sided ones where a neighbour
 * is outside it (the eyes', nostrils' and lips' holes, the crop's edge), so a displacement next to a
 * hole is not read as a cliff into it; 0 where both neighbours of an axis are outside.
 *
 * ```ts
 * texelGradient(texels, D, gu, gv);            // ∇D
 * texelGradientAdjoint(texels, pu, pv, out);   // out += Gᵀ(pu, pv)
 * ```
 */
export function texelGradient(texels: Pick<DetailTexels, 'size' | 'neighbours'>, x: ArrayLike<number>, gu: Float64Array, gv: Float64Array): void {
  const N = texels.size, h = N / 2, nb = texels.neighbours, K = gu.length;
  for (let t = 0; t < K; t++) {
    const l = nb[t * 4]!, r = nb[t * 4 + 1]!, up = nb[t * 4 + 2]!, dn = nb[t * 4 + 3]!;
    gu[t] = l >= 0 && r >= 0 ? (x[r]! - x[l]!) * h : r >= 0 ? (x[r]! - x[t]!) * N : l >= 0 ? (x[t]! - x[l]!) * N : 0;
    gv[t] = up >= 0 && dn >= 0 ? (x[up]! - x[dn]!) * h : up >= 0 ? (x[up]! - x[t]!) * N : dn >= 0 ? (x[t]! - x[dn]!) * N : 0;
  }
}

/** out += Gᵀ(pu, pv): the adjoint of {@link texelGradient}. */
export function texelGradientAdjoint(texels: Pick<DetailTexels, 'size' | 'neighbours'>, pu: ArrayLike<number>, pv: ArrayLike<number>, out: Float64Array): void {
  const N = texels.size, h = N / 2, nb = texels.neighbours, K = out.length;
  for (let t = 0; t < K; t++) {
    const a = pu[t]!, b = pv[t]!;
    const l = nb[t * 4]!, r = nb[t * 4 + 1]!, up = nb[t * 4 + 2]!, dn = nb[t * 4 + 3]!;
    if (l >= 0 && r >= 0) (out[r] += a * h), (out[l] -= a * h);
    else if (r >= 0) (out[r] += a * N), (out[t] -= a * N);
    else if (l >= 0) (out[t] += a * N), (out[l] -= a * N);
    if (up >= 0 && dn >= 0) (out[up] += b * h), (out[dn] -= b * h);
    else if (up >= 0) (out[up] += b * N), (out[t] -= b * N);
    else if (dn >= 0) (out[t] += b * N), (out[dn] -= b * N);
  }
}
