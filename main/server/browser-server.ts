import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createApiHandlers } from '../services/api-handlers';
import { dispatch } from '../services/dispatch';
import { resolveMedia } from '../services/media-service';
import { INPUT_LIMITS, type LimitError } from '../../core/limits/input-limits';
import type { Studio } from '../services/studio';
import { attachmentDisposition } from './content-disposition';
import { RequestGuard } from './request-guard';
import { requestUrl, safeDecode } from './request-url';
import { guardUpload } from './upload-guard';
import { sendFile, sendStatic } from './static-files';
import { GuardedWebSockets } from './websocket-guard';

export interface BrowserServerOptions {
  studio: Studio;
  /** Folder of the built renderer (index.html and assets). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Per-launch secret; random unless a test fixes it. */
  token?: string;
}

export const BROWSER_SERVER_DEFAULTS = { port: 0 };

export interface BrowserServer {
  /** URL to open: carries the token once, then a cookie does. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** The renderer's policy: only our own scripts, no inline script, no framing, no plugins. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  // A video the user picks is decoded from a blob: URL (clips from video).
  "media-src 'self' blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
};

const STATUS_BY_CODE: Record<string, number> = {
  'bad-request': 400,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'no-project': 409,
  'project-locked': 423,
  internal: 500,
};

const MAX_JSON_BYTES = INPUT_LIMITS.requestBytes;

/**
 * Serves the studio to a browser: the built renderer, the API contract over HTTP
 * (`POST /api/call/<method>`), uploads (`PUT /api/upload?name=`), media (`GET /media/thumb/<sha>`)
 * and events over WebSocket (`/api/events`). Listens on 127.0.0.1 only.
 *
 * ```ts
 * const server = await startBrowserServer({ studio, rendererDir: 'out/renderer' });
 * console.log(`Open ${server.url}`);
 * ```
 */
export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const { studio } = options;
  const rendererDir = path.resolve(options.rendererDir);
  const token = options.token ?? randomBytes(24).toString('base64url');
  const handlers = createApiHandlers(studio);
  let guard: RequestGuard | null = null;

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A client that went away mid-request is no server error worth a log line.
      if (!req.destroyed && !req.socket.destroyed) console.error('[server]', error);
      // Headers set before the failure (a Content-Length) must not describe the error body.
      if (!res.headersSent) for (const name of res.getHeaderNames()) res.removeHeader(name);
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'internal', message: 'Internal error' } });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const g = guard!;
    const url = requestUrl(req);
    if (!url) return sendText(res, 400, 'Bad request URL');
    if (!g.hostAllowed(req)) return sendText(res, 421, 'Misdirected request: this server answers only 127.0.0.1 and localhost');
    if (!g.originAllowed(req)) return sendText(res, 403, 'Forbidden origin');
    const queryToken = url.searchParams.get('token');
    if (!g.authenticated(req, url)) {
      return sendText(res, 401, 'DECA Studio: open the URL that "deca-studio serve" printed; it carries the access token.');
    }
    // First visit with ?token=: trade it for a cookie and drop it from the address bar.
    if (req.method === 'GET' && queryToken !== null && !url.pathname.startsWith('/media/')) {
      url.searchParams.delete('token');
      res.writeHead(303, { Location: url.pathname + url.search, 'Set-Cookie': g.sessionCookie(), ...SECURITY_HEADERS });
      res.end();
      return;
    }

    if (url.pathname.startsWith('/api/call/')) {
      if (req.method !== 'POST') return sendText(res, 405, 'Use POST');
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return sendText(res, 415, 'Send JSON');
      const body = await readJson(req);
      if (body === undefined) {
        // The rest of an oversized body is never read: close the connection so it cannot be reused.
        res.setHeader('Connection', 'close');
        return sendJson(res, 400, { ok: false, error: { code: 'bad-request', message: 'Body is not JSON or is over 1 MiB' } });
      }
      const method = safeDecode(url.pathname.slice('/api/call/'.length));
      const result = await dispatch(handlers, method, body);
      return sendJson(res, result.ok ? 200 : (STATUS_BY_CODE[result.error.code] ?? 500), result);
    }
    if (url.pathname === '/api/upload') {
      if (req.method !== 'PUT') return sendText(res, 405, 'Use PUT');
      const name = url.searchParams.get('name') ?? 'upload';
      try {
        const stagedId = await studio.staging.putStream(name, guardUpload(req));
        return sendJson(res, 200, { ok: true, value: stagedId });
      } catch (error) {
        const code = (error as { code?: string }).code ?? 'internal';
        // Too big: the rest is not read, so the connection cannot be reused.
        if ((error as LimitError).limit === 'uploadBytes') res.setHeader('Connection', 'close');
        return sendJson(res, STATUS_BY_CODE[code] ?? 400, { ok: false, error: { code, message: (error as Error).message } });
      }
    }
    const media = /^\/media\/([a-z][a-z-]{0,15})\/([^/]{1,200})$/.exec(url.pathname);
    if (media) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Use GET');
      const r = await resolveMedia(studio, media[1]!, media[2]!, url.searchParams);
      if (!r.ok) return sendText(res, r.status, r.message);
      const headers: Record<string, string> = { ...SECURITY_HEADERS, 'Cache-Control': r.immutable ? 'private, max-age=31536000, immutable' : 'no-store' };
      if (r.downloadName) headers['Content-Disposition'] = attachmentDisposition(r.downloadName);
      if ('file' in r.body) {
        if (!(await sendFile(r.body.file, res, headers))) sendText(res, 404, 'Not found');
        return;
      }
      res.writeHead(200, { ...headers, 'Content-Type': r.contentType, 'Content-Length': String(r.body.byteLength) });
      res.end(r.body);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Method not allowed');
    const headers = { ...SECURITY_HEADERS, 'Cache-Control': 'no-cache' };
    if (await sendStatic(rendererDir, url.pathname === '/' ? '/index.html' : url.pathname, res, headers)) return;
    // Client-side routes fall back to the app shell.
    if (!path.extname(url.pathname) && (await sendStatic(rendererDir, '/index.html', res, headers))) return;
    sendText(res, 404, 'Not found');
  }

  const sockets = new GuardedWebSockets();
  server.on('upgrade', (req, socket, head) => {
    sockets.watch(socket);
    const g = guard!;
    const url = requestUrl(req);
    if (!url || url.pathname !== '/api/events' || !g.hostAllowed(req) || !g.originAllowed(req) || !g.authenticated(req, url)) {
      sockets.refuse(socket, 403, 'Forbidden');
      return;
    }
    sockets.accept(req, socket, head);
  });
  const unsubscribe = studio.events.subscribe((message) => sockets.broadcast(JSON.stringify(message)));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? BROWSER_SERVER_DEFAULTS.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  guard = new RequestGuard(token, port);

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      unsubscribe();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_JSON_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
  } catch {
    return undefined;
  }
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...SECURITY_HEADERS });
  res.end(body);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...SECURITY_HEADERS });
  res.end(text);
}
