import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError } from '../../core/api/api-error';
import { INPUT_LIMITS, LimitError } from '../../core/limits/input-limits';
import { sendFile } from '../server/static-files';
import { guardUpload } from '../server/upload-guard';

/** What the decode page samples (lib/video-frames.ts's options) and the name its messages use. */
export interface DecodePageConfig {
  everyMs: number;
  maxFrames: number;
  maxSide: number;
  quality: number;
  name: string;
}

/** What the decode server serves and where the frames it receives go. */
export interface VideoDecodeServerOptions {
  /** The video file, served to the page as `./video` (the page never sees its path). */
  file: string;
  /** The built decode page script (out/video-decode/decode-page.js). */
  pageScript: string;
  config: DecodePageConfig;
  /** Each frame's JPEG bytes in order (awaited: the page waits for the answer before the next seek). */
  onFrame(jpeg: Buffer, index: number, total: number): Promise<void>;
}

/** What the page reports after its last frame. */
export interface DecodedVideo {
  count: number;
  times: number[];
  width: number;
  height: number;
}

/** A running decode server: the page's URL, the run's outcome, and how to stop it. */
export interface VideoDecodeServer {
  /** The page to open: `http://127.0.0.1:<port>/<token>/`. */
  url: string;
  /** Settles when the page says it is done (every frame received) or failed (its message). */
  result: Promise<DecodedVideo>;
  /** `performance.now()` of the page's last request: a page that goes quiet is a stalled decoder. */
  lastActivity(): number;
  close(): Promise<void>;
}

/** Only our script, connections to ourselves and the video's blob: URL; nothing else, no framing. */
export const DECODE_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "connect-src 'self'",
  'media-src blob:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const HEADERS = { 'Content-Security-Policy': DECODE_PAGE_CSP, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store' };
const PAGE_HTML = '<!doctype html>\n<meta charset="utf-8">\n<title>DECA Studio video decoder</title>\n<script src="decode-page.js"></script>\n';

/**
 * Serves the CLI's video decode page on 127.0.0.1 for one run: every path starts with a fresh random
 * token (`/<token>/…`) and the Host must be our own address, so no other page or process can read the
 * video or post frames. The page (renderer/src/video-decode/decode-page.ts) reads `./config` and
 * `./video`, posts each frame to `./frame?index=&total=` (a JPEG of at most `uploadBytes`, in order,
 * never more than `maxFrames`) and ends with `./done` or `./fail` (JSON of at most `requestBytes`).
 *
 * ```ts
 * const server = await startVideoDecodeServer({ file, pageScript, config, onFrame: async (jpeg, i) => stage(jpeg) });
 * await openInBrowser(server.url);
 * const { count } = await server.result;
 * ```
 */
export async function startVideoDecodeServer(options: VideoDecodeServerOptions): Promise<VideoDecodeServer> {
  const token = randomBytes(24).toString('base64url');
  const prefix = `/${token}/`;
  let received = 0;
  let last = performance.now();
  let settle!: { resolve: (v: DecodedVideo) => void; reject: (e: Error) => void };
  const result = new Promise<DecodedVideo>((resolve, reject) => (settle = { resolve, reject }));
  result.catch(() => undefined);
  let port = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.headers.host !== `127.0.0.1:${port}`) return answer(res, 403, 'Wrong host');
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (!url.pathname.startsWith(prefix)) return answer(res, 404, 'Not found');
    last = performance.now();
    const route = `${req.method} ${url.pathname.slice(prefix.length)}`;
    if (route === 'GET ') return answer(res, 200, PAGE_HTML, 'text/html; charset=utf-8');
    if (route === 'GET decode-page.js') return void ((await sendFile(options.pageScript, res, HEADERS)) || answer(res, 404, 'The decode page is not built'));
    if (route === 'GET config') return answer(res, 200, JSON.stringify(options.config), 'application/json');
    // Served as application/octet-stream whatever its name: Chromium's media pipeline sniffs the container itself.
    if (route === 'GET video') return void ((await sendFile(options.file, res, { ...HEADERS, 'Content-Type': 'application/octet-stream' })) || answer(res, 404, 'The video is gone'));
    if (route === 'POST frame') {
      const index = Number(url.searchParams.get('index'));
      const total = Number(url.searchParams.get('total'));
      if (index !== received) return answer(res, 400, `Frame ${index} out of order (expected ${received})`);
      if (!(Number.isInteger(total) && total > index && total <= options.config.maxFrames)) return answer(res, 400, `Bad frame total ${total}`);
      const jpeg = await readAll(guardUpload(req));
      await options.onFrame(jpeg, index, total);
      received++;
      return answer(res, 204, '');
    }
    if (route === 'POST done') {
      const done = JSON.parse((await readAll(req, INPUT_LIMITS.requestBytes)).toString('utf8')) as DecodedVideo;
      if (done.count !== received) throw new ApiError('bad-request', `The decoder reported ${done.count} frames but posted ${received}`);
      answer(res, 204, '');
      return settle.resolve({ count: received, times: done.times.slice(0, received).map(Number), width: Number(done.width), height: Number(done.height) });
    }
    if (route === 'POST fail') {
      const { message } = JSON.parse((await readAll(req, INPUT_LIMITS.requestBytes)).toString('utf8')) as { message: unknown };
      answer(res, 204, '');
      return settle.reject(new ApiError('bad-request', String(message).slice(0, 2000)));
    }
    answer(res, 404, 'Not found');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A frame the host could not take (not a JPEG, too big, staging failed) ends the run: its error is the run's.
      const e = error instanceof Error ? error : new Error(String(error));
      settle.reject(e);
      if (!res.headersSent) answer(res, e instanceof ApiError ? 400 : 500, e.message);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    result,
    lastActivity: () => last,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answer(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { ...HEADERS, 'Content-Type': type });
  res.end(body);
}

/** A request body (or guarded upload) as one Buffer, refused past `max` bytes. */
async function readAll(body: NodeJS.ReadableStream, max = INPUT_LIMITS.uploadBytes): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let seen = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    seen += chunk.length;
    if (seen > max) throw new LimitError(max === INPUT_LIMITS.requestBytes ? 'requestBytes' : 'uploadBytes', `A message from the decode page is over ${seen} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
