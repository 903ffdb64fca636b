import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { SHARED_PHOTOS } from './temp-dir';

/** CRC-32 as PNG chunks need it. */
function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A real, valid 1-bit greyscale PNG of `width`×`height` pixels (all black). It compresses to a few
 * tens of kilobytes even at 20000×20000, so tests can hold a 400-megapixel image cheaply.
 */
export function makeHugePng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const rowBytes = 1 + Math.ceil(width / 8); // filter byte + packed pixels
  const raw = Buffer.alloc(rowBytes * height); // zeros: filter 0, black pixels
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

export const BAD_FILE_NAMES = ['empty.jpg', 'truncated.jpg', 'notes.jpg', 'huge.png', 'page.png'] as const;

/** Writes the five bad files of the import acceptance test into `dir`; returns their paths. */
export function writeBadFiles(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const good = readFileSync(path.join(SHARED_PHOTOS, 'london_frl/p002/002_03_neutral_front.jpg'));
  const files: Record<(typeof BAD_FILE_NAMES)[number], Buffer> = {
    'empty.jpg': Buffer.alloc(0),
    'truncated.jpg': good.subarray(0, Math.floor(good.length / 3)),
    'notes.jpg': Buffer.from('These are my notes about the shoot.\nNot a picture at all.\n'),
    'huge.png': makeHugePng(20000, 20000),
    'page.png': Buffer.from('<!DOCTYPE html>\n<html><body><img src="x.png"></body></html>\n'),
  };
  return Object.entries(files).map(([name, bytes]) => {
    const file = path.join(dir, name);
    writeFileSync(file, bytes);
    return file;
  });
}
