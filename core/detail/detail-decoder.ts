import { symmetricEigen } from '../head-model/small-linalg';

/**
 * The studio's detail decoder for one pack, in DECA's role of F_d(δ, ψ, θ_jaw):
 *   D = Σ_k δ_k · (S_k + Σ_g a_g(ψ, θ_jaw) · W_kg)
 * Each component k is a "detail person": a static map S_k and, per expression group g, the wrinkles
 * W_kg that person's skin makes at activation 1. The components are learned from the people the
 * project has solved on the pack — the principal directions of their static maps (uncentred, up to
 * 128 of them, DECA's code length), each carrying the same combination of those people's wrinkle
 * maps — so a code says whose detail a face has and how strongly, and the wrinkles an expression
 * adds follow from it (bilinear in δ and ψ, as DECA's decoder takes both). All maps are per compact
 * detail texel (see `DetailTexels`), in metres.
 */
export interface DetailDecoder {
  /** Texels per map. */
  texels: number;
  codeLength: number;
  /** codeLength × texels: S_k, orthonormal rows. */
  basis: Float32Array;
  /** Per expression group: codeLength × texels, W_kg. */
  wrinkles: Float32Array[];
  /** Per component: the second moment of the people's codes along it (m²), the code's prior. */
  variance: Float64Array;
}

export interface DetailDecoderOptions {
  /** The code's length at most (DECA's is 128). */
  maxCode: number;
  /** Components that carry less than this share of the maps' energy are left out. */
  minVariance: number;
}

export const DETAIL_DECODER_DEFAULTS: DetailDecoderOptions = { maxCode: 128, minVariance: 1e-6 };

/** One person's detail as the pack's decoder learns from it (see `detailStage`). */
export interface SubjectDetail {
  /** The person's static detail (metres per compact texel). */
  consensus: ArrayLike<number>;
  /** Per expression group: their wrinkle map at activation 1. */
  wrinkles: readonly ArrayLike<number>[];
  /** Per group: Σ activation² over their photos — how much the solve saw of that expression. */
  evidence: readonly number[];
}

/**
 * The pack's decoder from every person solved on it. A person's wrinkle map for an expression their
 * photos never showed (evidence below `minEvidence`) is the other people's, weighted by their
 * evidence, so every code carries wrinkles for every group.
 *
 * ```ts
 * const decoder = buildDetailDecoder(subjects);
 * const D = decodeDetail(decoder, encodeDetail(decoder, subjects[0].consensus), activations);
 * ```
 */
export function buildDetailDecoder(subjects: readonly SubjectDetail[], options: Partial<DetailDecoderOptions> = {}): DetailDecoder {
  const o = { ...DETAIL_DECODER_DEFAULTS, ...options };
  const n = subjects.length;
  if (n === 0) throw new Error('A detail decoder needs at least one person with detail');
  const K = subjects[0]!.consensus.length, G = subjects[0]!.wrinkles.length;
  const minEvidence = 0.05;
  const pooled = Array.from({ length: G }, (_, g) => {
    const out = new Float64Array(K);
    const total = subjects.reduce((s, x) => s + (x.evidence[g] ?? 0), 0);
    if (total > 0) for (const x of subjects) {
      const w = (x.evidence[g] ?? 0) / total;
      if (w) for (let t = 0; t < K; t++) out[t] += w * x.wrinkles[g]![t]!;
    }
    return out;
  });
  const wrinkleOf = (i: number, g: number): ArrayLike<number> => ((subjects[i]!.evidence[g] ?? 0) >= minEvidence ? subjects[i]!.wrinkles[g]! : pooled[g]!);
  // Principal directions of the static maps through their Gram matrix (people are few, texels many).
  const gram = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) {
    let d = 0;
    const a = subjects[i]!.consensus, b = subjects[j]!.consensus;
    for (let t = 0; t < K; t++) d += a[t]! * b[t]!;
    gram[i * n + j] = gram[j * n + i] = d;
  }
  const { values, vectors } = symmetricEigen(gram, n);
  const total = values.reduce((s, v) => s + Math.max(0, v), 0);
  const picked: number[] = [];
  for (let k = 0; k < n && picked.length < o.maxCode; k++) if (values[k]! > o.minVariance * total && values[k]! > 0) picked.push(k);
  const C = picked.length;
  const basis = new Float32Array(C * K), wrinkles = Array.from({ length: G }, () => new Float32Array(C * K)), variance = new Float64Array(C);
  const row = new Float64Array(K);
  picked.forEach((k, c) => {
    // Component = Σ_i v_ki · map_i / √λ_k (unit length); its wrinkles take the same combination.
    const scale = 1 / Math.sqrt(values[k]!);
    row.fill(0);
    for (let i = 0; i < n; i++) {
      const w = vectors[k * n + i]! * scale, s = subjects[i]!.consensus;
      if (w) for (let t = 0; t < K; t++) row[t] += w * s[t]!;
    }
    basis.set(row, c * K);
    for (let g = 0; g < G; g++) {
      row.fill(0);
      for (let i = 0; i < n; i++) {
        const w = vectors[k * n + i]! * scale, m = wrinkleOf(i, g);
        if (w) for (let t = 0; t < K; t++) row[t] += w * m[t]!;
      }
      wrinkles[g]!.set(row, c * K);
    }
    variance[c] = values[k]! / n;
  });
  return { texels: K, codeLength: C, basis, wrinkles, variance };
}

/**
 * A static detail map's code: its coordinates in the decoder's basis (a person's consensus gives
 * their code exactly).
 *
 * ```ts
 * const delta = encodeDetail(decoder, consensus);
 * ```
 */
export function encodeDetail(decoder: DetailDecoder, staticMap: ArrayLike<number>): Float32Array {
  const K = decoder.texels, code = new Float32Array(decoder.codeLength);
  for (let k = 0; k < decoder.codeLength; k++) {
    let d = 0;
    for (let t = 0; t < K; t++) d += decoder.basis[k * K + t]! * staticMap[t]!;
    code[k] = d;
  }
  return code;
}

/**
 * F(δ, ψ, θ_jaw): the displacement a code gives with an expression's group activations (see
 * `groupActivations`); zero activations give the static detail alone.
 *
 * ```ts
 * const D = decodeDetail(decoder, delta, groupActivations(groups, fit.expression, fit.jaw));
 * ```
 */
export function decodeDetail(decoder: DetailDecoder, code: ArrayLike<number>, activations: ArrayLike<number>, out = new Float32Array(decoder.texels)): Float32Array {
  const K = decoder.texels;
  out.fill(0);
  for (let k = 0; k < decoder.codeLength; k++) {
    const c = code[k] ?? 0;
    if (!c) continue;
    addScaled(out, decoder.basis, k * K, c);
    decoder.wrinkles.forEach((w, g) => {
      const a = activations[g] ?? 0;
      if (a) addScaled(out, w, k * K, c * a);
    });
  }
  return out;
}

/**
 * Component k of F with the given activations: S_k + Σ_g a_g W_kg (what a code estimate fits with).
 *
 * ```ts
 * const column = decoderComponent(decoder, 0, view.activations);
 * ```
 */
export function decoderComponent(decoder: DetailDecoder, k: number, activations: ArrayLike<number>, out = new Float32Array(decoder.texels)): Float32Array {
  const K = decoder.texels;
  out.fill(0);
  addScaled(out, decoder.basis, k * K, 1);
  decoder.wrinkles.forEach((w, g) => {
    const a = activations[g] ?? 0;
    if (a) addScaled(out, w, k * K, a);
  });
  return out;
}

function addScaled(out: Float32Array, src: Float32Array, offset: number, s: number): void {
  for (let t = 0; t < out.length; t++) out[t] += s * src[offset + t]!;
}

/**
 * A code bound to the decoder: its static map Σ δ_k S_k and its wrinkle maps Σ δ_k W_kg, so that an
 * expression change costs only Σ_g a_g · W_g (what expression sliders call; see `withWrinkles`).
 *
 * ```ts
 * const person = bindDetailCode(decoder, delta);
 * const D = withWrinkles(person.statics, person.wrinkles, activations);
 * ```
 */
export function bindDetailCode(decoder: DetailDecoder, code: ArrayLike<number>): { statics: Float32Array; wrinkles: Float32Array[] } {
  const K = decoder.texels;
  const statics = new Float32Array(K), wrinkles = decoder.wrinkles.map(() => new Float32Array(K));
  for (let k = 0; k < decoder.codeLength; k++) {
    const c = code[k] ?? 0;
    if (!c) continue;
    addScaled(statics, decoder.basis, k * K, c);
    decoder.wrinkles.forEach((w, g) => addScaled(wrinkles[g]!, w, k * K, c));
  }
  return { statics, wrinkles };
}
