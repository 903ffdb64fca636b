type Typed = Float32Array | Float64Array | Int32Array | Uint32Array | Uint8Array | Int16Array | Uint16Array | Int8Array | Uint8ClampedArray;

/**
 * A deep copy of plain data whose typed arrays live in SharedArrayBuffers, so that posting it to a
 * worker thread shares the bytes instead of copying them: a head model, its fit tables or a decoded
 * photo is then held once per process however many workers read it. Arrays already shared are kept;
 * Node Buffers are left as they are (they are small: PNGs, names).
 *
 * ```ts
 * const model = toShared(decodedModel);
 * worker.postMessage({ model }); // no copy of the bases
 * ```
 */
export function toShared<T>(value: T): T {
  return share(value, new Map()) as T;
}

function share(value: unknown, seen: Map<object, unknown>): unknown {
  if (value === null || typeof value !== 'object') return value;
  const done = seen.get(value);
  if (done !== undefined) return done;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const a = value as Typed;
    if (a.buffer instanceof SharedArrayBuffer || Buffer.isBuffer(a)) return a;
    const Ctor = a.constructor as { new (b: SharedArrayBuffer, o: number, n: number): Typed };
    const out = new Ctor(new SharedArrayBuffer(a.byteLength), 0, a.length);
    out.set(a);
    seen.set(value, out);
    return out;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const v of value) out.push(share(v, seen));
    return out;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  for (const [k, v] of Object.entries(value)) out[k] = share(v, seen);
  return out;
}

/** Bytes held in SharedArrayBuffers by a value (for the model service's accounting and tests). */
export function sharedBytes(value: unknown, seen = new Set<unknown>()): number {
  if (value === null || typeof value !== 'object' || seen.has(value)) return 0;
  seen.add(value);
  if (ArrayBuffer.isView(value)) return value.buffer instanceof SharedArrayBuffer ? value.byteLength : 0;
  let n = 0;
  for (const v of Array.isArray(value) ? value : Object.values(value)) n += sharedBytes(v, seen);
  return n;
}
