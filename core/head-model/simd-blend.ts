/**
 * The blendshape sum out += Σ w_k·B_k in WebAssembly SIMD (f32x4), four modes per pass. The
 * loop is memory-bound; SIMD does the arithmetic of four floats per instruction where V8's scalar
 * code widens every float32 to float64. The module is hand-assembled below (one function):
 *
 *   (func (export "blend4") (param $out i32) (param $b0 i32) (param $coef i32) (param $bytes i32)
 *     ;; w0…w3 = splat(coef[0…3]); b1 = b0 + bytes, b2 = b1 + bytes, b3 = b2 + bytes
 *     (loop $i (br_if $done (i >= bytes))
 *       (v128.store (out + i) (out[i] + w0·b0[i] + w1·b1[i] + w2·b2[i] + w3·b3[i]))   ;; f32x4
 *       (i += 16)))
 *
 * Core has no WebAssembly typings (lib ES2022 only), so the few calls used are typed here.
 */
interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: SimdExports };
}
type Kernel = (out: number, b0: number, coef: number, bytes: number) => void;
interface SimdExports {
  blend4: Kernel;
  blend4q: Kernel;
  memory: WasmMemory;
}

const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
const simd = (op: number) => (op < 0x80 ? [0xfd, op] : [0xfd, (op & 0x7f) | 0x80, op >> 7]);
const F32X4_SPLAT = 0x13, F32X4_ADD = 0xe4, F32X4_MUL = 0xe6, V128_LOAD = 0x00, V128_STORE = 0x0b;
const loadV = [...simd(V128_LOAD), 4, 0];
// out[i] += w·b[i] for weight local w and row pointer local b (out[i] already on the stack)
const term = (w: number, b: number) => [...get(w), ...get(b), ...get(4), 0x6a, ...loadV, ...simd(F32X4_MUL), ...simd(F32X4_ADD)];

const BODY = [
  // locals: i (i32) = 4; w0…w3 (v128) = 5…8; b1…b3 (i32) = 9…11
  3, 1, 0x7f, 4, 0x7b, 3, 0x7f,
  ...[0, 4, 8, 12].flatMap((off, k) => [...get(2), 0x2a, 2, off, ...simd(F32X4_SPLAT), ...set(5 + k)]),
  ...get(1), ...get(3), 0x6a, ...set(9),
  ...get(9), ...get(3), 0x6a, ...set(10),
  ...get(10), ...get(3), 0x6a, ...set(11),
  0x41, 0, ...set(4),
  0x02, 0x40, 0x03, 0x40,
  ...get(4), ...get(3), 0x4f, 0x0d, 1,
  ...get(0), ...get(4), 0x6a, // store address
  ...get(0), ...get(4), 0x6a, ...loadV,
  ...term(5, 1), ...term(6, 9), ...term(7, 10), ...term(8, 11),
  ...simd(V128_STORE), 4, 0,
  ...get(4), 0x41, 16, 0x6a, ...set(4),
  0x0c, 0, 0x0b, 0x0b,
  0x0b,
];

// blend4q: the same over int16 rows (8 values per 16-byte load, each half widened to f32x4);
// the caller folds each row's scale into its weight. $bytes counts input (int16) bytes per row.
const I32X4_EXTEND_LOW_I16X8_S = 0xa7, I32X4_EXTEND_HIGH_I16X8_S = 0xa8, F32X4_CONVERT_I32X4_S = 0xfa;
const qterm = (w: number, v: number, extend: number) => [...get(w), ...get(v), ...simd(extend), ...simd(F32X4_CONVERT_I32X4_S), ...simd(F32X4_MUL), ...simd(F32X4_ADD)];
const BODY_Q = [
  // locals: i = 4; w0…w3 = 5…8; b1…b3 = 9…11; v0…v3 (v128) = 12…15; o (i32) = 16
  5, 1, 0x7f, 4, 0x7b, 3, 0x7f, 4, 0x7b, 1, 0x7f,
  ...[0, 4, 8, 12].flatMap((off, k) => [...get(2), 0x2a, 2, off, ...simd(F32X4_SPLAT), ...set(5 + k)]),
  ...get(1), ...get(3), 0x6a, ...set(9),
  ...get(9), ...get(3), 0x6a, ...set(10),
  ...get(10), ...get(3), 0x6a, ...set(11),
  0x41, 0, ...set(4),
  0x02, 0x40, 0x03, 0x40,
  ...get(4), ...get(3), 0x4f, 0x0d, 1,
  ...get(0), ...get(4), ...get(4), 0x6a, 0x6a, ...set(16), // o = out + 2·i
  ...[1, 9, 10, 11].flatMap((b, k) => [...get(b), ...get(4), 0x6a, ...loadV, ...set(12 + k)]),
  ...get(16), ...get(16), ...loadV,
  ...[0, 1, 2, 3].flatMap((k) => qterm(5 + k, 12 + k, I32X4_EXTEND_LOW_I16X8_S)),
  ...simd(V128_STORE), 4, 0,
  ...get(16), ...get(16), ...simd(V128_LOAD), 4, 16,
  ...[0, 1, 2, 3].flatMap((k) => qterm(5 + k, 12 + k, I32X4_EXTEND_HIGH_I16X8_S)),
  ...simd(V128_STORE), 4, 16,
  ...get(4), 0x41, 16, 0x6a, ...set(4),
  0x0c, 0, 0x0b, 0x0b,
  0x0b,
];

const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const section = (id: number, bytes: number[]) => [id, ...leb(bytes.length), ...bytes];
const name = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];

const MODULE = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, [1, 0x60, 4, 0x7f, 0x7f, 0x7f, 0x7f, 0]),
  ...section(3, [2, 0, 0]),
  ...section(5, [1, 0, 1]),
  ...section(7, [3, ...name('blend4'), 0, 0, ...name('blend4q'), 0, 1, ...name('memory'), 2, 0]),
  ...section(10, [2, ...leb(BODY.length), ...BODY, ...leb(BODY_Q.length), ...BODY_Q]),
]);

/** A region of the SIMD module's memory. */
export interface SimdBuffer {
  /** Byte offset in the module's memory (16-aligned). */
  offset: number;
  /** A view; valid until the memory grows (the arena grows it only in `reserve`). */
  view: Float32Array;
  /** The view of an int16 buffer (then `view` is empty). */
  int16?: Int16Array;
}

/**
 * One WebAssembly instance with its own memory, laid out once by `reserve`, then used by
 * `blend`. `SimdArena.create()` returns null where WebAssembly SIMD is unavailable, and callers
 * fall back to the scalar kernel.
 *
 * ```ts
 * const arena = SimdArena.create();
 * const [out, basis] = arena!.reserve([n, 4 * n]);
 * arena!.blend4(out, basis, [0.5, 0, 0, 1], n);
 * ```
 */
export class SimdArena {
  /** Bytes 0…15 hold the four weights of the current call. */
  private coefView: Float32Array;
  private used = 16;
  private constructor(private readonly exports: SimdExports) {
    this.coefView = new Float32Array(exports.memory.buffer, 0, 4);
  }

  static create(): SimdArena | null {
    const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    if (!wasm || !wasm.validate(MODULE)) return null;
    const instance = new wasm.Instance(new wasm.Module(MODULE), {});
    return new SimdArena(instance.exports);
  }

  /** Allocates buffers of floats (or int16 where `int16[i]`), lengths rounded up to multiples of 8, and returns their views. */
  reserve(lengths: number[], int16: boolean[] = []): SimdBuffer[] {
    const offsets = lengths.map((len, i) => {
      const o = this.used;
      this.used += Math.ceil(len / 8) * (int16[i] ? 16 : 32);
      return o;
    });
    const mem = this.exports.memory;
    const need = Math.ceil(this.used / 65536) - mem.buffer.byteLength / 65536;
    if (need > 0) mem.grow(need);
    this.coefView = new Float32Array(mem.buffer, 0, 4);
    return offsets.map((offset, i) => {
      const len = Math.ceil(lengths[i]! / 8) * 8;
      return int16[i] ? { offset, view: new Float32Array(0), int16: new Int16Array(mem.buffer, offset, len) } : { offset, view: new Float32Array(mem.buffer, offset, len) };
    });
  }

  /** out[0…n) += Σ_{k<4} w_k · rows[k][0…n) where the four rows follow each other `n` floats apart (n a multiple of 4). */
  blend4(out: SimdBuffer, rows: number, w0: number, w1: number, w2: number, w3: number, n: number): void {
    const c = this.coefView;
    c[0] = w0; c[1] = w1; c[2] = w2; c[3] = w3;
    this.exports.blend4(out.offset, rows, 0, Math.ceil(n / 4) * 16);
  }

  /** The same over int16 rows `n` values apart (n a multiple of 8); fold each row's scale into its weight. */
  blend4q(out: SimdBuffer, rows: number, w0: number, w1: number, w2: number, w3: number, n: number): void {
    const c = this.coefView;
    c[0] = w0; c[1] = w1; c[2] = w2; c[3] = w3;
    this.exports.blend4q(out.offset, rows, 0, Math.ceil(n / 8) * 16);
  }
}
