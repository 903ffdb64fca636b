/**
 * Decodes base64 of little-endian binary into a typed array (the API's mesh arrays).
 *
 * ```ts
 * const positions = decodeBase64(mesh.positions, Float32Array);
 * ```
 */
export function decodeBase64<T extends Float32Array | Uint32Array | Int16Array | Int32Array | Uint8Array>(b64: string, Ctor: new (buffer: ArrayBuffer) => T): T {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Ctor(bytes.buffer);
}
