/** An RGB image, 3 bytes per pixel, row-major, top row first (perception's `RgbImage` fits). */
export interface RgbPixels {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * Bilinear RGB sample (0…255) at a continuous position in the raster convention (pixel i covers
 * [i, i + 1), its centre at i + ½; see `rasterizeTriangles`), clamped to the image, written into
 * `out` at `o` (no allocation: it runs per pixel and per texel).
 *
 * ```ts
 * const rgb = new Float64Array(3); sampleRgb(photo, camera.scale * x + camera.tx, -camera.scale * y + camera.ty, rgb);
 * ```
 */
export function sampleRgb(img: RgbPixels, x: number, y: number, out: Float64Array | number[], o = 0): void {
  const fx0 = x - 0.5, fy0 = y - 0.5;
  const x0 = Math.max(0, Math.min(img.width - 2, Math.floor(fx0))), y0 = Math.max(0, Math.min(img.height - 2, Math.floor(fy0)));
  const fx = Math.min(1, Math.max(0, fx0 - x0)), fy = Math.min(1, Math.max(0, fy0 - y0));
  const d = img.data;
  const i00 = (y0 * img.width + x0) * 3, i01 = i00 + img.width * 3;
  const gx = 1 - fx, gy = 1 - fy;
  out[o] = (d[i00]! * gx + d[i00 + 3]! * fx) * gy + (d[i01]! * gx + d[i01 + 3]! * fx) * fy;
  out[o + 1] = (d[i00 + 1]! * gx + d[i00 + 4]! * fx) * gy + (d[i01 + 1]! * gx + d[i01 + 4]! * fx) * fy;
  out[o + 2] = (d[i00 + 2]! * gx + d[i00 + 5]! * fx) * gy + (d[i01 + 2]! * gx + d[i01 + 5]! * fx) * fy;
}
