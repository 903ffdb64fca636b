/**
 * A property of an FBX node, tagged with its binary type code:
 * Y int16, C bool, I int32, F float32, D float64, L int64, S string, R raw bytes,
 * i/l/f/d/b arrays of int32/int64/float32/float64/bool.
 */
export type FbxProperty =
  | { t: 'Y' | 'I' | 'F' | 'D'; v: number }
  | { t: 'C'; v: boolean }
  | { t: 'L'; v: bigint }
  | { t: 'S'; v: string }
  | { t: 'R'; v: Uint8Array }
  | { t: 'i'; v: Int32Array }
  | { t: 'l'; v: BigInt64Array }
  | { t: 'f'; v: Float32Array }
  | { t: 'd'; v: Float64Array }
  | { t: 'b'; v: Uint8Array };

export interface FbxNode {
  name: string;
  props: FbxProperty[];
  children: FbxNode[];
}

/** Shorthands for building node trees. */
export const P = {
  i16: (v: number): FbxProperty => ({ t: 'Y', v }),
  bool: (v: boolean): FbxProperty => ({ t: 'C', v }),
  i32: (v: number): FbxProperty => ({ t: 'I', v }),
  f32: (v: number): FbxProperty => ({ t: 'F', v }),
  f64: (v: number): FbxProperty => ({ t: 'D', v }),
  i64: (v: number | bigint): FbxProperty => ({ t: 'L', v: BigInt(v) }),
  str: (v: string): FbxProperty => ({ t: 'S', v }),
  raw: (v: Uint8Array): FbxProperty => ({ t: 'R', v }),
  i32s: (v: ArrayLike<number>): FbxProperty => ({ t: 'i', v: Int32Array.from(v) }),
  i64s: (v: ArrayLike<number>): FbxProperty => ({ t: 'l', v: BigInt64Array.from(Array.from(v, (x) => BigInt(Math.round(x)))) }),
  f32s: (v: ArrayLike<number>): FbxProperty => ({ t: 'f', v: Float32Array.from(v) }),
  f64s: (v: ArrayLike<number>): FbxProperty => ({ t: 'd', v: Float64Array.from(v) }),
};

/** Builds a node: `node('Version', [P.i32(100)])`, with children. */
export function node(name: string, props: FbxProperty[] = [], children: FbxNode[] = []): FbxNode {
  return { name, props, children };
}

const HEADER = 'Kaydara FBX Binary  \u0000';
// Fixed file id, creation time and footer id that readers (FBX SDK, Blender) accept as a set.
export const FBX_FILE_ID = new Uint8Array([0x28, 0xb3, 0x2a, 0xeb, 0xb6, 0x24, 0xcc, 0xc2, 0xbf, 0xc8, 0xb0, 0x2a, 0xa9, 0x2b, 0xfc, 0xf1]);
export const FBX_CREATION_TIME = '1970-01-01 10:00:00:000';
const FOOTER_ID = [0xfa, 0xbc, 0xab, 0x09, 0xd0, 0xc8, 0xd4, 0x66, 0xb1, 0x76, 0xfb, 0x83, 0x1c, 0xf7, 0x26, 0x7e];
const FOOTER_MAGIC = [0xf8, 0x5a, 0x8c, 0x6a, 0xde, 0xf5, 0xd9, 0x7e, 0xec, 0xe9, 0x0c, 0xe3, 0x75, 0x8f, 0x29, 0x0b];
const NULL_RECORD_SIZE = 13;
/** Arrays at least this long are zlib-compressed (as the FBX SDK does) when a compressor is given. */
const COMPRESS_FROM = 128;

/** zlib-format compression (e.g. Node's `zlib.deflateSync`), injected so core stays platform-free. */
export type ZlibDeflate = (bytes: Uint8Array) => Uint8Array;

class ByteWriter {
  private buf = new Uint8Array(1 << 16);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(v: number) {
    this.ensure(1);
    this.buf[this.length++] = v;
  }
  u32(v: number) {
    this.ensure(4);
    this.view.setUint32(this.length, v, true);
    this.length += 4;
  }
  setU32(at: number, v: number) {
    this.view.setUint32(at, v, true);
  }
  i16(v: number) {
    this.ensure(2);
    this.view.setInt16(this.length, v, true);
    this.length += 2;
  }
  i32(v: number) {
    this.ensure(4);
    this.view.setInt32(this.length, v, true);
    this.length += 4;
  }
  i64(v: bigint) {
    this.ensure(8);
    this.view.setBigInt64(this.length, v, true);
    this.length += 8;
  }
  f32(v: number) {
    this.ensure(4);
    this.view.setFloat32(this.length, v, true);
    this.length += 4;
  }
  f64(v: number) {
    this.ensure(8);
    this.view.setFloat64(this.length, v, true);
    this.length += 8;
  }
  bytes(b: ArrayLike<number>) {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  zeros(n: number) {
    this.ensure(n);
    this.buf.fill(0, this.length, this.length + n);
    this.length += n;
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

const utf8 = (s: string): Uint8Array => {
  // core has no TextEncoder in its lib: encode by hand (names are mostly ASCII).
  const out: number[] = [];
  for (const ch of s) {
    let c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    c = 0;
  }
  return Uint8Array.from(out);
};

function writeArray(w: ByteWriter, p: Extract<FbxProperty, { t: 'i' | 'l' | 'f' | 'd' | 'b' }>, deflate: ZlibDeflate | undefined): void {
  const raw = new Uint8Array(p.v.buffer, p.v.byteOffset, p.v.byteLength);
  w.u32(p.v.length);
  if (deflate && p.v.length >= COMPRESS_FROM) {
    const packed = deflate(raw);
    w.u32(1);
    w.u32(packed.length);
    w.bytes(packed);
  } else {
    w.u32(0);
    w.u32(raw.length);
    w.bytes(raw);
  }
}

function writeProperty(w: ByteWriter, p: FbxProperty, deflate: ZlibDeflate | undefined): void {
  w.u8(p.t.charCodeAt(0));
  switch (p.t) {
    case 'Y': return w.i16(p.v);
    case 'C': return w.u8(p.v ? 1 : 0);
    case 'I': return w.i32(p.v);
    case 'F': return w.f32(p.v);
    case 'D': return w.f64(p.v);
    case 'L': return w.i64(p.v);
    case 'S': {
      const b = utf8(p.v);
      w.u32(b.length);
      return w.bytes(b);
    }
    case 'R':
      w.u32(p.v.length);
      return w.bytes(p.v);
    default:
      return writeArray(w, p, deflate);
  }
}

function writeNode(w: ByteWriter, n: FbxNode, deflate: ZlibDeflate | undefined): void {
  const start = w.length;
  w.u32(0); // end offset, patched below
  w.u32(n.props.length);
  w.u32(0); // property list length, patched below
  const name = utf8(n.name);
  w.u8(name.length);
  w.bytes(name);
  const propsStart = w.length;
  for (const p of n.props) writeProperty(w, p, deflate);
  w.setU32(start + 8, w.length - propsStart);
  // A nested list, and a node with neither properties nor children, end with a null record.
  if (n.children.length || n.props.length === 0) {
    for (const c of n.children) writeNode(w, c, deflate);
    w.zeros(NULL_RECORD_SIZE);
  }
  w.setU32(start, w.length);
}

/**
 * Encodes top-level FBX nodes as a binary FBX 7.4 file (header, records with 32-bit offsets,
 * zlib-compressed arrays, the footer readers check).
 *
 * Arrays are stored raw unless `deflate` is given (pure-JS deflate is too slow for 20 MB of geometry).
 *
 * ```ts
 * const bytes = encodeFbx([node('Creator', [P.str('DECA Studio')])], { deflate: zlib.deflateSync });
 * ```
 */
export function encodeFbx(nodes: readonly FbxNode[], options: { version?: number; deflate?: ZlibDeflate } = {}): Uint8Array {
  const version = options.version ?? 7400;
  const w = new ByteWriter();
  w.bytes(utf8(HEADER));
  w.u8(0x1a);
  w.u8(0x00);
  w.u32(version);
  for (const n of nodes) writeNode(w, n, options.deflate);
  w.zeros(NULL_RECORD_SIZE);
  w.bytes(FOOTER_ID);
  w.zeros(4);
  const pad = ((w.length + 15) & ~15) - w.length;
  w.zeros(pad === 0 ? 16 : pad);
  w.u32(version);
  w.zeros(120);
  w.bytes(FOOTER_MAGIC);
  return w.result();
}
