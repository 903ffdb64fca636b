import { decodeLatin1, decodeUtf8, encodeLatin1 } from './text-bytes';

/** A decoded numpy array: data widened to Float64Array (floats) or Float64Array of integers. */
export interface NdArray {
  kind: 'ndarray';
  /** numpy type string with byte order, e.g. `<f8`, `<u4`, `<i8`. */
  dtype: string;
  shape: number[];
  /** C-order (row-major) values; float32/float64 keep their exact values. */
  data: Float64Array;
  /** Object arrays (dtype `O`): their items (e.g. the dict inside DECA's `landmark_embedding.npy`). */
  objects?: PickleValue[];
}

/** An instance of one of the allowed classes (chumpy `Ch`, scipy `csc_matrix`), with its pickled state. */
export interface PickledObject {
  kind: 'object';
  cls: string;
  state: unknown;
}

/** Pickle values after loading: plain JS values, byte strings as Uint8Array, tuples as arrays. */
export type PickleValue = null | boolean | number | bigint | string | Uint8Array | PickleValue[] | Map<PickleValue, PickleValue> | NdArray | PickledObject | { kind: 'dtype'; descr: string };

/** The only globals a FLAME pickle needs. Anything else (os.system, builtins.eval …) is refused. */
const ALLOWED = new Set([
  'numpy.core.multiarray._reconstruct',
  'numpy._core.multiarray._reconstruct',
  'numpy.core.multiarray.scalar',
  'numpy.ndarray',
  'numpy.dtype',
  'chumpy.ch.Ch',
  'scipy.sparse.csc.csc_matrix',
  'scipy.sparse._csc.csc_matrix',
  'copy_reg._reconstructor',
  'copyreg._reconstructor',
  '__builtin__.object',
  'builtins.object',
  // chumpy's Ch state holds `_dirty_vars`, a set: built here as a plain list of its items
  '__builtin__.set',
  'builtins.set',
]);

interface GlobalRef {
  kind: 'global';
  name: string;
}

const MARK = Symbol('mark');

/**
 * A pickle reader (protocols 0–3) that builds data, never runs code: it knows the handful of
 * globals in FLAME's model files (numpy arrays and dtypes, chumpy `Ch`, scipy `csc_matrix`,
 * `copy_reg._reconstructor`) and refuses every other global with an error naming it.
 *
 * ```ts
 * const root = readPickle(bytes) as Map<PickleValue, PickleValue>;
 * const faces = root.get('f') as NdArray;
 * ```
 */
export function readPickle(bytes: Uint8Array): PickleValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  let p = 0;
  const need = (n: number) => {
    if (p + n > bytes.length) throw new Error('Pickle is truncated');
  };
  const u8 = () => (need(1), bytes[p++]!);
  const u16 = () => (need(2), (p += 2), view.getUint16(p - 2, true));
  const u32 = () => (need(4), (p += 4), view.getUint32(p - 4, true));
  const take = (n: number) => (need(n), bytes.subarray((p += n) - n, p));
  const line = () => {
    const e = bytes.indexOf(10, p);
    if (e < 0) throw new Error('Pickle is truncated');
    const s = decodeLatin1(bytes.subarray(p, e));
    p = e + 1;
    return s;
  };
  const pop = () => {
    if (!stack.length) throw new Error('Pickle stack underflow');
    return stack.pop();
  };
  const popMark = () => {
    const m = marks.pop();
    if (m === undefined) throw new Error('Pickle has no MARK');
    return stack.splice(m);
  };
  const top = () => stack[stack.length - 1];

  let op = 0;
  try {
    for (;;) {
      op = u8();
      const done = step(op);
      if (done) return done.value;
    }
  } catch (error) {
    // An opcode applied to what is not there (APPEND on a dict, BUILD on a number): a damaged file.
    if (error instanceof TypeError || error instanceof RangeError) {
      throw new Error(`Pickle is damaged: opcode 0x${op.toString(16)} before byte ${p} does not fit the values it works on`);
    }
    throw error;
  }

  function step(op: number): { value: PickleValue } | null {
    switch (op) {
      case 0x80: u8(); break; // PROTO
      case 0x2e: return { value: pop() as PickleValue }; // STOP
      case 0x28: marks.push(stack.length); break; // MARK
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break;
      case 0x89: stack.push(false); break;
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x4a: need(4); stack.push(view.getInt32(p, true)); p += 4; break; // BININT
      case 0x8a: stack.push(longLE(take(u8()))); break; // LONG1
      case 0x47: need(8); stack.push(view.getFloat64(p, false)); p += 8; break; // BINFLOAT (big-endian)
      case 0x49: { const s = line(); stack.push(s === '00' ? false : s === '01' ? true : Number(s)); break; } // INT
      case 0x4c: stack.push(Number(line().replace(/L$/, ''))); break; // LONG
      case 0x46: stack.push(Number(line())); break; // FLOAT
      case 0x55: stack.push(take(u8())); break; // SHORT_BINSTRING (py2 str: bytes)
      case 0x54: stack.push(take(u32())); break; // BINSTRING
      case 0x43: stack.push(take(u8())); break; // SHORT_BINBYTES
      case 0x42: stack.push(take(u32())); break; // BINBYTES
      case 0x58: stack.push(decodeUtf8(take(u32()))); break; // BINUNICODE
      case 0x8c: stack.push(decodeUtf8(take(u8()))); break; // SHORT_BINUNICODE
      case 0x53: stack.push(unquote(line())); break; // STRING
      case 0x56: stack.push(line()); break; // UNICODE (raw-unicode-escape; ASCII in practice)
      case 0x7d: stack.push(new Map()); break; // EMPTY_DICT
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x29: stack.push([]); break; // EMPTY_TUPLE
      case 0x74: stack.push(popMark()); break; // TUPLE
      case 0x85: stack.push([pop()]); break;
      case 0x86: { const b = pop(); stack.push([pop(), b]); break; }
      case 0x87: { const c = pop(), b = pop(); stack.push([pop(), b, c]); break; }
      case 0x6c: stack.push(popMark()); break; // LIST
      case 0x64: { const items = popMark(); const d = new Map(); for (let i = 0; i + 1 < items.length; i += 2) d.set(key(items[i]), items[i + 1]); stack.push(d); break; } // DICT
      case 0x61: { const v = pop(); (top() as unknown[]).push(v); break; } // APPEND
      case 0x65: { const items = popMark(); (top() as unknown[]).push(...items); break; } // APPENDS
      case 0x73: { const v = pop(), k = pop(); (top() as Map<unknown, unknown>).set(key(k), v); break; } // SETITEM
      case 0x75: { const items = popMark(); const d = top() as Map<unknown, unknown>; for (let i = 0; i + 1 < items.length; i += 2) d.set(key(items[i]), items[i + 1]); break; } // SETITEMS
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x70: memo.set(Number(line()), top()); break; // PUT
      case 0x68: stack.push(memoGet(memo, u8())); break; // BINGET
      case 0x6a: stack.push(memoGet(memo, u32())); break; // LONG_BINGET
      case 0x67: stack.push(memoGet(memo, Number(line()))); break; // GET
      case 0x63: { const module = line(), name = line(); stack.push(globalRef(`${module}.${name}`)); break; } // GLOBAL
      case 0x52: { const args = pop(), fn = pop(); stack.push(call(fn, args)); break; } // REDUCE
      case 0x81: { const args = pop(), cls = pop(); stack.push(newObject(cls, args)); break; } // NEWOBJ
      case 0x62: { const state = pop(); build(top(), state); break; } // BUILD
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: stack.push(top()); break; // DUP
      default:
        throw new Error(`Pickle opcode 0x${op.toString(16)} at byte ${p - 1} is not supported`);
    }
    return null;
  }
}

function globalRef(name: string): GlobalRef {
  if (!ALLOWED.has(name)) throw new Error(`Refusing pickle global ${quote(name)}: not part of a head model file (nothing was executed)`);
  return { kind: 'global', name };
}

function isGlobal(v: unknown, ...names: string[]): v is GlobalRef {
  return !!v && typeof v === 'object' && (v as GlobalRef).kind === 'global' && names.some((n) => (v as GlobalRef).name.endsWith(n));
}

function call(fn: unknown, args: unknown): unknown {
  const a = args as unknown[];
  if (isGlobal(fn, 'multiarray._reconstruct')) return { kind: 'ndarray', dtype: '', shape: [], data: new Float64Array(0) } satisfies NdArray;
  if (isGlobal(fn, 'numpy.dtype')) return { kind: 'dtype', descr: bytesToString(a[0]) };
  if (isGlobal(fn, '_reconstructor')) return newObject(a[0], []);
  if (isGlobal(fn, '__builtin__.set', 'builtins.set')) return Array.isArray(a[0]) ? [...(a[0] as unknown[])] : [];
  if (isGlobal(fn, 'multiarray.scalar')) {
    const dt = a[0] as { kind: 'dtype'; descr: string; order?: string };
    const arr = decodeArray(`${dt?.order ?? '<'}${dt?.descr ?? '?'}`, [], a[1] as Uint8Array, false);
    return arr.data[0];
  }
  throw new Error(`Refusing to call ${(fn as GlobalRef)?.name ?? 'a non-global'} while reading a pickle`);
}

function newObject(cls: unknown, _args: unknown): unknown {
  if (isGlobal(cls, 'numpy.ndarray')) return { kind: 'ndarray', dtype: '', shape: [], data: new Float64Array(0) } satisfies NdArray;
  if (isGlobal(cls, 'chumpy.ch.Ch', 'csc_matrix')) return { kind: 'object', cls: (cls as GlobalRef).name, state: null } satisfies PickledObject;
  throw new Error(`Refusing to construct ${(cls as GlobalRef)?.name ?? 'a non-class'} while reading a pickle`);
}

function build(target: unknown, state: unknown): void {
  const t = target as NdArray | PickledObject | { kind: 'dtype'; descr: string };
  if (t?.kind === 'ndarray') {
    // (version, shape, dtype, is_fortran, raw bytes)
    const [, shape, dtype, fortran, raw] = state as [number, number[], { descr: string; order?: string }, boolean, Uint8Array | unknown[]];
    const d = dtype as { descr: string; order?: string };
    if (Array.isArray(raw) && d.descr.startsWith('O')) {
      Object.assign(t, { dtype: `|${d.descr}`, shape: shape.map(Number), data: new Float64Array(0), objects: raw as PickleValue[] });
      return;
    }
    if (!(raw instanceof Uint8Array)) throw new Error('Unsupported numpy array payload in the pickle');
    const decoded = decodeArray(`${d.order ?? '<'}${d.descr ?? '?'}`, shape.map(Number), raw, fortran);
    Object.assign(t, decoded);
  } else if (t?.kind === 'dtype') {
    // (version, byte order, …): keep the byte order for the array that uses this dtype.
    const order = (state as unknown[])[1];
    (t as { order?: string }).order = typeof order === 'string' ? order : bytesToString(order);
  } else if (t?.kind === 'object') t.state = state;
  else throw new Error('Pickle BUILD on an unsupported object');
}

/**
 * Decodes numpy raw bytes (`typestr` like `<f8`, `|u1`) to C-order float64 values.
 *
 * ```ts
 * const a = decodeArray('<f4', [2, 3], bytes, false);
 * ```
 */
export function decodeArray(typestr: string, shape: number[], raw: Uint8Array, fortran: boolean): NdArray {
  if (typeof typestr !== 'string' || !/^[<>|=][fiub][1248]$/.test(typestr)) throw new Error(`numpy dtype ${quote(String(typestr))} is not supported`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new Error('numpy array has a damaged shape');
  let order = typestr[0]!;
  const code = typestr.slice(1);
  if (order === '|' || order === '=') order = '<';
  const n = shape.reduce((a, b) => a * b, 1);
  const size = Number(code.slice(1));
  if (raw.length !== n * size) throw new Error(`numpy array ${typestr}${JSON.stringify(shape)} has ${raw.length} bytes, expected ${n * size}`);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const le = order === '<';
  const data = new Float64Array(n);
  const k = code[0];
  for (let i = 0; i < n; i++) {
    const o = i * size;
    if (k === 'f' && size === 8) data[i] = dv.getFloat64(o, le);
    else if (k === 'f' && size === 4) data[i] = dv.getFloat32(o, le);
    else if (k === 'i' && size === 8) data[i] = Number(dv.getBigInt64(o, le));
    else if (k === 'u' && size === 8) data[i] = Number(dv.getBigUint64(o, le));
    else if (k === 'i' && size === 4) data[i] = dv.getInt32(o, le);
    else if (k === 'u' && size === 4) data[i] = dv.getUint32(o, le);
    else if ((k === 'u' || k === 'b') && size === 1) data[i] = raw[o]!;
    else if (k === 'i' && size === 1) data[i] = dv.getInt8(o);
    else throw new Error(`numpy dtype ${typestr} is not supported`);
  }
  return { kind: 'ndarray', dtype: `${order}${code}`, shape, data: fortran && shape.length > 1 ? fortranToC(data, shape) : data };
}

function fortranToC(src: Float64Array, shape: number[]): Float64Array {
  const out = new Float64Array(src.length);
  const D = shape.length;
  const idx = new Array<number>(D).fill(0);
  for (let c = 0; c < src.length; c++) {
    let f = 0, stride = 1;
    for (let d = 0; d < D; d++) (f += idx[d]! * stride), (stride *= shape[d]!);
    out[c] = src[f]!;
    for (let d = D - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

function longLE(b: Uint8Array): number | bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  if (b.length && b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** Dict keys: Python 2 byte strings become JS strings so `get('f')` works. */
function key(k: unknown): unknown {
  return k instanceof Uint8Array ? bytesToString(k) : k;
}

function bytesToString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return decodeLatin1(v);
  throw new Error('Expected a string in the pickle');
}

function memoGet(memo: Map<number, unknown>, i: number): unknown {
  if (!memo.has(i)) throw new Error(`Pickle memo ${i} is empty`);
  return memo.get(i);
}

/** A name from the file, shown in a message: escaped and cut to 80 characters. */
function quote(name: string): string {
  return JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name);
}

function unquote(s: string): Uint8Array {
  const body = s.slice(1, -1);
  return encodeLatin1(body);
}
