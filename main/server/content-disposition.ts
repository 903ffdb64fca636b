// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * A `Content-Disposition: attachment` value for any file name (RFC 6266): an ASCII fallback in
 * `filename="…"` for old clients and the exact name, UTF-8 percent-encoded, in `filename*`. Control
 * characters (a CR/LF would split the header) become `_`, and nothing outside printable ASCII reaches the
 * header itself, so a name can neither break the response nor arrive as `-.glb`.
 *
 * ```ts
 * attachmentDisposition('头像.glb'); // `attachment; filename="__.glb"; filename*=UTF-8''%E5%A4%B4%E5%83%8F.glb`
 * ```
 */
export function attachmentDisposition(fileName: string): string {
  const name = fileName.replace(CONTROL, '_') || 'download';
  const ascii = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
