import { foldShLight, shadeRgb } from '../geometry/sh-basis';
import type { DetailObservation } from './detail-observation';
import type { DetailTexels } from './detail-texels';
import { texelGradient } from './texel-gradient';
import type { TexelFrames } from './texel-frames';

/**
 * The detailed surface's normals per detail texel: the posed normal tilted by the displacement's
 * surface gradient, normalize(N − M·∇D) — DECA's detail normals, exact in the normal's length (the
 * solve uses their first-order change).
 *
 * ```ts
 * const normals = detailedNormals(texels, frames, displacement);
 * ```
 */
export function detailedNormals(texels: DetailTexels, frames: TexelFrames, displacement: ArrayLike<number>): Float32Array {
  const K = texels.texel.length;
  const gu = new Float64Array(K), gv = new Float64Array(K);
  texelGradient(texels, displacement, gu, gv);
  const out = new Float32Array(K * 3);
  const { normal: N, gradient: M } = frames;
  for (let t = 0; t < K; t++) {
    const x = N[t * 3]! - (M[t * 6]! * gu[t]! + M[t * 6 + 1]! * gv[t]!);
    const y = N[t * 3 + 1]! - (M[t * 6 + 2]! * gu[t]! + M[t * 6 + 3]! * gv[t]!);
    const z = N[t * 3 + 2]! - (M[t * 6 + 4]! * gu[t]! + M[t * 6 + 5]! * gv[t]!);
    const len = Math.hypot(x, y, z) || 1;
    out[t * 3] = x / len;
    out[t * 3 + 1] = y / len;
    out[t * 3 + 2] = z / len;
  }
  return out;
}

/**
 * The detail stage's photometric error: RMS (0…1 colour units) of photo − albedo ⊙ shading of the
 * given normals over the texels the photo shows (the observation's evidence mask), with the photo's
 * light — the same mask and light whichever normals are measured (coarse, own detail, swapped detail).
 *
 * ```ts
 * const coarse = detailRms(obs, frames.normal, light);
 * const detailed = detailRms(obs, detailedNormals(texels, frames, D), light);
 * ```
 */
export function detailRms(obs: DetailObservation, normals: ArrayLike<number>, light: ArrayLike<number>): number {
  const f = foldShLight(light), s = new Float64Array(3);
  let se = 0, n = 0;
  for (let t = 0; t < obs.weight.length; t++) {
    if (!obs.weight[t]) continue;
    shadeRgb(f, normals[t * 3]!, normals[t * 3 + 1]!, normals[t * 3 + 2]!, s);
    for (let c = 0; c < 3; c++) se += (obs.photo[t * 3 + c]! - obs.albedo[t * 3 + c]! * s[c]!) ** 2;
    n += 3;
  }
  return n ? Math.sqrt(se / n) : 0;
}

/**
 * The displacement's tilt of the posed normals as a full UV map (size × size × 3, −M·∇D inside the
 * detail region, 0 elsewhere), for the shaded renderer's `detailTilt`.
 *
 * ```ts
 * const { rgb } = renderShadedHead(model, v, n, camera, photo, albedo, light, { detailTilt: { size: 256, tilt: detailTiltMap(texels, frames, D) } });
 * ```
 */
export function detailTiltMap(texels: DetailTexels, frames: TexelFrames, displacement: ArrayLike<number>): Float32Array {
  const K = texels.texel.length, N = texels.size;
  const gu = new Float64Array(K), gv = new Float64Array(K);
  texelGradient(texels, displacement, gu, gv);
  const out = new Float32Array(N * N * 3);
  const M = frames.gradient;
  for (let t = 0; t < K; t++) {
    const o = texels.texel[t]! * 3;
    out[o] = -(M[t * 6]! * gu[t]! + M[t * 6 + 1]! * gv[t]!);
    out[o + 1] = -(M[t * 6 + 2]! * gu[t]! + M[t * 6 + 3]! * gv[t]!);
    out[o + 2] = -(M[t * 6 + 4]! * gu[t]! + M[t * 6 + 5]! * gv[t]!);
  }
  return out;
}
