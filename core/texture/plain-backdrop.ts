import type { RgbImage } from '../perception/image-warp';

/** A plain backdrop's colour over the photo: per channel a quadratic in the pixel position (a studio wall's vignette). */
export interface Backdrop {
  /** 3 × 6 coefficients of 1, x, y, x², xy, y² with x, y ∈ [−1, 1] across the photo. */
  coefficients: Float64Array;
  width: number;
  height: number;
}

/**
 * A photo's backdrop when it is plain (a studio wall, however vignetted): a quadratic per channel
 * fitted to the pixels along its top edge and the upper halves of its sides, accepted when at least
 * 80 % of them are within 12 RGB units of the fit; null for a busy background (a selfie in a room),
 * where no colour can be told from the person.
 *
 * ```ts
 * const wall = plainBackdrop(photo);
 * const rgb = wall && backdropAt(wall, 675, 300); // e.g. [190, 192, 191] behind the London heads
 * ```
 */
export function plainBackdrop(photo: RgbImage): Backdrop | null {
  const { width: W, height: H, data } = photo;
  const px: number[] = [];
  const step = Math.max(1, Math.floor(Math.max(W, H) / 400));
  for (let x = 0; x < W; x += step) px.push(x);
  for (let y = step; y < H / 2; y += step) px.push(y * W, y * W + W - 1);
  if (px.length < 16) return null;
  const basis = (i: number) => {
    const x = ((i % W) / Math.max(1, W - 1)) * 2 - 1, y = (Math.floor(i / W) / Math.max(1, H - 1)) * 2 - 1;
    return [1, x, y, x * x, x * y, y * y];
  };
  // Normal equations (6 × 6, small ridge), one right-hand side per channel.
  const A = new Float64Array(36), b = new Float64Array(18);
  for (const i of px) {
    const f = basis(i);
    for (let r = 0; r < 6; r++) {
      for (let c = 0; c < 6; c++) A[r * 6 + c] += f[r]! * f[c]!;
      for (let k = 0; k < 3; k++) b[k * 6 + r] += f[r]! * data[i * 3 + k]!;
    }
  }
  for (let r = 0; r < 6; r++) A[r * 6 + r] += 1e-6 * px.length;
  const coefficients = new Float64Array(18);
  for (let k = 0; k < 3; k++) coefficients.set(solve6(A, b.subarray(k * 6, k * 6 + 6)), k * 6);
  const wall: Backdrop = { coefficients, width: W, height: H };
  let near = 0;
  const rgb = new Float64Array(3);
  for (const i of px) {
    backdropAt(wall, i % W, Math.floor(i / W), rgb);
    if (Math.hypot(data[i * 3]! - rgb[0]!, data[i * 3 + 1]! - rgb[1]!, data[i * 3 + 2]! - rgb[2]!) < 12) near++;
  }
  return near >= 0.8 * px.length ? wall : null;
}

/** The backdrop's colour at photo pixel (u, v), into `out` (RGB, 0…255); returns `out`. */
export function backdropAt(wall: Backdrop, u: number, v: number, out: Float64Array = new Float64Array(3)): Float64Array {
  const x = (u / Math.max(1, wall.width - 1)) * 2 - 1, y = (v / Math.max(1, wall.height - 1)) * 2 - 1;
  // The basis 1, x, y, x², xy, y² summed in that order, without an array per call (once per baked texel).
  const xx = x * x, xy = x * y, yy = y * y, c = wall.coefficients;
  for (let k = 0, j = 0; k < 3; k++, j += 6) {
    let s = 0;
    s += c[j]! * 1;
    s += c[j + 1]! * x;
    s += c[j + 2]! * y;
    s += c[j + 3]! * xx;
    s += c[j + 4]! * xy;
    s += c[j + 5]! * yy;
    out[k] = s;
  }
  return out;
}

/** Solves the 6 × 6 system A x = b by Gaussian elimination with partial pivoting. */
function solve6(A0: Float64Array, b0: ArrayLike<number>): Float64Array {
  const A = Float64Array.from(A0), x = Float64Array.from(b0);
  for (let c = 0; c < 6; c++) {
    let p = c;
    for (let r = c + 1; r < 6; r++) if (Math.abs(A[r * 6 + c]!) > Math.abs(A[p * 6 + c]!)) p = r;
    if (p !== c) {
      for (let k = 0; k < 6; k++) [A[c * 6 + k], A[p * 6 + k]] = [A[p * 6 + k]!, A[c * 6 + k]!];
      [x[c], x[p]] = [x[p]!, x[c]!];
    }
    const d = A[c * 6 + c]! || 1e-12;
    for (let r = c + 1; r < 6; r++) {
      const m = A[r * 6 + c]! / d;
      if (!m) continue;
      for (let k = c; k < 6; k++) A[r * 6 + k] -= m * A[c * 6 + k]!;
      x[r] -= m * x[c]!;
    }
  }
  for (let r = 5; r >= 0; r--) {
    let s = x[r]!;
    for (let k = r + 1; k < 6; k++) s -= A[r * 6 + k]! * x[k]!;
    x[r] = s / (A[r * 6 + r]! || 1e-12);
  }
  return x;
}
