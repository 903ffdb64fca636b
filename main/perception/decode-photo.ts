import sharp, { type OutputInfo } from 'sharp';
import type { RgbImage } from '../../core/perception/image-warp';

/** Refuse images whose decoded RGB would exceed this many pixels (about 1.2 GB of RGB). */
const MAX_PIXELS = 400_000_000;

/**
 * Decodes a photo to 8-bit RGB with its EXIF orientation applied (so coordinates are those of the
 * upright image), alpha removed and grey images expanded to three channels; no larger than
 * `maxSide` pixels on its longest side when given (never enlarged).
 *
 * ```ts
 * const image = await decodePhoto('/photos/me.jpg');
 * ```
 */
export async function decodePhoto(input: string | Buffer, maxSide: number | null = null): Promise<RgbImage> {
  let decoded: { data: Buffer; info: OutputInfo };
  try {
    let pipeline = sharp(input, { limitInputPixels: MAX_PIXELS, failOn: 'error' }).rotate();
    // Shrinking while decoding costs less than decoding whole and resizing after.
    if (maxSide !== null) pipeline = pipeline.resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true });
    decoded = await pipeline.removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  } catch (e) {
    const what = typeof input === 'string' ? input : 'image';
    throw new Error(`Cannot decode ${what}: ${(e as Error).message}`);
  }
  const { data, info } = decoded;
  if (info.channels === 3) return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  // Grey (1 channel) or anything else sharp left alone: take the first channel as grey.
  const rgb = new Uint8Array(info.width * info.height * 3);
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += info.channels) rgb[i] = rgb[i + 1] = rgb[i + 2] = data[j]!;
  return { width: info.width, height: info.height, data: rgb };
}
