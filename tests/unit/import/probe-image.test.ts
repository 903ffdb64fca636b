import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ImportError, probeImage, sniffFormat } from '../../../main/import/probe-image';
import { makeHugePng } from '../../helpers/bad-files';
import { SHARED_PHOTOS } from '../../helpers/temp-dir';

const front = readFileSync(path.join(SHARED_PHOTOS, 'london_frl/p002/002_03_neutral_front.jpg'));

async function expectImportError(bytes: Buffer, code: string, message: RegExp, options = {}) {
  const error = await probeImage(bytes, options).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ImportError);
  expect((error as ImportError).code).toBe(code);
  expect((error as ImportError).message).toMatch(message);
}

describe('probeImage', () => {
  it('reads a real JPEG and makes an upright thumbnail', async () => {
    const probed = await probeImage(front);
    expect(probed).toMatchObject({ format: 'jpeg', width: 1350, height: 1350, orientation: 1 });
    const thumb = await sharp(probed.thumbnail).metadata();
    expect([thumb.format, thumb.width, thumb.height]).toEqual(['jpeg', 320, 320]);
  });

  it('applies EXIF orientation to the stored size and the thumbnail', async () => {
    // 600×300 landscape pixels tagged "rotate 90° clockwise" (6) display as 300×600 portrait.
    const tagged = await sharp({ create: { width: 600, height: 300, channels: 3, background: '#c08040' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const probed = await probeImage(tagged);
    expect([probed.width, probed.height, probed.orientation]).toEqual([300, 600, 6]);
    const thumb = await sharp(probed.thumbnail).metadata();
    expect([thumb.width, thumb.height]).toEqual([160, 320]);
  });

  it.each([
    ['png', () => sharp(front).png().toBuffer()],
    ['webp', () => sharp(front).webp().toBuffer()],
    ['tiff', () => sharp(front).tiff().toBuffer()],
  ])('accepts %s', async (format, make) => {
    const probed = await probeImage(await make());
    expect(probed.format).toBe(format);
    expect([probed.width, probed.height]).toEqual([1350, 1350]);
  });

  it('refuses an empty file', () => expectImportError(Buffer.alloc(0), 'empty-file', /empty/));

  it('refuses text and HTML whatever their extension', async () => {
    await expectImportError(Buffer.from('hello\nworld\n'), 'not-an-image', /text file/);
    await expectImportError(Buffer.from('<!DOCTYPE html><html></html>'), 'not-an-image', /HTML page/);
    await expectImportError(Buffer.from('GIF89a\x01\x00\x01\x00'), 'not-an-image', /GIF/);
  });

  it('refuses a truncated JPEG', () => expectImportError(front.subarray(0, front.length >> 1), 'corrupt-image', /damaged or truncated/));

  it('refuses an image over the pixel limit from its header alone', async () => {
    const huge = makeHugePng(20000, 20000);
    expect(huge.length).toBeLessThan(1_000_000);
    await expectImportError(huge, 'too-many-pixels', /20000×20000 \(400 MP\), over the 100 MP limit/);
    await expectImportError(front, 'too-many-pixels', /over the 1 MP limit/, { maxPixels: 1_000_000 });
  });

  it('sniffs formats by content', () => {
    expect(sniffFormat(front)).toBe('jpeg');
    expect(sniffFormat(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe('webp');
    expect(sniffFormat(Buffer.from([0x4d, 0x4d, 0, 0x2a]))).toBe('tiff');
    expect(sniffFormat(Buffer.from('plain'))).toBeNull();
  });
});
