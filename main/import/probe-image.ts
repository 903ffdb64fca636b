import sharp, { type Metadata } from 'sharp';
import type { ImageFormat, ImportErrorCode } from '../../core/api/contract';

/** A file that cannot be imported, with a reason a person can act on. */
export class ImportError extends Error {
  constructor(
    readonly code: ImportErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ImportError';
  }
}

export interface ProbeImageOptions {
  /** Largest accepted image, in pixels (width × height after decoding the header). */
  maxPixels?: number;
  /** Longest side of the thumbnail, in pixels. */
  thumbnailSize?: number;
}

export const PROBE_IMAGE_DEFAULTS: Required<ProbeImageOptions> = {
  maxPixels: 100_000_000,
  thumbnailSize: 320,
};

export interface ProbedImage {
  format: ImageFormat;
  /** Size after EXIF orientation is applied. */
  width: number;
  height: number;
  /** EXIF orientation tag (1 when absent). */
  orientation: number;
  /** JPEG thumbnail, already upright. */
  thumbnail: Buffer;
}

/** Recognises a format by its first bytes: the extension of a file says nothing about its content. */
export function sniffFormat(bytes: Uint8Array): ImageFormat | null {
  const b = bytes;
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return 'webp';
  if (b.length >= 4 && ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a && b[3] === 0) || (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && b[3] === 0x2a))) {
    return 'tiff';
  }
  return null;
}

function ascii(b: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...b.subarray(from, to));
}

/**
 * What a file that is no image seems to be, from its first bytes (for error messages).
 *
 * ```ts
 * describeNonImage(Buffer.from('<!doctype html>…')); // 'an HTML page'
 * ```
 */
export function describeNonImage(bytes: Uint8Array): string {
  const head = Buffer.from(bytes.subarray(0, 512)).toString('utf8').trimStart().toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html')) return 'an HTML page';
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) return 'an SVG drawing';
  if (head.startsWith('gif8')) return 'a GIF image';
  if (bytes.length >= 12 && ascii(bytes, 4, 8) === 'ftyp') return 'a HEIC/AVIF/MP4 file';
  const printable = [...bytes.subarray(0, 512)].every((c) => c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127) || c >= 128);
  return printable ? 'a text file' : 'an unknown binary file';
}

/**
 * Checks that `bytes` hold a whole JPEG, PNG, WebP or TIFF image within the pixel limit, and makes
 * its upright thumbnail. Every failure is an ImportError with its own code and message.
 *
 * ```ts
 * const { width, height, thumbnail } = await probeImage(await readFile('face.jpg'));
 * ```
 */
export async function probeImage(bytes: Buffer, options: ProbeImageOptions = {}): Promise<ProbedImage> {
  const { maxPixels, thumbnailSize } = { ...PROBE_IMAGE_DEFAULTS, ...options };
  if (bytes.length === 0) throw new ImportError('empty-file', 'The file is empty (0 bytes)');

  const format = sniffFormat(bytes);
  if (!format) {
    throw new ImportError('not-an-image', `Not a JPEG, PNG, WebP or TIFF image: the content is ${describeNonImage(bytes)}`);
  }

  let meta: Metadata;
  try {
    // Header only: nothing is decoded yet, so a huge image costs nothing here.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new ImportError('corrupt-image', `The ${format.toUpperCase()} header is damaged: ${message(error)}`);
  }
  if (meta.format !== format && !(format === 'jpeg' && meta.format === 'jpeg')) {
    throw new ImportError('unsupported-format', `Unsupported image format "${meta.format}"`);
  }
  const rawWidth = meta.width ?? 0;
  const rawHeight = meta.height ?? 0;
  if (rawWidth <= 0 || rawHeight <= 0) throw new ImportError('corrupt-image', 'The image has no pixel size');
  const pixels = rawWidth * rawHeight;
  if (pixels > maxPixels) {
    throw new ImportError(
      'too-many-pixels',
      `The image is ${rawWidth}×${rawHeight} (${(pixels / 1e6).toFixed(0)} MP), over the ${(maxPixels / 1e6).toFixed(0)} MP limit`,
    );
  }

  const orientation = meta.orientation ?? 1;
  const swapped = orientation >= 5 && orientation <= 8;
  let thumbnail: Buffer;
  try {
    // Decoding every pixel (failOn: 'warning') is what finds truncated and damaged files.
    thumbnail = await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'warning' })
      .rotate()
      .resize(thumbnailSize, thumbnailSize, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#808080' })
      .jpeg({ quality: 82, mozjpeg: false })
      .toBuffer();
  } catch (error) {
    throw new ImportError('corrupt-image', `The ${format.toUpperCase()} data is damaged or truncated: ${message(error)}`);
  }
  return {
    format,
    width: swapped ? rawHeight : rawWidth,
    height: swapped ? rawWidth : rawHeight,
    orientation,
    thumbnail,
  };
}

function message(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
}
