import { decodeArray, readPickle, type NdArray } from './pickle-read';
import { decodeLatin1 } from './text-bytes';

/**
 * Reads a NumPy `.npy` file: numeric arrays directly, object arrays (`allow_pickle`) through the
 * safe {@link readPickle}, so nothing in the file is ever executed.
 *
 * ```ts
 * const emb = readNpy(bytes); // DECA's landmark_embedding.npy: emb.objects[0] is a dict
 * ```
 */
export function readNpy(bytes: Uint8Array): NdArray {
  if (bytes.length < 10 || bytes[0] !== 0x93 || decodeLatin1(bytes.subarray(1, 6)) !== 'NUMPY') throw new Error('Not a .npy file');
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = decodeLatin1(bytes.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined) throw new Error('Unreadable .npy header');
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const body = bytes.subarray(start + headerLen);
  if (descr.includes('O')) {
    const value = readPickle(body);
    if (!value || typeof value !== 'object' || !('kind' in value) || value.kind !== 'ndarray') throw new Error('The .npy object payload is not an array');
    return value;
  }
  return decodeArray(descr, shape, body.subarray(0, shape.reduce((a, b) => a * b, 1) * Number(descr.slice(2))), fortran);
}
