import { solveLinear } from '../head-model/small-linalg';
import type { OrthoCamera } from './ortho-camera';

/**
 * DECA's spherical-harmonics shading: 9 bands per colour channel (27 coefficients, band-major:
 * [band0 r, g, b, band1 r, g, b, …]), each band scaled by the Lambertian convolution constant DECA
 * uses, so coefficients are interchangeable with DECA's `light` output.
 */
const PI = Math.PI;
const SH_CONSTANTS = [
  1 / Math.sqrt(4 * PI),
  ((2 * PI) / 3) * Math.sqrt(3 / (4 * PI)),
  ((2 * PI) / 3) * Math.sqrt(3 / (4 * PI)),
  ((2 * PI) / 3) * Math.sqrt(3 / (4 * PI)),
  (PI / 4) * 3 * Math.sqrt(5 / (12 * PI)),
  (PI / 4) * 3 * Math.sqrt(5 / (12 * PI)),
  (PI / 4) * 3 * Math.sqrt(5 / (12 * PI)),
  (PI / 4) * (3 / 2) * Math.sqrt(5 / (12 * PI)),
  (PI / 4) * (1 / 2) * Math.sqrt(5 / (4 * PI)),
];

/**
 * The 9 scaled SH basis values of a unit normal, written into `out` at `o`.
 *
 * ```ts
 * const b = new Float64Array(9); shBasis(0, 0, 1, b, 0);
 * ```
 */
export function shBasis(nx: number, ny: number, nz: number, out: Float64Array, o = 0): void {
  const v = [1, nx, ny, nz, nx * ny, nx * nz, ny * nz, nx * nx - ny * ny, 3 * nz * nz - 1];
  for (let k = 0; k < 9; k++) out[o + k] = SH_CONSTANTS[k]! * v[k]!;
}

/**
 * Shading (r, g, b) of a unit normal under 27 SH coefficients (times albedo gives the colour).
 *
 * ```ts
 * const [r, g, b] = shShade(light, 0, 0, 1);
 * ```
 */
export function shShade(light: ArrayLike<number>, nx: number, ny: number, nz: number): [number, number, number] {
  const b = new Float64Array(9);
  shBasis(nx, ny, nz, b);
  const c: [number, number, number] = [0, 0, 0];
  for (let k = 0; k < 9; k++) for (let ch = 0; ch < 3; ch++) c[ch] += light[k * 3 + ch]! * b[k]!;
  return c;
}

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
  let se = 0;
  for (let i = 0; i < M; i++) {
    const s = shShade(light, normals[i * 3]!, normals[i * 3 + 1]!, normals[i * 3 + 2]!);
    for (let ch = 0; ch < 3; ch++) se += (colors[i * 3 + ch]! - (albedo ? albedo[i * 3 + ch]! : 1) * s[ch]!) ** 2;
  }
  return { light, rms: Math.sqrt(se / (3 * M)), samples: M };
}

/**
 * Photo colours (0…1) and unit normals of posed vertices that face the camera (n_z above
 * `minFacing`, a cheap visibility test that holds for the face's front), for lighting estimation.
 *
 * ```ts
 * const { normals, colors } = visibleVertexColors(out.vertices, out.normals, camera, photo, model.regions.face);
 * ```
 */
export function visibleVertexColors(
  vertices: Float32Array,
  normals: Float32Array,
  camera: OrthoCamera,
  image: { width: number; height: number; data: Uint8Array },
  indices: ArrayLike<number>,
  minFacing = 0.3,
): { normals: Float64Array; colors: Float64Array } {
  const n: number[] = [], c: number[] = [];
  for (let i = 0; i < indices.length; i++) {
    const v = indices[i]!;
    const nx = normals[v * 3]!, ny = normals[v * 3 + 1]!, nz = normals[v * 3 + 2]!;
    const len = Math.hypot(nx, ny, nz);
    if (!(len > 0) || nz / len < minFacing) continue;
    const u = Math.floor(camera.scale * vertices[v * 3]! + camera.tx), w = Math.floor(-camera.scale * vertices[v * 3 + 1]! + camera.ty);
    if (u < 0 || w < 0 || u >= image.width || w >= image.height) continue;
    n.push(nx / len, ny / len, nz / len);
    const p = (w * image.width + u) * 3;
    c.push(image.data[p]! / 255, image.data[p + 1]! / 255, image.data[p + 2]! / 255);
  }
  return { normals: Float64Array.from(n), colors: Float64Array.from(c) };
}
