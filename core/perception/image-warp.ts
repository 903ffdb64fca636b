/** A decoded RGB image, 8 bits per channel, rows top to bottom (3 bytes per pixel, no padding). */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * A 2-D similarity/affine map from image coordinates to crop coordinates:
 * x' = a·x + b·y + tx, y' = c·x + d·y + ty. Coordinates are continuous: pixel (i, j) covers
 * [i, i+1) × [j, j+1), so its centre is (i + 0.5, j + 0.5).
 */
export interface Affine2D {
  a: number;
  b: number;
  c: number;
  d: number;
  tx: number;
  ty: number;
}

/** Applies `m` to a point. */
export function applyAffine(m: Affine2D, x: number, y: number): [number, number] {
  return [m.a * x + m.b * y + m.tx, m.c * x + m.d * y + m.ty];
}

/** The inverse map (crop → image); throws for a singular map. */
export function invertAffine(m: Affine2D): Affine2D {
  const det = m.a * m.d - m.b * m.c;
  if (Math.abs(det) < 1e-12) throw new Error('invertAffine: singular transform');
  const a = m.d / det;
  const b = -m.b / det;
  const c = -m.c / det;
  const d = m.a / det;
  return { a, b, c, d, tx: -(a * m.tx + b * m.ty), ty: -(c * m.tx + d * m.ty) };
}

/**
 * The similarity that maps a square of side `size` centred on (cx, cy), rotated by `angle` radians
 * (clockwise in the image, y down), onto an `out`×`out` crop.
 *
 * ```ts
 * const m = squareCrop(cx, cy, 300, 112); // 300-pixel square → 112×112 crop
 * ```
 */
export function squareCrop(cx: number, cy: number, size: number, out: number, angle = 0): Affine2D {
  if (!(size > 0) || !Number.isFinite(size) || !Number.isFinite(cx) || !Number.isFinite(cy)) {
    throw new Error(`squareCrop: a ${size}-pixel square at (${cx}, ${cy}) cannot be cropped`);
  }
  const s = out / size;
  const cos = Math.cos(angle) * s;
  const sin = Math.sin(angle) * s;
  // Rotate by -angle around the centre (so a face tilted by `angle` comes out upright), scale, recentre.
  return { a: cos, b: sin, c: -sin, d: cos, tx: out / 2 - (cos * cx + sin * cy), ty: out / 2 - (-sin * cx + cos * cy) };
}

export interface WarpOptions {
  /** Output value = pixel · scale + offset (e.g. 1/127.5 and -1 for a -1..1 model input). */
  scale?: number;
  offset?: number;
  /** Value of the border outside the image, in 0..255 units before scale/offset. */
  border?: number;
}

export const WARP_DEFAULTS = { scale: 1, offset: 0, border: 0 };

/**
 * Warps `image` through `m` (image → crop) into an `outW`×`outH` float32 NHWC tensor (RGB),
 * sampling bilinearly at each output pixel centre.
 *
 * ```ts
 * const tensor = warpToTensor(image, squareCrop(cx, cy, size, 112), 112, 112);
 * ```
 */
export function warpToTensor(image: RgbImage, m: Affine2D, outW: number, outH: number, options: WarpOptions = {}): Float32Array {
  const { scale, offset, border } = { ...WARP_DEFAULTS, ...options };
  const inv = invertAffine(m);
  const out = new Float32Array(outW * outH * 3);
  const { width: w, height: h, data } = image;
  const fill = border * scale + offset;
  for (let y = 0; y < outH; y++) {
    const py = y + 0.5;
    for (let x = 0; x < outW; x++) {
      const px = x + 0.5;
      // Source position in pixel-index space (centre of pixel i at i).
      const sx = inv.a * px + inv.b * py + inv.tx - 0.5;
      const sy = inv.c * px + inv.d * py + inv.ty - 0.5;
      const o = (y * outW + x) * 3;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      if (x0 < -1 || y0 < -1 || x0 >= w || y0 >= h) {
        out[o] = out[o + 1] = out[o + 2] = fill;
        continue;
      }
      const fx = sx - x0;
      const fy = sy - y0;
      const w00 = (1 - fx) * (1 - fy);
      const w10 = fx * (1 - fy);
      const w01 = (1 - fx) * fy;
      const w11 = fx * fy;
      if (x0 >= 0 && y0 >= 0 && x0 + 1 < w && y0 + 1 < h) {
        const i00 = (y0 * w + x0) * 3;
        const i01 = i00 + w * 3;
        for (let ch = 0; ch < 3; ch++) {
          out[o + ch] = (data[i00 + ch]! * w00 + data[i00 + 3 + ch]! * w10 + data[i01 + ch]! * w01 + data[i01 + 3 + ch]! * w11) * scale + offset;
        }
        continue;
      }
      for (let ch = 0; ch < 3; ch++) {
        const p = (xx: number, yy: number) => (xx < 0 || yy < 0 || xx >= w || yy >= h ? border : data[(yy * w + xx) * 3 + ch]!);
        out[o + ch] = (p(x0, y0) * w00 + p(x0 + 1, y0) * w10 + p(x0, y0 + 1) * w01 + p(x0 + 1, y0 + 1) * w11) * scale + offset;
      }
    }
  }
  return out;
}

/** Rounds a float RGB tensor (0..255 units) back to bytes, e.g. to save a crop. */
export function tensorToRgb(tensor: Float32Array, width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = Math.max(0, Math.min(255, Math.round(tensor[i]!)));
  return { width, height, data };
}

/**
 * Halving levels of an image (level 0 is the image), so that a crop much smaller than its source is
 * sampled from a level near its own scale instead of aliasing.
 *
 * ```ts
 * const pyramid = buildPyramid(image, 64); // stop when the next level would be under 64 pixels
 * const chip = warpFromPyramid(pyramid, squareCrop(cx, cy, 600, 112), 112, 112);
 * ```
 */
export function buildPyramid(image: RgbImage, minSide = 64): RgbImage[] {
  const levels = [image];
  for (let top = image; Math.min(top.width, top.height) >= 2 * minSide; ) {
    top = halve(top);
    levels.push(top);
  }
  return levels;
}

/** 2×2 box average (odd last row/column dropped). */
function halve(img: RgbImage): RgbImage {
  const width = img.width >> 1;
  const height = img.height >> 1;
  const data = new Uint8Array(width * height * 3);
  const src = img.data;
  const stride = img.width * 3;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * 2 * stride + x * 6;
      const o = (y * width + x) * 3;
      for (let ch = 0; ch < 3; ch++) data[o + ch] = (src[i + ch]! + src[i + 3 + ch]! + src[i + stride + ch]! + src[i + stride + 3 + ch]! + 2) >> 2;
    }
  }
  return { width, height, data };
}

/** `warpToTensor` from the pyramid level whose resolution is closest above the crop's. */
export function warpFromPyramid(levels: readonly RgbImage[], m: Affine2D, outW: number, outH: number, options: WarpOptions = {}): Float32Array {
  const srcPerDst = 1 / Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
  const level = Math.max(0, Math.min(levels.length - 1, Math.floor(Math.log2(srcPerDst))));
  const k = 2 ** level;
  // A level-L pixel coordinate is the level-0 coordinate divided by 2^L.
  const mLevel: Affine2D = { a: m.a * k, b: m.b * k, c: m.c * k, d: m.d * k, tx: m.tx, ty: m.ty };
  return warpToTensor(levels[level]!, mLevel, outW, outH, options);
}
