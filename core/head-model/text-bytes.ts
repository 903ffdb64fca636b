/**
 * UTF-8 bytes to a string (core has no TextDecoder: its lib is plain ES2022). Invalid sequences
 * (bad continuation bytes, overlong forms, surrogates, code points past U+10FFFF) become U+FFFD.
 *
 * ```ts
 * decodeUtf8(Uint8Array.of(0x68, 0xc3, 0xa9)) === 'hé';
 * ```
 */
export function decodeUtf8(b: Uint8Array): string {
  let s = '';
  const chunk: number[] = [];
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    let cp = 0xfffd, len = 1;
    if (c < 0x80) cp = c;
    else if (c >= 0xc2 && c < 0xe0 && i + 1 < b.length) (cp = ((c & 0x1f) << 6) | (b[i + 1]! & 0x3f)), (len = 2);
    else if (c >= 0xe0 && c < 0xf0 && i + 2 < b.length) (cp = ((c & 0x0f) << 12) | ((b[i + 1]! & 0x3f) << 6) | (b[i + 2]! & 0x3f)), (len = 3);
    else if (c >= 0xf0 && c < 0xf5 && i + 3 < b.length) (cp = ((c & 0x07) << 18) | ((b[i + 1]! & 0x3f) << 12) | ((b[i + 2]! & 0x3f) << 6) | (b[i + 3]! & 0x3f)), (len = 4);
    // A bad continuation byte, an overlong form, a surrogate or a value past U+10FFFF is one U+FFFD.
    const cont = (k: number) => (b[i + k]! & 0xc0) === 0x80;
    const valid =
      len === 1 ||
      (len === 2 && cont(1)) ||
      (len === 3 && cont(1) && cont(2) && cp >= 0x800 && (cp < 0xd800 || cp > 0xdfff)) ||
      (len === 4 && cont(1) && cont(2) && cont(3) && cp >= 0x10000 && cp <= 0x10ffff);
    if (!valid) (cp = 0xfffd), (len = 1);
    i += len;
    chunk.push(cp);
    if (chunk.length > 4096) (s += String.fromCodePoint(...chunk)), (chunk.length = 0);
  }
  return s + String.fromCodePoint(...chunk);
}

/**
 * Latin-1 bytes to a string (Python 2 `str` in pickles).
 *
 * ```ts
 * decodeLatin1(Uint8Array.of(0x66)) === 'f';
 * ```
 */
export function decodeLatin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode(...b.subarray(i, i + 4096));
  return s;
}

/**
 * A string's char codes as bytes (Latin-1; higher code points are cut to their low byte).
 *
 * ```ts
 * encodeLatin1('ab'); // Uint8Array [97, 98]
 * ```
 */
export function encodeLatin1(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
}
