import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INPUT_LIMITS } from '../../../core/limits/input-limits';
import type { BrowserServer } from '../../../main/server/browser-server';
import { SHARED_PHOTOS } from '../../helpers/temp-dir';
import { startTestServer, type TestServer } from '../../helpers/test-studio';

let t: TestServer;
let server: BrowserServer;
let projectDir: string;
beforeAll(async () => {
  t = await startTestServer('deca-upload-', { project: 'P' });
  server = t.server;
  projectDir = t.projectPath!;
});
afterAll(() => t.close());

/**
 * Starts an upload that declares `declared` bytes but sends only `first`, then waits for the answer
 * while the rest is still owed: a server that reads the whole body before looking would never answer.
 */
function partialUpload(declared: number, first: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port: server.port });
    let answer = '';
    const timer = setTimeout(() => (socket.destroy(), reject(new Error('no answer while the upload was still being sent'))), 20_000);
    socket.on('data', (d: Buffer) => {
      answer += d.toString('latin1');
      const end = answer.indexOf('\r\n\r\n');
      // The JSON answers are chunked: done at the last chunk.
      if (end >= 0 && answer.endsWith('0\r\n\r\n')) {
        clearTimeout(timer);
        socket.destroy();
        resolve({ status: Number(answer.split(' ')[1]), body: dechunk(answer.slice(end + 4)) });
      }
    });
    socket.on('error', () => undefined);
    socket.on('connect', () => {
      socket.write(`PUT /api/upload?name=x.jpg HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAuthorization: Bearer ${server.token}\r\nContent-Length: ${declared}\r\n\r\n`);
      socket.write(first);
    });
  });
}

function dechunk(body: string): string {
  let out = '';
  for (let p = 0; ; ) {
    const eol = body.indexOf('\r\n', p);
    const size = parseInt(body.slice(p, eol), 16);
    if (!size) return out;
    out += body.slice(eol + 2, eol + 2 + size);
    p = eol + 2 + size + 2;
  }
}

const staged = () => readdirSync(path.join(projectDir, 'tmp', 'staging'), { withFileTypes: true }).length;
const stagedSafe = () => { try { return staged(); } catch { return 0; } };

describe('browser-mode uploads', () => {
  it('refuses a non-image by its first bytes while the rest is still on its way', async () => {
    const before = stagedSafe();
    const res = await partialUpload(200 * 1024 * 1024, Buffer.from('%PDF-1.7\n'.repeat(8000)));
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/^Not a JPEG, PNG, WebP or TIFF image: the content is a text file \(judged by its first 16 bytes\); nothing was stored$/) } });
    expect(stagedSafe()).toBe(before);
  });

  it('refuses an upload that declares more than the limit before reading it', async () => {
    const jpeg = readFileSync(path.join(SHARED_PHOTOS, 'london_frl/p005/005_03_neutral_front.jpg'));
    const res = await partialUpload(INPUT_LIMITS.uploadBytes + 1, jpeg.subarray(0, 1000));
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.message).toMatch(/The upload declares 1\.0 GiB, over the limit of 1 GiB \[limit uploadBytes\]/);
  });

  it('still takes a real image, and refuses an empty one', async () => {
    const jpeg = readFileSync(path.join(SHARED_PHOTOS, 'london_frl/p005/005_03_neutral_front.jpg'));
    const ok = await fetch(`http://127.0.0.1:${server.port}/api/upload?name=a.jpg`, { method: 'PUT', body: jpeg, headers: { Authorization: `Bearer ${server.token}` } });
    expect(await ok.json()).toMatchObject({ ok: true, value: expect.stringMatching(/^[0-9a-f]{32}$/) });
    const stagedFile = readdirSync(path.join(projectDir, 'tmp', 'staging')).map((f) => readFileSync(path.join(projectDir, 'tmp', 'staging', f)));
    expect(stagedFile.some((b) => b.equals(jpeg))).toBe(true);
    const empty = await fetch(`http://127.0.0.1:${server.port}/api/upload?name=b.jpg`, { method: 'PUT', body: '', headers: { Authorization: `Bearer ${server.token}` } });
    expect(await empty.json()).toMatchObject({ ok: false, error: { message: expect.stringMatching(/empty/) } });
    // The connection a refusal answered on is still good for the next request.
    const again = await fetch(`http://127.0.0.1:${server.port}/api/upload?name=c.txt`, { method: 'PUT', body: 'hello there, not an image at all', headers: { Authorization: `Bearer ${server.token}` } });
    expect(again.status).toBe(400);
  });
});
