import { inflateSync } from 'fflate';
import { formatBytes, INPUT_LIMITS, LimitError, type InputLimits } from '../limits/input-limits';
import { decodeUtf8 } from './text-bytes';

/** One file in a ZIP archive (folders are left out). */
export interface ZipEntry {
  /** Normalised path inside the archive, `/`-separated, never absolute, never with `..`. */
  name: string;
  size: number;
  compressedSize: number;
  method: number;
  crc32: number;
  /** Offset of the local header. */
  offset: number;
}

/** A ZIP archive held in memory: entries are listed (and their names vetted) up front, read on demand. */
export interface ZipArchive {
  entries: ZipEntry[];
  /** The entry's bytes (stored or deflated), CRC-checked. */
  read(entry: ZipEntry): Uint8Array;
}

/** How much an archive may inflate to; see {@link INPUT_LIMITS}. */
export type ZipReadOptions = Pick<InputLimits, 'zipEntryBytes' | 'zipTotalBytes' | 'zipRatio' | 'zipRatioFloorBytes' | 'zipEntries'>;

export const ZIP_READ_DEFAULTS: ZipReadOptions = {
  zipEntryBytes: INPUT_LIMITS.zipEntryBytes,
  zipTotalBytes: INPUT_LIMITS.zipTotalBytes,
  zipRatio: INPUT_LIMITS.zipRatio,
  zipRatioFloorBytes: INPUT_LIMITS.zipRatioFloorBytes,
  zipEntries: INPUT_LIMITS.zipEntries,
};

/**
 * Lists a ZIP archive from its central directory. Every name is checked before anything is read:
 * absolute paths, drive letters, backslashes and `..` segments (zip-slip) are refused with an error
 * that names the entry, so a caller that only writes after `readZip` returns writes nothing. So are
 * zip bombs: sizes and ratios come from the central directory and are checked against the limits before
 * a byte is inflated, and inflating never writes past the size an entry declares.
 *
 * ```ts
 * const zip = readZip(bytes);
 * const obj = zip.read(zip.entries.find((e) => e.name.endsWith('generic_neutral_mesh.obj'))!);
 * ```
 */
export function readZip(bytes: Uint8Array, options: Partial<ZipReadOptions> = {}): ZipArchive {
  const limits = { ...INPUT_LIMITS, ...ZIP_READ_DEFAULTS, ...options };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('Not a ZIP archive (no end-of-central-directory record)');
  const count = view.getUint16(eocd + 10, true);
  const cdOffset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || cdOffset === 0xffffffff) throw new Error('ZIP64 archives are not supported');
  if (count > limits.zipEntries) throw new LimitError('zipEntries', `The ZIP archive lists ${count} entries`, limits);
  const entries: ZipEntry[] = [];
  let total = 0;
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== 0x02014b50) throw new Error('Corrupt ZIP central directory');
    const flags = view.getUint16(p + 8, true);
    const method = view.getUint16(p + 10, true);
    const crc32 = view.getUint32(p + 16, true);
    const compressedSize = view.getUint32(p + 20, true);
    const size = view.getUint32(p + 24, true);
    const nameLen = view.getUint16(p + 28, true), extraLen = view.getUint16(p + 30, true), commentLen = view.getUint16(p + 32, true);
    const offset = view.getUint32(p + 42, true);
    if (p + 46 + nameLen > bytes.length) throw new Error('Corrupt ZIP central directory (entry name past the end)');
    const raw = decodeUtf8(bytes.subarray(p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
    const name = safeEntryName(raw);
    if (flags & 1) throw new Error(`ZIP entry "${raw}" is encrypted`);
    if (name.endsWith('/')) continue;
    checkInflatedSize(raw, size, compressedSize, (total += size), limits);
    entries.push({ name, size, compressedSize, method, crc32, offset });
  }
  return {
    entries,
    read(entry) {
      const o = entry.offset;
      if (o + 30 > bytes.length || view.getUint32(o, true) !== 0x04034b50) throw new Error(`Corrupt ZIP local header for "${entry.name}"`);
      const start = o + 30 + view.getUint16(o + 26, true) + view.getUint16(o + 28, true);
      if (start + entry.compressedSize > bytes.length) throw new Error(`ZIP entry "${entry.name}" is truncated`);
      const data = bytes.subarray(start, start + entry.compressedSize);
      let out: Uint8Array;
      if (entry.method === 0) out = data;
      // A buffer of the declared size: data that inflates to more is cut there and fails the CRC below.
      else if (entry.method === 8) out = inflateEntry(entry.name, data, entry.size);
      else throw new Error(`ZIP entry "${entry.name}" uses unsupported compression method ${entry.method}`);
      if (out.length !== entry.size || crc32(out) !== entry.crc32) throw new Error(`ZIP entry "${entry.name}" is corrupt (size or CRC mismatch)`);
      return out;
    },
  };
}

/** Refuses an entry whose declared size or ratio breaks the limits, before anything is inflated. */
function checkInflatedSize(name: string, size: number, compressedSize: number, total: number, limits: Readonly<InputLimits>): void {
  if (size > limits.zipEntryBytes) {
    throw new LimitError('zipEntryBytes', `ZIP entry "${name}" would inflate to ${formatBytes(size)}`, limits);
  }
  if (size > limits.zipRatioFloorBytes && size > compressedSize * limits.zipRatio) {
    const ratio = compressedSize > 0 ? `${Math.round(size / compressedSize)}:1` : 'from nothing';
    throw new LimitError('zipRatio', `ZIP entry "${name}" would inflate ${ratio} (${formatBytes(compressedSize)} to ${formatBytes(size)})`, limits);
  }
  if (total > limits.zipTotalBytes) {
    throw new LimitError('zipTotalBytes', `The ZIP archive would inflate to ${formatBytes(total)} or more`, limits);
  }
}

function inflateEntry(name: string, data: Uint8Array, size: number): Uint8Array {
  try {
    return inflateSync(data, { out: new Uint8Array(size) });
  } catch (error) {
    throw new Error(`ZIP entry "${name}" is corrupt (${(error as Error).message})`);
  }
}

/** Refuses names that could escape the folder they are extracted into. */
function safeEntryName(raw: string): string {
  const refuse = (why: string): never => {
    throw new Error(`Refusing ZIP entry "${raw}": ${why}; nothing was imported`);
  };
  if (raw.includes('\\')) refuse('backslash in path');
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw)) refuse('absolute path');
  if (raw.includes('\0')) refuse('NUL in path');
  const parts = raw.split('/');
  if (parts.some((s) => s === '..')) refuse('".." path segment');
  return parts.filter((s) => s !== '.' && s !== '').join('/') + (raw.endsWith('/') ? '/' : '');
}

let CRC_TABLE: Uint32Array | null = null;

/**
 * CRC-32 (IEEE) of some bytes, as ZIP and PNG use it.
 *
 * ```ts
 * crc32(new TextEncoder().encode('123456789')) === 0xcbf43926;
 * ```
 */
export function crc32(data: Uint8Array): number {
  if (!CRC_TABLE) {
    CRC_TABLE = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      CRC_TABLE[n] = c >>> 0;
    }
  }
  const t = CRC_TABLE;
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
