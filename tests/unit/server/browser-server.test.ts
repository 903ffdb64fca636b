import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { NodeIO } from '@gltf-transform/core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ApiEventMessage } from '../../../core/api/contract';
import { syntheticHeadModel } from '../../../core/head-model/synthetic-head-model';
import type { BrowserServer } from '../../../main/server/browser-server';
import type { Studio } from '../../../main/services/studio';
import { SHARED_PHOTOS } from '../../helpers/temp-dir';
import { startTestServer, type TestServer } from '../../helpers/test-studio';

let t: TestServer;
let tmp: TestServer['tmp'];
let studio: Studio;
let server: BrowserServer;
let base: string;

beforeAll(async () => {
  t = await startTestServer('deca-server-');
  ({ tmp, studio, server } = t);
  mkdirSync(path.join(t.rendererDir, 'assets'));
  writeFileSync(path.join(t.rendererDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(tmp.dir, 'secret.txt'), 'top secret');
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => t.close());

/** Raw HTTP so tests control Host and Origin headers exactly (fetch forbids setting Host). */
function request(
  method: string,
  urlPath: string,
  headers: Record<string, string> = {},
  body?: Buffer | string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, method, path: urlPath, headers: { Host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const auth = () => ({ Authorization: `Bearer ${server.token}` });
async function call(method: string, req: unknown) {
  const res = await request('POST', `/api/call/${method}`, { ...auth(), 'Content-Type': 'application/json' }, JSON.stringify(req));
  return { status: res.status, body: JSON.parse(res.body.toString()) as { ok: boolean; value?: any; error?: { code: string; message: string } } };
}

describe('browser-mode server', () => {
  it('listens on loopback only and prints a URL with a long random token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
  });

  it('refuses requests without the token, with a wrong token, a foreign Host or a foreign Origin', async () => {
    expect((await request('GET', '/')).status).toBe(401);
    expect((await request('POST', '/api/call/app.info', { Authorization: 'Bearer nope', 'Content-Type': 'application/json' }, '{}')).status).toBe(401);
    expect((await request('GET', '/', { ...auth(), Host: `evil.example:${server.port}` })).status).toBe(421);
    expect((await request('GET', '/', { ...auth(), Origin: 'http://evil.example' })).status).toBe(403);
    expect((await request('GET', '/', { ...auth(), Origin: `http://localhost:${server.port}` })).status).toBe(200);
  });

  it('trades ?token= for an HttpOnly SameSite cookie and serves the app with a strict CSP', async () => {
    const first = await request('GET', `/?token=${server.token}`);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await request('GET', '/', { Cookie: cookie.split(';')[0]! });
    expect(page.status).toBe(200);
    expect(page.body.toString()).toContain('DECA Studio');
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'.*script-src 'self'/);
    expect(page.headers['content-security-policy']).not.toMatch(/'unsafe-eval'|script-src[^;]*unsafe-inline/);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });

  it('never serves files outside the renderer folder', async () => {
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt']) {
      const res = await request('GET', p, auth());
      expect(res.body.toString()).not.toContain('top secret');
    }
    expect((await request('GET', '/assets/app.js', auth())).status).toBe(200);
  });

  it('validates every API request', async () => {
    expect(await call('subjects.create', { name: 'x', extra: 1 })).toMatchObject({ status: 400, body: { ok: false, error: { code: 'bad-request' } } });
    expect(await call('subjects.rename', { id: -1, name: 'x' })).toMatchObject({ status: 400 });
    expect(await call('subjects.create', { name: '   ' })).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/must not be empty/) } } });
    expect(await call('no.such', {})).toMatchObject({ status: 404 });
    expect(await call('subjects.list', {})).toMatchObject({ status: 409, body: { error: { code: 'no-project' } } });
    const notJson = await request('POST', '/api/call/app.info', { ...auth(), 'Content-Type': 'application/json' }, '{oops');
    expect(notJson.status).toBe(400);
    const tooBig = await request('POST', '/api/call/app.info', { ...auth(), 'Content-Type': 'application/json' }, JSON.stringify({ pad: 'x'.repeat(2 << 20) }));
    expect(tooBig.status).toBe(400);
  });

  it('runs a whole library session: project, subjects, upload, import job with events, media, delete', async () => {
    const projectDir = path.join(tmp.dir, 'Web.decastudio');
    expect(await call('project.create', { path: projectDir, name: 'Web' })).toMatchObject({ status: 200, body: { value: { name: 'Web', subjectCount: 0 } } });
    const ann = (await call('subjects.create', { name: 'Ann' })).body.value;
    expect((await call('subjects.create', { name: 'ann' })).body.error).toMatchObject({ code: 'conflict' });

    const events: ApiEventMessage[] = [];
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events?token=${server.token}`);
    await new Promise((resolve, reject) => ws.on('open', resolve).on('error', reject));
    ws.on('message', (data) => events.push(JSON.parse(String(data)) as ApiEventMessage));

    const jpeg = readFileSync(path.join(SHARED_PHOTOS, 'london_frl/p005/005_03_neutral_front.jpg'));
    const up = await request('PUT', '/api/upload?name=005_03_neutral_front.jpg', auth(), jpeg);
    const stagedId = JSON.parse(up.body.toString()).value as string;
    // A file that is no image is refused by its first bytes, before the rest is taken.
    const bad = await request('PUT', '/api/upload?name=..%2F..%2Fnotes.jpg', auth(), 'not an image');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body.toString())).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/Not a JPEG, PNG, WebP or TIFF image/) } });
    const { jobId } = (await call('import.start', { subjectId: ann.id, stagedIds: [stagedId] })).body.value;
    await studio.jobs.whenDone(jobId);
    const job = (await call('jobs.get', { id: jobId })).body.value;
    expect(job.job).toMatchObject({ state: 'done', done: 1, total: 1 });
    expect(job.items.map((r: any) => [r.kind, r.name, r.outcome, r.code])).toEqual([['file', '005_03_neutral_front.jpg', 'done', null]]);
    await new Promise((r) => setTimeout(r, 100));
    const updates = events.filter((e) => e.event === 'job.updated');
    expect(updates.at(-1)).toMatchObject({ payload: { job: { id: jobId, state: 'done' } } });
    expect(updates.filter((e) => e.event === 'job.updated' && e.payload.item).length).toBe(1);
    ws.close();

    const [photo] = (await call('photos.list', { subjectId: ann.id })).body.value;
    expect(photo).toMatchObject({ originalName: '005_03_neutral_front.jpg', width: 1350, height: 1350 });
    const thumb = await request('GET', `/media/thumb/${photo.sha256}`, auth());
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    expect((await sharp(thumb.body).metadata()).width).toBe(320);
    expect((await request('GET', `/media/photo/${photo.sha256}?token=${server.token}`)).body).toEqual(jpeg);
    expect((await request('GET', `/media/photo/${'0'.repeat(64)}`, auth())).status).toBe(404);
    expect((await request('GET', `/media/thumb/${photo.sha256}`)).status).toBe(401);

    expect((await call('photos.delete', { id: photo.id })).status).toBe(200);
    expect((await request('GET', `/media/thumb/${photo.sha256}`, auth())).status).toBe(404);
    expect((await call('subjects.rename', { id: ann.id, name: 'Ann B.' })).body.value).toMatchObject({ name: 'Ann B.', photoCount: 0 });
    expect((await call('subjects.delete', { id: ann.id })).status).toBe(200);
    expect((await call('subjects.list', {})).body.value).toEqual([]);
  });

  it('exports a pack head as a job and offers the file for download', async () => {
    const model = syntheticHeadModel({ vertices: 800, shapeCount: 4, expressionCount: 3 });
    model.expression.names = ['jawOpen', 'eyeBlink_L', 'eyeBlink_R'];
    await studio.packs.save(model);
    const packs = (await call('packs.list', {})).body.value;
    expect(packs).toEqual([
      expect.objectContaining({ id: 'starter-head', vertexCount: 7366, expressionCount: 26 }),
      expect.objectContaining({ id: model.id, vertexCount: 800, expressionCount: 3 }),
    ]);
    expect((await call('export.start', { packId: 'Bad Id', format: 'glb' })).status).toBe(400);
    expect((await call('export.start', { packId: model.id, format: 'obj' })).status).toBe(400);
    expect((await call('export.start', { packId: model.id, format: 'glb', outPath: 'relative.glb' })).status).toBe(400);

    const { jobId } = (await call('export.start', { packId: model.id, format: 'glb', animation: 'demo', textureSize: 64 })).body.value;
    await studio.jobs.whenDone(jobId);
    const { job, items } = (await call('jobs.get', { id: jobId })).body.value;
    expect(job).toMatchObject({ kind: 'export', state: 'done', done: 1, total: 1 });
    expect(items[0].kind).toBe('output');
    expect(items[0].name).toMatch(/Web\.decastudio[\\/]exports[\\/].+\.glb$/);
    expect(items[0].message).toMatch(/GLB, .* 6 joints, 3 blendshapes, 1 animation/);
    const download = await request('GET', `/media/export/${jobId}`, auth());
    expect(download.headers['content-disposition']).toMatch(/attachment; filename=".+\.glb"/);
    const doc = await new NodeIO().readBinary(new Uint8Array(download.body));
    expect(doc.getRoot().listSkins()[0]!.listJoints().map((j) => j.getName())).toEqual(['root', 'neck', 'head', 'jaw', 'eye_L', 'eye_R']);
    expect(doc.getRoot().listMeshes()[0]!.getExtras()).toEqual({ targetNames: ['jawOpen', 'eyeBlinkLeft', 'eyeBlinkRight'] });

    // The dialog's chosen folder: the default file name inside it.
    const folder = path.join(tmp.dir, 'chosen folder');
    expect((await call('export.start', { packId: model.id, format: 'glb', outDir: 'relative' })).status).toBe(400);
    expect((await call('export.start', { packId: model.id, format: 'glb', outDir: folder, outPath: path.join(folder, 'x.glb') })).status).toBe(400);
    const into = (await call('export.start', { packId: model.id, format: 'fbx', outDir: folder, textureSize: 64 })).body.value;
    expect(await studio.jobs.whenDone(into.jobId)).toMatchObject({ state: 'done' });
    const written = (await call('jobs.get', { id: into.jobId })).body.value.items[0].name as string;
    expect(path.dirname(written)).toBe(folder);
    expect(path.basename(written)).toMatch(new RegExp(`^${model.id}-\\d{8}-\\d{6}\\.fbx$`));
    expect(existsSync(written)).toBe(true);

    const missing = (await call('export.start', { packId: 'no-such-pack', format: 'fbx' })).body.value;
    const failed = await studio.jobs.whenDone(missing.jobId);
    expect(failed).toMatchObject({ state: 'failed', error: expect.stringMatching(/No model pack "no-such-pack"/) });
    expect((await request('GET', `/media/export/${missing.jobId}`, auth())).status).toBe(404);
  });

  it("serves a reconstruction's stored albedo only with the token, and validates the 3D-view calls", async () => {
    const subject = (await call('subjects.create', { name: 'Albedo' })).body.value;
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#c08070' } }).png().toBuffer();
    const library = studio.requireProject().library;
    const rec = library.reconstructions.save({ subjectId: subject.id, packId: 'starter-head', packHash: '', fitter: 'test', options: {}, shape: [], photoIds: [], stages: [], jobId: null }, []);
    library.maps.put({ reconstructionId: rec, kind: 'albedo', width: 8, height: 8, format: 'png', data: png, meta: {} });
    const served = await request('GET', `/media/albedo/${rec}`, auth());
    expect(served.status).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.body.equals(png)).toBe(true);
    expect((await request('GET', `/media/albedo/${rec}`)).status).toBe(401);
    expect((await request('GET', `/media/albedo/${rec + 1}`, auth())).status).toBe(404);
    expect((await request('GET', `/media/albedo/..%2Fsecret`, auth())).status).toBe(404);
    // The detail normal map (a kind with a hyphen) reaches the media service: none before a detail solve.
    const noDetail = await request('GET', `/media/detail-normal/${rec}?photo=1`, auth());
    expect([noDetail.status, noDetail.body.toString()]).toEqual([404, 'No detail layer for this reconstruction']);
    expect((await request('GET', `/media/detail-normal/${rec}`)).status).toBe(401);
    const other = (await call('subjects.create', { name: 'No head yet' })).body.value;
    expect((await call('subjects.head', { subjectId: other.id })).body.value).toBeNull();
    // What the export dialog asks: the subject's reconstructions per pack.
    expect((await call('subjects.reconstructions', { subjectId: subject.id })).body.value).toEqual([{ packId: 'starter-head', reconstructionId: rec, photoCount: 0, createdAt: expect.any(String) }]);
    expect((await call('subjects.reconstructions', { subjectId: other.id })).body.value).toEqual([]);
    expect((await call('subjects.reconstructions', { subjectId: 999_999 })).status).toBe(404);
    expect((await call('subjects.head', { subjectId: subject.id, packId: 'Bad Id' })).status).toBe(400);
    expect((await call('photos.head', { photoId: -1 })).status).toBe(400);
    expect((await call('photos.head', { photoId: 999_999 })).status).toBe(404);
  });

  it('refuses WebSocket connections without the token or from a foreign origin', async () => {
    const attempt = (url: string, origin?: string) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(url, origin ? { origin } : {});
        ws.on('open', () => (ws.close(), resolve('open')));
        ws.on('error', () => resolve('refused'));
      });
    expect(await attempt(`ws://127.0.0.1:${server.port}/api/events`)).toBe('refused');
    expect(await attempt(`ws://127.0.0.1:${server.port}/api/events?token=${server.token}`, 'http://evil.example')).toBe('refused');
    expect(await attempt(`ws://127.0.0.1:${server.port}/api/events?token=${server.token}`)).toBe('open');
  });
});
