import { solveLinear } from '../head-model/small-linalg';
import { decoderComponent, type DetailDecoder } from './detail-decoder';
import type { DetailObservation } from './detail-observation';
import type { DetailTexels } from './detail-texels';
import { texelGradient } from './texel-gradient';

export interface EstimateDetailCodeOptions {
  /**
   * Residuals beyond this many times the photo's median one count less (Huber): silhouettes, hair
   * and specular spots are not detail.
   */
  huber: number;
  /** Robust reweighting rounds. */
  rounds: number;
}

export const ESTIMATE_DETAIL_CODE_DEFAULTS: EstimateDetailCodeOptions = { huber: 3, rounds: 2 };

/**
 * A photo's detail code δ from that photo alone — what DECA's detail encoder E_d does with one image:
 * the code whose displacement F(δ, ψ, θ_jaw) — with the photo's own expression-group activations —
 * best explains the photo's shading residual (linearised as in the solve), under the decoder's prior
 * (each component's second moment over the people it was learned from: a MAP estimate, so a photo
 * that says little about a component leaves it small).
 *
 * ```ts
 * const delta = estimateDetailCode(decoder, texels, view.observation, view.activations);
 * ```
 */
export function estimateDetailCode(
  decoder: DetailDecoder,
  texels: DetailTexels,
  obs: DetailObservation,
  activations: ArrayLike<number>,
  options: Partial<EstimateDetailCodeOptions> = {},
): Float32Array {
  const o = { ...ESTIMATE_DETAIL_CODE_DEFAULTS, ...options };
  const K = decoder.texels, C = decoder.codeLength;
  if (K !== texels.texel.length) throw new Error(`The detail decoder has ${K} texels, the pack's detail region ${texels.texel.length}`);
  if (C === 0) return new Float32Array(0);
  // Per texel and channel: the residual, and each component's colour change (its UV gradient through k).
  const gu = new Float64Array(K), gv = new Float64Array(K);
  const y = obs.residual;
  const seen: number[] = [];
  for (let t = 0; t < K; t++) if (obs.weight[t]) seen.push(t);
  const A = new Float64Array(C * seen.length * 3);
  const row = new Float32Array(K);
  for (let k = 0; k < C; k++) {
    decoderComponent(decoder, k, activations, row);
    texelGradient(texels, row, gu, gv);
    const off = k * seen.length * 3;
    seen.forEach((t, s) => {
      for (let c = 0; c < 3; c++) A[off + s * 3 + c] = obs.k[t * 6 + c * 2]! * gu[t]! + obs.k[t * 6 + c * 2 + 1]! * gv[t]!;
    });
  }
  const S = seen.length * 3;
  const w = Float64Array.from({ length: seen.length }, (_, s) => obs.weight[seen[s]!]!);
  let code = new Float64Array(C);
  for (let round = 0; round < Math.max(1, o.rounds); round++) {
    // The noise level: the photo's weighted mean squared residual with the current code.
    const e = residuals(A, y, seen, code, C, S);
    const sorted = Array.from(e).sort((p, q) => p - q);
    const limit = o.huber * (sorted[sorted.length >> 1] ?? 0) + 1e-9;
    const rw = Float64Array.from(w, (wt, s) => wt * (e[s]! > limit ? limit / e[s]! : 1));
    let wsum = 0, se = 0;
    for (let s = 0; s < seen.length; s++) (wsum += rw[s]!), (se += rw[s]! * e[s]! ** 2);
    const noise = Math.max(1e-8, se / Math.max(1e-9, wsum));
    const N = new Float64Array(C * C), b = new Float64Array(C);
    for (let p = 0; p < C; p++) {
      const ap = p * S;
      for (let q = p; q < C; q++) {
        const aq = q * S;
        let d = 0;
        for (let s = 0; s < seen.length; s++) {
          const i = s * 3;
          d += rw[s]! * (A[ap + i]! * A[aq + i]! + A[ap + i + 1]! * A[aq + i + 1]! + A[ap + i + 2]! * A[aq + i + 2]!);
        }
        N[p * C + q] = N[q * C + p] = d / noise;
      }
      let d = 0;
      for (let s = 0; s < seen.length; s++) {
        const i = s * 3, t = seen[s]! * 3;
        d += rw[s]! * (A[ap + i]! * y[t]! + A[ap + i + 1]! * y[t + 1]! + A[ap + i + 2]! * y[t + 2]!);
      }
      b[p] = d / noise;
      N[p * C + p] += 1 / Math.max(1e-30, decoder.variance[p]!);
    }
    code = Float64Array.from(solveLinear(N, b, C));
  }
  return Float32Array.from(code);
}

/** Per seen texel: the RMS over channels of y − A·code. */
function residuals(A: Float64Array, y: ArrayLike<number>, seen: readonly number[], code: Float64Array, C: number, S: number): Float64Array {
  const e = new Float64Array(seen.length);
  seen.forEach((t, s) => {
    let s2 = 0;
    for (let c = 0; c < 3; c++) {
      let v = y[t * 3 + c]!;
      for (let k = 0; k < C; k++) v -= A[k * S + s * 3 + c]! * code[k]!;
      s2 += v * v;
    }
    e[s] = Math.sqrt(s2 / 3);
  });
  return e;
}
