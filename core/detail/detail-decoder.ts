import { symmetricEigen } from '../head-model/small-linalg';

/**
 * The studio's detail decoder for one pack, in DECA's role of F_d(δ, ψ, θ_jaw):
 *   D = mean + Σ_k δ_k · basis_k + Σ_g a_g(ψ, θ_jaw) · wrinkles_g
 * The basis is learned from the project's fitted static detail maps (a PCA: its first components,
 * up to 128, the length of DECA's code), so δ — the detail code — says where a person's static detail
 * sits among the people and photos the project has seen; the wrinkle maps (per expression group,
 * weighted by the group's activation from the expression and the jaw) carry what an expression adds.
 * All maps are per detail texel (see `DetailTexels`), in metres.
 */
export interface DetailDecoder {
  /** Texels per map. */
  texels: number;
  mean: Float32Array;
  /** Code length × texels, orthonormal rows. */
  basis: Float32Array;
  codeLength: number;
  /** Per expression group (same order as its activations): the wrinkle map at activation 1. */
  wrinkles: Float32Array[];
}

export interface DetailBasisOptions {
  /** The code's length at most (DECA's is 128). */
  maxCode: number;
  /** Components that explain less than this share of the maps' variance are left out. */
  minVariance: number;
}

export const DETAIL_BASIS_DEFAULTS: DetailBasisOptions = { maxCode: 128, minVariance: 1e-6 };

/**
 * A decoder from static detail maps (each photo's, each person's consensus) and wrinkle maps: PCA of
 * the static maps through their Gram matrix (the maps are few, the texels many).
 *
 * ```ts
 * const decoder = buildDetailDecoder(staticMaps, wrinkleMaps);
 * ```
 */
export function buildDetailDecoder(statics: readonly ArrayLike<number>[], wrinkles: readonly Float32Array[], options: Partial<DetailBasisOptions> = {}): DetailDecoder {
  const o = { ...DETAIL_BASIS_DEFAULTS, ...options };
  const n = statics.length;
  if (n === 0) throw new Error('A detail decoder needs at least one static detail map');
  const K = statics[0]!.length;
  const mean = new Float32Array(K);
  for (const s of statics) for (let t = 0; t < K; t++) mean[t] += s[t]! / n;
  const centred = statics.map((s) => Float64Array.from({ length: K }, (_, t) => s[t]! - mean[t]!));
  const gram = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) {
    let d = 0;
    const a = centred[i]!, b = centred[j]!;
    for (let t = 0; t < K; t++) d += a[t]! * b[t]!;
    gram[i * n + j] = gram[j * n + i] = d;
  }
  const { values, vectors } = symmetricEigen(gram, n);
  const total = values.reduce((s, v) => s + Math.max(0, v), 0);
  const rows: Float32Array[] = [];
  for (let k = 0; k < n && rows.length < o.maxCode; k++) {
    if (!(values[k]! > o.minVariance * total && values[k]! > 0)) break;
    // Component k = Σ_i v_ki · centred_i / √λ_k (unit length).
    const row = new Float64Array(K);
    for (let i = 0; i < n; i++) {
      const w = vectors[k * n + i]!;
      if (w) for (let t = 0; t < K; t++) row[t] += w * centred[i]![t]!;
    }
    const norm = Math.sqrt(row.reduce((s, v) => s + v * v, 0)) || 1;
    rows.push(Float32Array.from(row, (v) => v / norm));
  }
  const basis = new Float32Array(rows.length * K);
  rows.forEach((r, k) => basis.set(r, k * K));
  return { texels: K, mean, basis, codeLength: rows.length, wrinkles: wrinkles.map((w) => Float32Array.from(w)) };
}

/**
 * A static detail map's code: its coordinates in the decoder's basis.
 *
 * ```ts
 * const delta = encodeDetail(decoder, photoStatic);
 * ```
 */
export function encodeDetail(decoder: DetailDecoder, staticMap: ArrayLike<number>): Float32Array {
  const K = decoder.texels, code = new Float32Array(decoder.codeLength);
  for (let k = 0; k < decoder.codeLength; k++) {
    let d = 0;
    for (let t = 0; t < K; t++) d += decoder.basis[k * K + t]! * (staticMap[t]! - decoder.mean[t]!);
    code[k] = d;
  }
  return code;
}

/**
 * F(δ, ψ, θ_jaw): the displacement a code gives with an expression's group activations.
 *
 * ```ts
 * const D = decodeDetail(decoder, delta, groupActivations(groups, fit.expression, fit.jaw));
 * ```
 */
export function decodeDetail(decoder: DetailDecoder, code: ArrayLike<number>, activations: ArrayLike<number>): Float32Array {
  const K = decoder.texels, out = Float32Array.from(decoder.mean);
  for (let k = 0; k < decoder.codeLength; k++) {
    const c = code[k] ?? 0;
    if (c) for (let t = 0; t < K; t++) out[t] += c * decoder.basis[k * K + t]!;
  }
  decoder.wrinkles.forEach((w, g) => {
    const a = activations[g] ?? 0;
    if (a) for (let t = 0; t < K; t++) out[t] += a * w[t]!;
  });
  return out;
}
