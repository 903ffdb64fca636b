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
  const s = stencilOf(texels), K = gu.length;
  const { u0, u1, cu, v0, v1, cv } = s;
  if (x instanceof Float64Array) {
    for (let t = 0; t < K; t++) (gu[t] = cu[t]! * (x[u1[t]!]! - x[u0[t]!]!)), (gv[t] = cv[t]! * (x[v1[t]!]! - x[v0[t]!]!));
  } else {
    for (let t = 0; t < K; t++) (gu[t] = cu[t]! * (x[u1[t]!]! - x[u0[t]!]!)), (gv[t] = cv[t]! * (x[v1[t]!]! - x[v0[t]!]!));
  }
}

/** out += Gᵀ(pu, pv): the adjoint of {@link texelGradient}. */
export function texelGradientAdjoint(texels: Pick<DetailTexels, 'size' | 'neighbours'>, pu: Float64Array, pv: Float64Array, out: Float64Array): void {
  const { u0, u1, cu, v0, v1, cv } = stencilOf(texels), K = out.length;
  for (let t = 0; t < K; t++) {
    const a = pu[t]! * cu[t]!, b = pv[t]! * cv[t]!;
    out[u1[t]!] += a;
    out[u0[t]!] -= a;
    out[v1[t]!] += b;
    out[v0[t]!] -= b;
  }
}

/** Per texel and axis: the two texels a difference reads and its factor (0 with no neighbour on that axis). */
interface Stencil {
  u0: Int32Array;
  u1: Int32Array;
  cu: Float64Array;
  v0: Int32Array;
  v1: Int32Array;
  cv: Float64Array;
}

// Built once per texel set: branch-free differences are what the solve's thousands of passes run.
const stencils = new WeakMap<Int32Array, Stencil>();

function stencilOf(texels: Pick<DetailTexels, 'size' | 'neighbours'>): Stencil {
  let s = stencils.get(texels.neighbours);
  if (s) return s;
  const N = texels.size, h = N / 2, nb = texels.neighbours, K = nb.length / 4;
  s = { u0: new Int32Array(K), u1: new Int32Array(K), cu: new Float64Array(K), v0: new Int32Array(K), v1: new Int32Array(K), cv: new Float64Array(K) };
  const axis = (t: number, lo: number, hi: number, a0: Int32Array, a1: Int32Array, c: Float64Array) => {
    if (lo >= 0 && hi >= 0) (a0[t] = lo), (a1[t] = hi), (c[t] = h);
    else if (hi >= 0) (a0[t] = t), (a1[t] = hi), (c[t] = N);
    else if (lo >= 0) (a0[t] = lo), (a1[t] = t), (c[t] = N);
    else (a0[t] = t), (a1[t] = t), (c[t] = 0);
  };
  for (let t = 0; t < K; t++) {
    axis(t, nb[t * 4]!, nb[t * 4 + 1]!, s.u0, s.u1, s.cu);
    // +v is the row above (neighbour 2), −v the row below (neighbour 3).
    axis(t, nb[t * 4 + 3]!, nb[t * 4 + 2]!, s.v0, s.v1, s.cv);
  }
  stencils.set(texels.neighbours, s);
  return s;
}
