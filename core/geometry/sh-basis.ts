/**
 * DECA's spherical-harmonics shading: 9 bands per colour channel (27 coefficients, band-major:
 * [band0 r, g, b, band1 r, g, b, …]), each band scaled by the Lambertian convolution constant DECA
 * uses, so coefficients are interchangeable with DECA's `light` output.
 */
const PI = Math.PI;
const C0 = 1 / Math.sqrt(4 * PI);
const C1 = ((2 * PI) / 3) * Math.sqrt(3 / (4 * PI));
const C2 = (PI / 4) * 3 * Math.sqrt(5 / (12 * PI));
const C3 = (PI / 4) * (3 / 2) * Math.sqrt(5 / (12 * PI));
const C4 = (PI / 4) * (1 / 2) * Math.sqrt(5 / (4 * PI));

/** The per-band scale factors (band 0…8). */
export const SH_CONSTANTS: readonly number[] = [C0, C1, C1, C1, C2, C2, C2, C3, C4];

/**
 * The 9 scaled SH basis values of a unit normal, written into `out` at `o` (no allocation: the
 * lighting fit runs it per sample). To shade, fold the light once instead (see {@link shadeRgb}).
 *
 * ```ts
 * const b = new Float64Array(9); shBasis(0, 0, 1, b, 0);
 * ```
 */
export function shBasis(nx: number, ny: number, nz: number, out: Float64Array, o = 0): void {
  out[o] = C0;
  out[o + 1] = C1 * nx;
  out[o + 2] = C1 * ny;
  out[o + 3] = C1 * nz;
  out[o + 4] = C2 * (nx * ny);
  out[o + 5] = C2 * (nx * nz);
  out[o + 6] = C2 * (ny * nz);
  out[o + 7] = C3 * (nx * nx - ny * ny);
  out[o + 8] = C4 * (3 * nz * nz - 1);
}

/**
 * 27 SH coefficients with the band constants folded in, channel-major (r: 9, g: 9, b: 9), so that
 * shading a normal ({@link shadeRgb}) is a few multiply-adds — fold once per light, shade per pixel
 * or texel.
 *
 * ```ts
 * const f = foldShLight(light); shadeRgb(f, nx, ny, nz, rgb);
 * ```
 */
export function foldShLight(light: ArrayLike<number>): Float64Array {
  const f = new Float64Array(27);
  for (let c = 0; c < 3; c++) for (let k = 0; k < 9; k++) f[c * 9 + k] = light[k * 3 + c]! * SH_CONSTANTS[k]!;
  return f;
}

/**
 * Shading (r, g, b) of a unit normal under folded coefficients (see {@link foldShLight}), written
 * into `out` at `o` (no allocation: it runs per pixel and per texel).
 *
 * ```ts
 * const rgb = new Float64Array(3); shadeRgb(foldShLight(light), 0, 0, 1, rgb);
 * ```
 */
export function shadeRgb(f: Float64Array, nx: number, ny: number, nz: number, out: Float64Array, o = 0): void {
  const xy = nx * ny, xz = nx * nz, yz = ny * nz, xx = nx * nx - ny * ny, zz = 3 * nz * nz - 1;
  for (let c = 0, k = 0; c < 3; c++, k += 9) {
    out[o + c] = f[k]! + f[k + 1]! * nx + f[k + 2]! * ny + f[k + 3]! * nz + f[k + 4]! * xy + f[k + 5]! * xz + f[k + 6]! * yz + f[k + 7]! * xx + f[k + 8]! * zz;
  }
}

/**
 * The derivative of the shading of {@link shadeRgb} with respect to the normal: a 3×3 block, row c
 * = ∂(shading of channel c)/∂(nx, ny, nz), written into `out` at `o`. A surface detail that tilts
 * the normal by δn changes channel c's shading by row c · δn (the detail stage's linearisation).
 *
 * ```ts
 * const g = new Float64Array(9); shadeGradientRgb(foldShLight(light), 0, 0, 1, g);
 * ```
 */
export function shadeGradientRgb(f: Float64Array, nx: number, ny: number, nz: number, out: Float64Array, o = 0): void {
  for (let c = 0, k = 0; c < 3; c++, k += 9) {
    out[o + c * 3] = f[k + 1]! + f[k + 4]! * ny + f[k + 5]! * nz + 2 * f[k + 7]! * nx;
    out[o + c * 3 + 1] = f[k + 2]! + f[k + 4]! * nx + f[k + 6]! * nz - 2 * f[k + 7]! * ny;
    out[o + c * 3 + 2] = f[k + 3]! + f[k + 5]! * nx + f[k + 6]! * ny + 6 * f[k + 8]! * nz;
  }
}

/**
 * Shading (r, g, b) of a unit normal under 27 SH coefficients (times albedo gives the colour).
 *
 * ```ts
 * const [r, g, b] = shShade(light, 0, 0, 1);
 * ```
 */
export function shShade(light: ArrayLike<number>, nx: number, ny: number, nz: number): [number, number, number] {
  const out = new Float64Array(3);
  shadeRgb(foldShLight(light), nx, ny, nz, out);
  return [out[0]!, out[1]!, out[2]!];
}
