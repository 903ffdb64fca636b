import type { IncomingMessage } from 'node:http';

// The Host header is checked on its own (RequestGuard.hostAllowed): it never takes part in parsing.
const BASE = 'http://127.0.0.1';

/**
 * The URL of a request, parsed against a fixed base, or null when the request line holds no usable
 * path (an absolute URI, `*`, a path no URL parser takes): the caller answers 400 instead of failing.
 *
 * ```ts
 * const url = requestUrl(req);
 * if (!url) return sendText(res, 400, 'Bad request URL');
 * ```
 */
export function requestUrl(req: IncomingMessage): URL | null {
  const raw = req.url ?? '/';
  if (!raw.startsWith('/')) return null;
  try {
    return new URL(raw, BASE);
  } catch {
    return null;
  }
}

/**
 * `decodeURIComponent` that answers null for malformed escapes (`%E0%A4%A`) instead of throwing.
 *
 * ```ts
 * safeDecode('app%2Einfo'); // 'app.info'
 * safeDecode('%ff');        // null
 * ```
 */
export function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}
