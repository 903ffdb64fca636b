import { request } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findChromiumBrowser } from '../../../main/video/find-chromium-browser';
import { decodeVideoFrames, videoContainerOf } from '../../../main/video/decode-video-frames';
import { DECODE_PAGE_CSP, startVideoDecodeServer, type VideoDecodeServer } from '../../../main/video/video-decode-server';
import { makeTempDir, SHARED_PHOTOS } from '../../helpers/temp-dir';

const JPEG = readFileSync(path.join(SHARED_PHOTOS, 'london_frl/p002/002_03_neutral_front.jpg'));

describe('findChromiumBrowser', () => {
  const only = (...files: string[]) => (f: string) => files.includes(f);

  it('takes --browser first, then DECA_STUDIO_BROWSER, then PATH in order of preference, then the usual install folders', () => {
    const env = { PATH: '/a:/b', DECA_STUDIO_BROWSER: '/opt/edge/msedge' };
    const all = only('/x/chrome', '/opt/edge/msedge', '/b/chromium', '/a/google-chrome', '/usr/bin/chromium');
    expect(findChromiumBrowser({ explicit: '/x/chrome', env, platform: 'linux', isExecutable: all })).toBe('/x/chrome');
    expect(findChromiumBrowser({ env, platform: 'linux', isExecutable: all })).toBe('/opt/edge/msedge');
    expect(findChromiumBrowser({ env: { PATH: '/a:/b' }, platform: 'linux', isExecutable: all })).toBe('/b/chromium');
    expect(findChromiumBrowser({ env: { PATH: '/a' }, platform: 'linux', isExecutable: all })).toBe('/a/google-chrome');
    expect(findChromiumBrowser({ env: {}, platform: 'linux', isExecutable: all })).toBe('/usr/bin/chromium');
    const edge = 'C:\\Program Files\\Microsoft\\Edge\\Application\\msedge.exe';
    expect(findChromiumBrowser({ env: { PROGRAMFILES: 'C:\\Program Files' }, platform: 'win32', isExecutable: only(edge) })).toBe(edge);
    expect(findChromiumBrowser({ env: {}, platform: 'darwin', isExecutable: only('/Applications/Google Chrome.app/Contents/MacOS/Google Chrome') })).toMatch(/Google Chrome$/);
  });

  it('names what is missing and how to fix it', () => {
    expect(() => findChromiumBrowser({ explicit: '/nope/chrome', env: {}, platform: 'linux', isExecutable: only() })).toThrow('--browser names /nope/chrome, which is not an executable file');
    expect(() => findChromiumBrowser({ env: { DECA_STUDIO_BROWSER: '/nope' }, platform: 'linux', isExecutable: only('/usr/bin/chromium') })).toThrow(/^DECA_STUDIO_BROWSER names \/nope/);
    let message = '';
    try {
      findChromiumBrowser({ env: { PATH: '/usr/bin' }, platform: 'linux', isExecutable: only() });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^No Chromium-family browser found to decode the video \(looked for chromium, .*msedge/);
    expect(message).toMatch(/sudo apt-get install chromium.*--browser PATH or DECA_STUDIO_BROWSER=PATH/);
  });
});

describe('videoContainerOf', () => {
  it('knows MP4/MOV, WebM and Ogg by their first bytes, and nothing else', () => {
    const bytes = (...b: (number | string)[]) => new Uint8Array(b.flatMap((x) => (typeof x === 'string' ? [...x].map((c) => c.charCodeAt(0)) : [x])));
    expect(videoContainerOf(bytes(0, 0, 0, 0x20, 'ftypisom', 0, 0))).toBe('MP4');
    expect(videoContainerOf(bytes(0, 0, 0, 8, 'moov'))).toBe('QuickTime');
    expect(videoContainerOf(bytes(0x1a, 0x45, 0xdf, 0xa3, 0x9f))).toBe('WebM');
    expect(videoContainerOf(bytes('OggS', 0))).toBe('Ogg');
    expect(videoContainerOf(JPEG.subarray(0, 512))).toBeNull();
    expect(videoContainerOf(bytes('hello world\n'))).toBeNull();
    expect(videoContainerOf(bytes())).toBeNull();
  });
});

describe('decodeVideoFrames refuses bad input before starting a browser', () => {
  const tmp = makeTempDir('deca-video-');
  const never = async () => {
    throw new Error('no host should be started');
  };
  const decode = (file: string, everyMs = 100) => decodeVideoFrames(file, { everyMs, onFrame: async () => undefined, host: never });

  it('a missing file, an empty one, an image, a text file, an interval out of range', async () => {
    await expect(decode(path.join(tmp.dir, 'none.mp4'))).rejects.toThrow(/^No such video file: .*none\.mp4$/);
    writeFileSync(path.join(tmp.dir, 'empty.webm'), '');
    await expect(decode(path.join(tmp.dir, 'empty.webm'))).rejects.toThrow('empty.webm is empty (0 bytes)');
    writeFileSync(path.join(tmp.dir, 'face.mp4'), JPEG);
    await expect(decode(path.join(tmp.dir, 'face.mp4'))).rejects.toThrow('face.mp4 is not a video: its content is a JPEG image. Give an MP4 (H.264), WebM');
    writeFileSync(path.join(tmp.dir, 'notes.webm'), 'not a video\n');
    await expect(decode(path.join(tmp.dir, 'notes.webm'))).rejects.toThrow('notes.webm is not a video: its content is a text file');
    await expect(decode(path.join(tmp.dir, 'notes.webm'), 5)).rejects.toThrow('Sample a video every 10 to 60000 ms, not 5');
  });
});

describe('the decode server', () => {
  const tmp = makeTempDir('deca-video-server-');
  const file = path.join(tmp.dir, 'v.webm');
  writeFileSync(file, Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 1, 2, 3]));
  const script = path.join(tmp.dir, 'decode-page.js');
  writeFileSync(script, '/* page */');
  let server: VideoDecodeServer;
  const frames: { index: number; total: number; bytes: number }[] = [];
  const start = async () => {
    frames.length = 0;
    server = await startVideoDecodeServer({ file, pageScript: script, config: { everyMs: 250, maxFrames: 4, maxSide: 960, quality: 0.9, name: 'v.webm' }, onFrame: async (jpeg, index, total) => void frames.push({ index, total, bytes: jpeg.length }) });
  };
  afterEach(() => server?.close());

  /** A raw request (own Host header) to the server. */
  function send(method: string, url: string, body?: Buffer | string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
    const u = new URL(url);
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: u.port, method, path: u.pathname + u.search, headers: { Host: u.host, ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  it('serves the page (strict CSP), its script, the config and the video only under the per-run token and our own Host', async () => {
    await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[\w-]{32}\/$/);
    const page = await send('GET', server.url);
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toBe(DECODE_PAGE_CSP);
    expect(DECODE_PAGE_CSP).toMatch(/default-src 'none'.*script-src 'self'/);
    expect(page.body.toString()).toMatch(/<script src="decode-page.js"><\/script>/);
    expect((await send('GET', `${server.url}decode-page.js`)).body.toString()).toBe('/* page */');
    expect(JSON.parse((await send('GET', `${server.url}config`)).body.toString())).toMatchObject({ everyMs: 250, maxFrames: 4, name: 'v.webm' });
    expect([...(await send('GET', `${server.url}video`)).body]).toEqual([0x1a, 0x45, 0xdf, 0xa3, 1, 2, 3]);
    const origin = new URL(server.url).origin;
    expect((await send('GET', `${origin}/video`)).status).toBe(404);
    expect((await send('GET', server.url.replace(/\/[\w-]+\/$/, '/wrongtokenwrongtokenwrongtoken00/video'))).status).toBe(404);
    expect((await send('GET', `${server.url}video`, undefined, { Host: 'evil.example' })).status).toBe(403);
    expect((await send('GET', `${server.url}../../etc/passwd`)).status).toBe(404);
  });

  it('takes JPEG frames in order, at most maxFrames, and settles with the count', async () => {
    await start();
    expect((await send('POST', `${server.url}frame?index=1&total=2`, JPEG)).status).toBe(400); // out of order
    expect((await send('POST', `${server.url}frame?index=0&total=5`, JPEG)).status).toBe(400); // over maxFrames
    expect((await send('POST', `${server.url}frame?index=0&total=2`, JPEG)).status).toBe(204);
    expect((await send('POST', `${server.url}frame?index=1&total=2`, JPEG)).status).toBe(204);
    expect(frames).toEqual([{ index: 0, total: 2, bytes: JPEG.length }, { index: 1, total: 2, bytes: JPEG.length }]);
    expect((await send('POST', `${server.url}done`, JSON.stringify({ count: 2, times: [0, 0.25], width: 640, height: 480 }))).status).toBe(204);
    await expect(server.result).resolves.toEqual({ count: 2, times: [0, 0.25], width: 640, height: 480 });
  });

  it("a frame that is no image, or the page's failure, ends the run with that error", async () => {
    await start();
    const bad = await send('POST', `${server.url}frame?index=0&total=2`, '<html>not a frame</html>');
    expect(bad.status).toBe(400);
    await expect(server.result).rejects.toThrow(/Not a JPEG, PNG, WebP or TIFF image: the content is an HTML page/);
    expect(frames).toEqual([]);
    await server.close();
    await start();
    await send('POST', `${server.url}fail`, JSON.stringify({ message: 'v.webm cannot be decoded here (DEMUXER_ERROR_COULD_NOT_OPEN)' }));
    await expect(server.result).rejects.toThrow('v.webm cannot be decoded here (DEMUXER_ERROR_COULD_NOT_OPEN)');
  });
});
