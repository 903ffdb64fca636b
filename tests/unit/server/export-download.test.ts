import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticHeadModel } from '../../../core/head-model/synthetic-head-model';
import { attachmentDisposition } from '../../../main/server/content-disposition';
import type { BrowserServer } from '../../../main/server/browser-server';
import type { Studio } from '../../../main/services/studio';
import { rawExchange } from '../../helpers/raw-http';
import { startTestServer, type TestServer } from '../../helpers/test-studio';

let t: TestServer;
let tmp: TestServer['tmp'];
let studio: Studio;
let server: BrowserServer;
beforeAll(async () => {
  t = await startTestServer('deca-export-dl-', { project: 'P' });
  ({ tmp, studio, server } = t);
  const model = syntheticHeadModel({ vertices: 300, shapeCount: 2, expressionCount: 1 });
  model.expression.names = ['jawOpen'];
  await studio.packs.save(model);
});
afterAll(() => t.close());

/** GET over a raw socket: a wrong Content-Length would show here instead of hanging a client. */
async function download(jobId: number): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  const raw = await rawExchange(server.port, `GET /media/export/${jobId} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAuthorization: Bearer ${server.token}\r\nConnection: close\r\n\r\n`);
  const split = raw.indexOf('\r\n\r\n');
  const [statusLine, ...lines] = raw.subarray(0, split).toString('latin1').split('\r\n');
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  return { status: Number(statusLine!.split(' ')[1]), headers, body: raw.subarray(split + 4) };
}

async function exportTo(name: string): Promise<number> {
  const jobId = studio.startExport({ packId: 'synthetic', format: 'glb', textures: false, outPath: path.join(tmp.dir, name) });
  expect((await studio.jobs.whenDone(jobId)).state).toBe('done');
  return jobId;
}

describe('export downloads', () => {
  it('builds a header-safe attachment value for any file name', () => {
    expect(attachmentDisposition('head.glb')).toBe(`attachment; filename="head.glb"; filename*=UTF-8''head.glb`);
    expect(attachmentDisposition('Zoë 头像.glb')).toBe(`attachment; filename="Zoe __.glb"; filename*=UTF-8''Zo%C3%AB%20%E5%A4%B4%E5%83%8F.glb`);
    expect(attachmentDisposition('a\r\nSet-Cookie: x=1".glb')).toBe(`attachment; filename="a__Set-Cookie: x=1_.glb"; filename*=UTF-8''a__Set-Cookie%3A%20x%3D1%22.glb`);
  });

  it('a file name with CR/LF downloads whole, with a Content-Length that matches', async () => {
    const res = await download(await exportTo('my\r\nhead.glb'));
    expect(res.status).toBe(200);
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(res.body.subarray(0, 4).toString('latin1')).toBe('glTF');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="my__head.glb"; filename*=UTF-8''my__head.glb`);
  });

  it('a non-ASCII file name is offered under its own name', async () => {
    const res = await download(await exportTo('头像.glb'));
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/filename\*=UTF-8''%E5%A4%B4%E5%83%8F\.glb$/);
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
  });
});
