import { zipSync, type Zippable } from 'fflate';

/**
 * A zip whose central directory lies: every entry named `name` declares `size` inflated bytes (and
 * `compressedSize` when given), as a zip bomb's header would. The data itself is left as it is.
 */
export function zipWithDeclaredSize(files: Zippable, name: string, size: number, compressedSize?: number): Uint8Array {
  const zip = zipSync(files);
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  for (let p = 0; p + 46 <= zip.length; p++) {
    if (view.getUint32(p, true) !== 0x02014b50) continue;
    const nameLen = view.getUint16(p + 28, true);
    const entryName = Buffer.from(zip.subarray(p + 46, p + 46 + nameLen)).toString('utf8');
    if (entryName !== name) continue;
    view.setUint32(p + 24, size >>> 0, true);
    if (compressedSize !== undefined) view.setUint32(p + 20, compressedSize >>> 0, true);
  }
  return zip;
}
