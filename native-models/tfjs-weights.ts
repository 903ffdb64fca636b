import { readFileSync } from 'node:fs';
import path from 'node:path';

/** One weight tensor read from a TFJS weights manifest, dequantized to float32 (or int32). */
export interface TfjsWeight {
  shape: number[];
  dtype: 'float32' | 'int32';
  data: Float32Array | Int32Array;
}

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; scale?: number; min?: number };
}

interface ManifestGroup {
  paths: string[];
  weights: ManifestEntry[];
}

/**
 * Reads every weight of a TFJS weights manifest (the `weightsManifest` of a graph model, or a
 * face-api `*-weights_manifest.json`) from its `.bin` shards beside it, undoing the 8-bit and
 * float16 quantization the packages ship.
 *
 * ```ts
 * const w = readTfjsWeights(manifest.weightsManifest, '/path/to/models');
 * const fc = w.get('fc/weights');
 * ```
 */
export function readTfjsWeights(groups: readonly ManifestGroup[], dir: string): Map<string, TfjsWeight> {
  const out = new Map<string, TfjsWeight>();
  for (const group of groups) {
    const buffer = Buffer.concat(group.paths.map((p) => readFileSync(path.join(dir, p))));
    let offset = 0;
    for (const w of group.weights) {
      const count = w.shape.reduce((a, b) => a * b, 1);
      const q = w.quantization;
      const bytesPer = q ? (q.dtype === 'float16' ? 2 : q.dtype === 'uint8' ? 1 : q.dtype === 'uint16' ? 2 : 0) : 4;
      if (bytesPer === 0) throw new Error(`weight ${w.name}: unsupported quantization ${q?.dtype}`);
      const end = offset + count * bytesPer;
      if (end > buffer.length) throw new Error(`weight ${w.name}: shard data ends at ${buffer.length} bytes, need ${end}`);
      const view = new DataView(buffer.buffer, buffer.byteOffset + offset, count * bytesPer);
      offset = end;
      if (w.dtype === 'int32' && !q) {
        const data = new Int32Array(count);
        for (let i = 0; i < count; i++) data[i] = view.getInt32(i * 4, true);
        out.set(w.name, { shape: w.shape, dtype: 'int32', data });
        continue;
      }
      if (w.dtype !== 'float32') throw new Error(`weight ${w.name}: unsupported dtype ${w.dtype}`);
      const data = new Float32Array(count);
      if (!q) for (let i = 0; i < count; i++) data[i] = view.getFloat32(i * 4, true);
      else if (q.dtype === 'float16') for (let i = 0; i < count; i++) data[i] = float16ToFloat32(view.getUint16(i * 2, true));
      else {
        const scale = q.scale ?? 1;
        const min = q.min ?? 0;
        // Same arithmetic as tfjs (value * scale + min in double, stored as float32): identical weights.
        for (let i = 0; i < count; i++) data[i] = (bytesPer === 1 ? view.getUint8(i) : view.getUint16(i * 2, true)) * scale + min;
      }
      out.set(w.name, { shape: w.shape, dtype: 'float32', data });
    }
  }
  return out;
}

/** IEEE 754 half precision to single precision. */
export function float16ToFloat32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}
