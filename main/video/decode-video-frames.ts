import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../core/api/api-error';
import { formatBytes, INPUT_LIMITS, LimitError } from '../../core/limits/input-limits';
import { electronDecodeHost } from '../electron/electron-decode-host';
import { describeNonImage, sniffFormat } from '../import/probe-image';
import { browserDecodeHost } from './browser-decode-host';
import { inElectronMain, type DecodePageHost } from './decode-page-host';
import { findChromiumBrowser } from './find-chromium-browser';
import { startVideoDecodeServer, type DecodedVideo } from './video-decode-server';

/** How decodeVideoFrames samples a video, where the page runs, and where the frames go. */
export interface DecodeVideoOptions {
  /** Milliseconds between sampled frames (10…60000, as the Animate tab samples). */
  everyMs: number;
  /** At most this many frames (a longer video is refused, not cut short). */
  maxFrames: number;
  /** Longest side of a frame in pixels. */
  maxSide: number;
  /** JPEG quality of each frame (0…1). */
  quality: number;
  /** A Chromium-family browser to use outside Electron (`--browser PATH`; default: DECA_STUDIO_BROWSER, then the system's). */
  browser?: string;
  /** The decoder gives up when the page has said nothing for this long (a stalled decode). */
  idleTimeoutMs: number;
  /** Each frame's JPEG bytes, in time order, as soon as it is decoded. */
  onFrame(jpeg: Buffer, index: number, total: number): Promise<void>;
  /** Where the decode page's script is (built to out/video-decode/). */
  pageScript: string;
  /** Stops the decode (Ctrl-C): the page's host is closed and nothing more is handed on. */
  signal?: AbortSignal;
  /** The host the page runs in (tests); default: Electron's window in Electron, else a headless browser. */
  host?: () => Promise<DecodePageHost>;
}

/** The Animate tab's sampling (renderer/src/lib/video-frames.ts VIDEO_FRAME_DEFAULTS): the same frames from the same video. */
export const DECODE_VIDEO_DEFAULTS: Omit<DecodeVideoOptions, 'onFrame'> = {
  everyMs: 100,
  maxFrames: 600,
  maxSide: 960,
  quality: 0.9,
  idleTimeoutMs: 120_000,
  pageScript: path.join(__dirname, '..', 'video-decode', 'decode-page.js'),
};

/**
 * The container named by a file's leading bytes, among those Chromium opens: MP4/MOV (ftyp box), WebM/Matroska (EBML), Ogg; null for anything else.
 *
 * ```ts
 * videoContainerOf(await readHead('talk.webm')); // 'WebM'
 * ```
 */
export function videoContainerOf(head: Uint8Array): string | null {
  const ascii = (from: number, to: number) => String.fromCharCode(...head.subarray(from, to));
  if (head.length >= 12 && ascii(4, 8) === 'ftyp') return 'MP4';
  if (head.length >= 8 && ['moov', 'mdat', 'wide', 'free', 'skip'].includes(ascii(4, 8))) return 'QuickTime';
  if (head.length >= 4 && head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return 'WebM';
  if (head.length >= 4 && ascii(0, 4) === 'OggS') return 'Ogg';
  return null;
}

/**
 * Samples a video file every `everyMs` with Chromium's own decoder, exactly as the studio's Animate
 * tab does (the same lib/video-frames.ts, in a page of the decode server): in a hidden sandboxed
 * window under Electron, else in a headless Chromium-family browser found on the system; no ffmpeg.
 * Frames reach `onFrame` one by one (JPEG). The file is checked first: there, not empty, within
 * `uploadBytes`, and an MP4/MOV, WebM/Matroska or Ogg container; a codec Chromium cannot decode is the
 * page's clear error, as is a video over `maxFrames` frames.
 *
 * ```ts
 * const { count } = await decodeVideoFrames('talk.mp4', { everyMs: 250, onFrame: async (jpeg, i, n) => stage(jpeg) });
 * ```
 */
export async function decodeVideoFrames(file: string, options: Partial<DecodeVideoOptions> & Pick<DecodeVideoOptions, 'onFrame'>): Promise<DecodedVideo & { host: string }> {
  const o = { ...DECODE_VIDEO_DEFAULTS, ...options };
  const name = path.basename(file);
  if (!(Number.isFinite(o.everyMs) && o.everyMs >= 10 && o.everyMs <= 60_000)) throw new ApiError('bad-request', `Sample a video every 10 to 60000 ms, not ${o.everyMs}`);
  if (!(Number.isInteger(o.maxFrames) && o.maxFrames >= 1 && o.maxFrames <= INPUT_LIMITS.clipKeys)) throw new LimitError('clipKeys', `${o.maxFrames} frames`);
  const stat = await fs.stat(file).catch(() => null);
  if (!stat) throw new ApiError('not-found', `No such video file: ${file}`);
  if (!stat.isFile()) throw new ApiError('bad-request', `${file} is not a file`);
  if (stat.size === 0) throw new ApiError('bad-request', `${name} is empty (0 bytes)`);
  if (stat.size > INPUT_LIMITS.uploadBytes) throw new LimitError('uploadBytes', `${name} is ${formatBytes(stat.size)}`);
  const handle = await fs.open(file, 'r');
  const head = new Uint8Array(512);
  const { bytesRead } = await handle.read(head, 0, head.length, 0).finally(() => handle.close());
  if (!videoContainerOf(head.subarray(0, bytesRead))) {
    const image = sniffFormat(head.subarray(0, bytesRead));
    const content = image ? `a ${image.toUpperCase()} image` : describeNonImage(head.subarray(0, bytesRead));
    throw new ApiError('bad-request', `${name} is not a video: its content is ${content}. Give an MP4 (H.264), WebM (VP8/VP9/AV1), MOV or Ogg video`);
  }
  await fs.access(o.pageScript).catch(() => {
    throw new ApiError('internal', `The video decode page is not built (${o.pageScript}): run "npm run build"`);
  });

  const server = await startVideoDecodeServer({
    file,
    pageScript: o.pageScript,
    config: { everyMs: o.everyMs, maxFrames: o.maxFrames, maxSide: o.maxSide, quality: o.quality, name },
    onFrame: o.onFrame,
  });
  let host: DecodePageHost | null = null;
  let timer: NodeJS.Timeout | undefined;
  try {
    host = await (o.host ?? (() => (inElectronMain() ? electronDecodeHost() : browserDecodeHost(findChromiumBrowser({ explicit: o.browser })))))();
    const stalled = new Promise<never>((_resolve, reject) => {
      timer = setInterval(() => {
        if (performance.now() - server.lastActivity() > o.idleTimeoutMs) reject(new ApiError('internal', `Decoding ${name} stalled: no frame for ${Math.round(o.idleTimeoutMs / 1000)} s`));
      }, 1000);
    });
    const cancelled = new Promise<never>((_resolve, reject) => {
      const stop = () => reject(new ApiError('bad-request', `Decoding ${name} was cancelled`));
      if (o.signal?.aborted) stop();
      o.signal?.addEventListener('abort', stop, { once: true });
    });
    const opened = host.open(server.url);
    const decoded = await Promise.race([server.result, host.failed, stalled, cancelled, opened.then(() => server.result)]);
    return { ...decoded, host: host.name };
  } finally {
    clearInterval(timer);
    await host?.close();
    await server.close();
  }
}
