const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
let DECODE: Float32Array | null = null;

/**
 * IEEE half-precision bits of a number, rounded to nearest even (overflow → ±Infinity).
 *
 * ```ts
 * toFloat16Bits(1) === 0x3c00;
 * ```
 */
export function toFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1), mid = 1 << (shift - 1);
    if (rest > mid || (rest === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  return sign | half;
}

/** Lookup table of all 65536 half values as float32 (built once, 256 KiB). */
function decodeTable(): Float32Array {
  if (DECODE) return DECODE;
  DECODE = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const s = h & 0x8000 ? -1 : 1, e = (h >>> 10) & 0x1f, m = h & 0x3ff;
    DECODE[h] = e === 0 ? s * m * 2 ** -24 : e === 0x1f ? (m ? NaN : s * Infinity) : s * (1 + m / 1024) * 2 ** (e - 15);
  }
  return DECODE;
}

/**
 * Encodes float32 values as float16 and reports the largest absolute rounding error, so callers
 * keep float32 where half precision would lose something visible.
 *
 * ```ts
 * const { bits, maxError } = encodeFloat16(basis); if (maxError < 5e-5) write(bits);
 * ```
 */
export function encodeFloat16(values: Float32Array): { bits: Uint16Array; maxError: number } {
  const bits = new Uint16Array(values.length);
  const table = decodeTable();
  let maxError = 0;
  for (let i = 0; i < values.length; i++) {
    const h = toFloat16Bits(values[i]!);
    bits[i] = h;
    const err = Math.abs(table[h]! - values[i]!);
    if (err > maxError || err !== err) maxError = err !== err ? Infinity : err;
  }
  return { bits, maxError };
}

/**
 * Float16 bits back to float32 values.
 *
 * ```ts
 * const basis = decodeFloat16(new Uint16Array(bytes.buffer));
 * ```
 */
export function decodeFloat16(bits: Uint16Array, out = new Float32Array(bits.length)): Float32Array {
  const table = decodeTable();
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]!]!;
  return out;
}
