import { describe, expect, it } from 'vitest';
import { decodeUtf8 } from '../../../core/head-model/text-bytes';

describe('decodeUtf8', () => {
  it('decodes valid UTF-8 and turns every invalid sequence into U+FFFD instead of throwing', () => {
    expect(decodeUtf8(Uint8Array.of(0x68, 0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80))).toBe('hé😀');
    expect(decodeUtf8(Uint8Array.of(0xf4, 0xbf, 0xbf, 0xbf))).toBe('\ufffd\ufffd\ufffd\ufffd'); // past U+10FFFF
    expect(decodeUtf8(Uint8Array.of(0xed, 0xa0, 0x80))).toBe('\ufffd\ufffd\ufffd'); // a surrogate
    expect(decodeUtf8(Uint8Array.of(0xe0, 0x80, 0x80))).toBe('\ufffd\ufffd\ufffd'); // overlong
    expect(decodeUtf8(Uint8Array.of(0xc3, 0x28))).toBe('\ufffd('); // bad continuation
  });
});
