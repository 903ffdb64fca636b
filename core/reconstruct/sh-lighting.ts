import { foldShLight, SH_CONSTANTS, shadeRgb, shBasis } from '../geometry/sh-basis';
import { solveLinear } from '../head-model/small-linalg';

export interface ShEstimate {
  /** 27 coefficients (band-major, r g b per band). */
  light: Float64Array;
  /** RMS of photo − shading over the samples used (same units as the colours). */
  rms: number;
  samples: number;
}

/**
 * Least-squares SH lighting of colour samples: colour ≈ albedo ⊙ Σₖ lₖ Hₖ(n), solved per channel with
 * a small ridge on the higher bands for stability. Without `albedo` it is taken as constant 1 (folded
 * into the coefficients, so the light carries the skin colour).
 *
 * ```ts
 * const { light, rms } = estimateShLighting(normals, colors); // colours 0…1
 * const relit = estimateShLighting(normals, colors, 1e-4, albedoSamples);
 * ```
 */
export function estimateShLighting(normals: ArrayLike<number>, colors: ArrayLike<number>, ridge = 1e-4, albedo?: ArrayLike<number>): ShEstimate {
  const M = normals.length / 3;
  if (M < 9) return { light: new Float64Array(27), rms: 0, samples: M };
  const A = [new Float64Array(81), new Float64Array(81), new Float64Array(81)];
  const rhs = [new Float64Array(9), new Float64Array(9), new Float64Array(9)];
  const b = new Float64Array(9);
  for (let i = 0; i < M; i++) {
    shBasis(normals[i * 3]!, normals[i * 3 + 1]!, normals[i * 3 + 2]!, b);
    for (let ch = 0; ch < 3; ch++) {
      const a = albedo ? albedo[i * 3 + ch]! : 1;
      const Ac = A[ch]!, rc = rhs[ch]!, y = colors[i * 3 + ch]!;
      for (let p = 0; p < 9; p++) {
        const ap = a * b[p]!;
        for (let q = p; q < 9; q++) Ac[p * 9 + q] += ap * a * b[q]!;
        rc[p] += ap * y;
      }
    }
  }
  const light = new Float64Array(27);
  for (let ch = 0; ch < 3; ch++) {
    const Ac = A[ch]!;
    for (let p = 0; p < 9; p++) for (let q = 0; q < p; q++) Ac[p * 9 + q] = Ac[q * 9 + p]!;
    // Σ albedo² over the samples (the sample count for a unit albedo), so the ridge scales with the data.
    const weight = Ac[0]! / SH_CONSTANTS[0]! ** 2;
    for (let p = 1; p < 9; p++) Ac[p * 9 + p] += ridge * weight;
    const x = solveLinear(Ac, rhs[ch]!, 9);
    for (let p = 0; p < 9; p++) light[p * 3 + ch] = x[p]!;
  }
  const f = foldShLight(light), shade = new Float64Array(3);
  let se = 0;
  for (let i = 0; i < M; i++) {
    shadeRgb(f, normals[i * 3]!, normals[i * 3 + 1]!, normals[i * 3 + 2]!, shade);
    for (let ch = 0; ch < 3; ch++) se += (colors[i * 3 + ch]! - (albedo ? albedo[i * 3 + ch]! : 1) * shade[ch]!) ** 2;
  }
  return { light, rms: Math.sqrt(se / (3 * M)), samples: M };
}
