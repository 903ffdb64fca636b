import { zlibSync } from 'fflate';
import type { ZlibDeflate } from './fbx/fbx-binary';

/** A raster image: 8-bit RGB/RGBA or 16-bit greyscale (displacement maps). */
export interface RasterImage {
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  /** Row-major samples; Uint16Array means 16-bit samples. */
  data: Uint8Array | Uint16Array;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

export interface EncodePngOptions {
  /**
   * zlib-format compressor (Node: `(b) => zlib.deflateSync(b, { level: 1 })`): native zlib encodes a
   * 1024² normal map in ~4 ms (level 1) where the pure-JS default (fflate, level 6) takes ~60–120 ms.
   */
  deflate?: ZlibDeflate;
}

/**
 * Encodes a PNG (no filtering) in pure TypeScript, so core can write textures without a platform
 * image library: 8-bit grey/RGB/RGBA, or 16-bit when `data` is a Uint16Array (e.g. a displacement
 * map as 16-bit greyscale). Compressed with fflate (zlib level 6) unless a `deflate` is injected.
 *
 * ```ts
 * const png = encodePng({ width: 2, height: 1, channels: 3, data: new Uint8Array([255, 0, 0, 0, 0, 255]) });
 * const fast = encodePng(image, { deflate: (b) => deflateSync(b, { level: 1 }) });
 * ```
 */
export function encodePng(image: RasterImage, options: EncodePngOptions = {}): Uint8Array {
  const { width, height, channels, data } = image;
  const sixteen = data instanceof Uint16Array;
  if (data.length !== width * height * channels) throw new Error(`image data has ${data.length} samples, expected ${width}×${height}×${channels}`);
  const bytesPerPixel = channels * (sixteen ? 2 : 1);
  const stride = width * bytesPerPixel;
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (stride + 1);
    raw[row] = 0; // filter: none
    if (sixteen) {
      for (let i = 0; i < width * channels; i++) {
        const v = data[y * width * channels + i]!;
        raw[row + 1 + i * 2] = v >> 8; // PNG stores 16-bit samples big-endian
        raw[row + 2 + i * 2] = v & 0xff;
      }
    } else {
      raw.set((data as Uint8Array).subarray(y * stride, (y + 1) * stride), row + 1);
    }
  }
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr[8] = sixteen ? 16 : 8;
  ihdr[9] = channels === 1 ? 0 : channels === 3 ? 2 : 6;
  const signature = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const parts = [signature, chunk('IHDR', ihdr), chunk('IDAT', options.deflate ? options.deflate(raw) : zlibSync(raw, { level: 6 })), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
