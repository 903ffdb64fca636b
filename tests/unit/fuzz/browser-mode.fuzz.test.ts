import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { BrowserServer } from '../../../main/server/browser-server';
import type { Studio } from '../../../main/services/studio';
import { upgradeRequest, wsFrame } from '../../helpers/raw-http';
import { SHARED_PHOTOS } from '../../helpers/temp-dir';
import { startTestServer, type TestServer } from '../../helpers/test-studio';
import { FuzzRandom, fuzzSeed } from './fuzz-random';

/** The bound of this suite: counts, not seconds. */
const ITERATIONS = { http: 600, upgradeResets: 350, frameConnections: 160, maxFramesPerConnection: 8, authedResets: 200 };
const PARALLEL = 16;
const seed = fuzzSeed();
console.log(`browser-mode fuzz: seed ${seed} (replay with DECA_FUZZ_SEED=${seed}), iterations ${JSON.stringify(ITERATIONS)}`);

let t: TestServer;
let tmp: TestServer['tmp'];
let studio: Studio;
let server: BrowserServer;
let projectDir: string;
const uncaught: unknown[] = [];
const onUncaught = (error: unknown) => uncaught.push(error);

/** API methods the fuzzer may call with a valid token: none of them reads or writes outside the project. */
const SAFE_CALLS: Record<string, () => Record<string, unknown>> = {
  'app.info': () => ({}),
  'subjects.list': () => ({}),
  'subjects.create': () => ({ name: 'Ann', notes: 'n' }),
  'subjects.rename': () => ({ id: 1, name: 'Ben' }),
  'subjects.delete': () => ({ id: 2 }),
  'photos.list': () => ({ subjectId: 1 }),
  'photos.delete': () => ({ id: 1 }),
  'photos.faces': () => ({ photoId: 1 }),
  'photos.selectFace': () => ({ photoId: 1, face: 0 }),
  'photos.reconstruction': () => ({ photoId: 1 }),
  'photos.head': () => ({ photoId: 1 }),
  'subjects.head': () => ({ subjectId: 1 }),
  'subjects.review': () => ({ subjectId: 1 }),
  'detail.swap': () => ({ photoId: 1, fromPhotoId: 2 }),
  'packs.list': () => ({}),
  'packs.evaluate': () => ({ packId: 'starter-head', shape: [0.5], expression: [0.2] }),
  'jobs.list': () => ({}),
  'jobs.get': () => ({ id: 1 }),
  'jobs.cancel': () => ({ id: 1 }),
  'import.start': () => ({ subjectId: 1, stagedIds: ['0123456789abcdef0123456789abcdef'] }),
};

/** Every file and folder under `root` but outside `skip`, with its size and time: what a write would change. */
function snapshot(root: string, skip: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (full === skip) continue;
      const st = statSync(full);
      out.set(path.relative(root, full), e.isDirectory() ? 'dir' : `${st.size}:${st.mtimeMs}`);
      if (e.isDirectory()) walk(full);
    }
  };
  walk(root);
  return out;
}

/** Runs `count` tasks, `PARALLEL` at a time. */
async function pool(count: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: PARALLEL }, async () => {
    while (next < count) await task(next++);
  }));
}

interface Exchange {
  answer: Buffer;
}

/** Connects, writes, and ends: `reset` (TCP RST at once), or `wait` for the answer until the server closes or goes quiet. */
function exchange(bytes: Buffer, ending: 'reset' | 'wait', quietMs = 400): Promise<Exchange> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = net.connect({ host: '127.0.0.1', port: server.port });
    let timer: NodeJS.Timeout | undefined;
    const quiet = () => {
      clearTimeout(timer);
      timer = setTimeout(() => socket.destroy(), quietMs);
    };
    socket.on('error', () => undefined);
    socket.on('data', (c: Buffer) => (chunks.push(c), quiet()));
    socket.on('close', () => (clearTimeout(timer), resolve({ answer: Buffer.concat(chunks) })));
    socket.on('connect', () => {
      socket.write(bytes, () => {
        if (ending === 'reset') socket.resetAndDestroy();
        else quiet();
      });
    });
  });
}

function randomPath(rng: FuzzRandom): string {
  const method = rng.chance(0.8) ? rng.pick(Object.keys(SAFE_CALLS)) : rng.pick(['project.create', 'no.such', '__proto__', 'constructor', '', '%2e%2e', 'app.info/../x']);
  return rng.pick([
    '/',
    '/index.html',
    `/api/call/${method}`,
    `/api/call/${method}`,
    `/api/call/${method}`,
    `/api/upload?name=${encodeURIComponent(rng.nastyString().replace(/[\ud800-\udfff]/g, '?'))}`,
    `/api/upload?name=%ff%fe${rng.pick(['', '%00', '%0d%0a'])}`,
    `/api/call/${rng.pick(['%ff', '%E0%A4%A', '%', '%00app.info', 'app%2einfo'])}`,
    '/api/upload',
    `/api/events`,
    `/media/thumb/${'a'.repeat(64)}`,
    `/media/photo/${rng.bytes(32).toString('hex')}`,
    `/media/export/${rng.int(1e6)}`,
    `/media/fit/${rng.int(100)}?style=shaded`,
    `/media/albedo/${rng.int(10)}/starter-head`,
    `/media/detail-normal/${rng.int(10)}?photo=${rng.pick([String(rng.int(10)), '-1', '1e3', '%00'])}`,
    `/media/${rng.pick(['detail-', '-', 'detail--normal', 'DETAIL-NORMAL'])}/${rng.int(10)}`,
    '/../../etc/passwd',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/assets/..%2f..%2f..%2fetc%2fpasswd',
    '/%c0%ae%c0%ae/etc/passwd',
    '/..\\..\\windows',
    '/%00',
    `/${'a/'.repeat(2000)}`,
    `/${rng.bytes(12).toString('latin1')}`,
    '*',
    'http://evil.example/',
  ]);
}

function randomRequest(rng: FuzzRandom): Buffer {
  const token = server.token;
  const urlPath = randomPath(rng);
  const method = urlPath.startsWith('/api/call/') && rng.chance(0.8) ? 'POST' : urlPath.startsWith('/api/upload') && rng.chance(0.8) ? 'PUT' : rng.pick(['GET', 'POST', 'PUT', 'HEAD', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'get', 'G\u0000T', 'X'.repeat(50)]);
  const headers: string[] = [];
  const host = rng.chance(0.8) ? rng.pick([`127.0.0.1:${server.port}`, `localhost:${server.port}`]) : rng.pick(['evil.example', '', `127.0.0.1:${server.port + 1}`, 'a b', null]);
  if (host !== null) headers.push(`Host: ${host}`);
  const auth = rng.int(8);
  const query = auth === 0 ? `${urlPath.includes('?') ? '&' : '?'}token=${token}` : '';
  if (auth >= 3) headers.push(`Authorization: Bearer ${token}`);
  if (auth === 1) headers.push(`Cookie: deca_token_${server.port}=${token}`);
  if (auth === 2) headers.push(`Authorization: Bearer ${token.slice(0, -1)}x`);
  if (rng.chance(0.15)) headers.push(`Origin: ${rng.pick(['http://evil.example', `http://127.0.0.1:${server.port}`, 'null', ''])}`);
  let body: Buffer = Buffer.alloc(0);
  if (urlPath.startsWith('/api/call/')) {
    const name = urlPath.slice('/api/call/'.length);
    const valid = Object.prototype.hasOwnProperty.call(SAFE_CALLS, name) ? SAFE_CALLS[name]!() : {};
    body = rng.pick([
      () => Buffer.from(JSON.stringify(valid)),
      () => rng.mutate(Buffer.from(JSON.stringify(valid))),
      () => Buffer.from(JSON.stringify(rng.value(3)) ?? ''),
      () => Buffer.from(JSON.stringify({ ...valid, [rng.nastyString()]: rng.value(1) })),
      () => rng.bytes(rng.int(200)),
      () => Buffer.from(`{"pad":"${'x'.repeat(1024 * 1024)}"}`),
    ])();
    if (rng.chance(0.85)) headers.push(`Content-Type: ${rng.pick(['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/jsonx'])}`);
  } else if (urlPath.startsWith('/api/upload')) {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);
    body = rng.pick([() => Buffer.concat([jpeg, rng.bytes(rng.int(3000))]), () => rng.bytes(rng.int(3000)), () => Buffer.from('<!doctype html><p>hi')])();
  } else if (rng.chance(0.1)) {
    body = rng.bytes(rng.int(500));
  }
  const framing = rng.int(10);
  if (framing === 0) {
    headers.push('Transfer-Encoding: chunked');
    body = Buffer.concat([Buffer.from(`${rng.pick([body.length.toString(16), 'zz', '-1', 'fffffffffffffff'])}\r\n`), body, Buffer.from(rng.pick(['\r\n0\r\n\r\n', '\r\n', '']))]);
  } else if (framing === 1) headers.push(`Content-Length: ${rng.pick([body.length + 10, Math.max(0, body.length - 1), -1, 'abc', 2 ** 53])}`);
  else if (body.length || method === 'POST' || method === 'PUT') headers.push(`Content-Length: ${body.length}`);
  if (rng.chance(0.05)) headers.push(`X-Big: ${'h'.repeat(20_000)}`);
  if (rng.chance(0.05)) headers.push(`${rng.pick(['Bad Header', 'X:\u0001', '', ':'])}: v`);
  headers.push('Connection: close');
  const version = rng.chance(0.95) ? 'HTTP/1.1' : rng.pick(['HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'HTTPS/1.1', '']);
  return Buffer.concat([Buffer.from(`${method} ${urlPath}${query} ${version}\r\n${headers.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

function randomFrame(rng: FuzzRandom): Buffer {
  if (rng.chance(0.08)) return rng.bytes(1 + rng.int(40));
  const opcode = rng.chance(0.7) ? rng.pick([1, 1, 2, 0, 8, 9, 10]) : rng.int(16);
  const size = rng.pick([0, 1 + rng.int(125), 126 + rng.int(2000), 60_000 + rng.int(10_000)]);
  let payload = rng.pick([() => rng.bytes(size), () => Buffer.from('x'.repeat(size)), () => Buffer.from([0xc3, 0x28, 0xed, 0xa0, 0x80]), () => Buffer.from([0x03, 0xe8, 0xff])])();
  if (rng.chance(0.05)) {
    // A header that claims a huge payload (2^40 bytes) that never comes.
    return Buffer.from([0x82, 0xff, 0, 0, 0x01, 0, 0, 0, 0, 0, 1, 2, 3, 4]);
  }
  if (payload.length > 70_000) payload = payload.subarray(0, 70_000);
  return wsFrame(opcode, payload, { fin: rng.chance(0.8), mask: rng.chance(0.9), rsv: rng.chance(0.1) ? 1 + rng.int(7) : 0 });
}

/** An authenticated event socket, opened over raw TCP so that anything can be written to it. */
function openEvents(): Promise<net.Socket | null> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port: server.port });
    socket.on('error', () => resolve(null));
    socket.once('data', (d: Buffer) => resolve(d.toString('latin1').startsWith('HTTP/1.1 101') ? socket : (socket.destroy(), null)));
    socket.on('connect', () => socket.write(upgradeRequest(server.port, `/api/events?token=${server.token}`)));
  });
}

beforeAll(async () => {
  process.on('uncaughtException', onUncaught);
  t = await startTestServer('deca-fuzz-server-', { project: 'Fuzz' });
  ({ tmp, studio, server } = t);
  projectDir = t.projectPath!;
  mkdirSync(path.join(t.rendererDir, 'assets'));
  writeFileSync(path.join(tmp.dir, 'secret.txt'), 'top secret');
  // What the app writes to its settings on first use happens before the snapshot is taken.
  await studio.listPacks();
  const subjectId = studio.requireProject().library.writes.createSubject('Ann');
  await studio.jobs.whenDone(studio.startImport(subjectId, [path.join(SHARED_PHOTOS, 'london_frl/p005/005_03_neutral_front.jpg')], []));
}, 120_000);
afterAll(async () => {
  process.off('uncaughtException', onUncaught);
  await t.close();
});

describe(`browser-mode fuzz (seed ${seed})`, () => {
  it('stays up and writes nothing outside the project under random requests, frames and resets', async () => {
    const rng = new FuzzRandom(seed);
    const before = snapshot(tmp.dir, projectDir);
    const problems: string[] = [];
    const count = { httpAnswered: 0, httpReset: 0, upgradeResets: 0, frames: 0, frameConnections: 0, authedResets: 0, statuses: new Map<number, number>() };

    // 1. HTTP: random and mutated requests; some answered, some cut off with a reset.
    const requests = Array.from({ length: ITERATIONS.http }, () => ({ bytes: randomRequest(rng), reset: rng.chance(0.3) }));
    await pool(requests.length, async (i) => {
      const { bytes, reset } = requests[i]!;
      const { answer } = await exchange(bytes, reset ? 'reset' : 'wait');
      if (reset) return void count.httpReset++;
      count.httpAnswered++;
      if (answer.length === 0) return;
      const head = answer.subarray(0, 200).toString('latin1');
      const status = Number(/^HTTP\/1\.[01] (\d{3}) /.exec(head)?.[1]);
      count.statuses.set(status, (count.statuses.get(status) ?? 0) + 1);
      if (!status) problems.push(`request ${i}: not an HTTP answer: ${JSON.stringify(head.slice(0, 60))}`);
      else if (status >= 500) problems.push(`request ${i}: ${status} for ${JSON.stringify(bytes.subarray(0, 120).toString('latin1'))}: ${JSON.stringify(answer.subarray(answer.indexOf('\r\n\r\n') + 4).toString().slice(0, 200))}`);
      if (answer.includes('top secret')) problems.push(`request ${i}: served a file outside the renderer`);
    });

    // 2. WebSocket upgrades without the right token, Host or Origin, ended by a TCP reset.
    const upgrades = Array.from({ length: ITERATIONS.upgradeResets }, () => {
      const extra: Record<string, string> = {};
      if (rng.chance(0.3)) extra.Origin = rng.pick(['http://evil.example', 'null']);
      if (rng.chance(0.2)) extra.Host = 'evil.example';
      if (rng.chance(0.2)) extra['Sec-WebSocket-Version'] = rng.pick(['8', '', 'x']);
      const where = rng.pick(['/api/events', '/api/events?token=wrong', '/', '/api/call/app.info', `/api/events?token=${server.token}x`]);
      return Buffer.from(upgradeRequest(server.port, where, extra), 'latin1');
    });
    await pool(upgrades.length, async (i) => {
      await exchange(upgrades[i]!, 'reset');
      count.upgradeResets++;
    });

    // 3. Authenticated sockets sent random, malformed and oversized frames, then reset or closed.
    const plans = Array.from({ length: ITERATIONS.frameConnections }, () => ({
      frames: Array.from({ length: 1 + rng.int(ITERATIONS.maxFramesPerConnection) }, () => randomFrame(rng)),
      reset: rng.chance(0.5),
    }));
    await pool(plans.length, async (i) => {
      const socket = await openEvents();
      if (!socket) return void problems.push(`frames ${i}: the authenticated upgrade was refused`);
      count.frameConnections++;
      for (const frame of plans[i]!.frames) {
        if (socket.destroyed) break;
        socket.write(frame);
        count.frames++;
      }
      await new Promise((r) => setImmediate(r));
      if (plans[i]!.reset) {
        if (!socket.destroyed) socket.resetAndDestroy();
        count.authedResets++;
      } else socket.end();
      await new Promise<void>((r) => (socket.destroyed ? r() : socket.once('close', () => r())));
    });

    // 4. Authenticated upgrades reset mid-handshake or right after it.
    await pool(ITERATIONS.authedResets, async (i) => {
      if (i % 2 === 0) {
        await exchange(Buffer.from(upgradeRequest(server.port, `/api/events?token=${server.token}`)), 'reset');
      } else {
        const socket = await openEvents();
        socket?.resetAndDestroy();
      }
      count.authedResets++;
    });

    await new Promise((r) => setTimeout(r, 100));
    const resetsAndFrames = count.httpReset + count.upgradeResets + count.authedResets + count.frames;
    console.log(
      `browser-mode fuzz: seed ${seed}: ${count.httpAnswered} HTTP requests answered (${[...count.statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ')}), ${count.httpReset} reset; ` +
        `${count.upgradeResets} refused upgrades reset; ${count.frames} random frames on ${count.frameConnections} sockets; ${count.authedResets} authenticated resets; ${resetsAndFrames} resets and frames in all`,
    );
    expect(uncaught.map(String), `seed ${seed}: errors nobody handled`).toEqual([]);
    expect(problems.slice(0, 10), `seed ${seed}`).toEqual([]);
    expect(resetsAndFrames).toBeGreaterThanOrEqual(1000);

    // Still up: the app, the API and the event stream answer as before.
    const page = await fetch(`http://127.0.0.1:${server.port}/`, { headers: { Authorization: `Bearer ${server.token}` } });
    expect(page.status).toBe(200);
    const info = await fetch(`http://127.0.0.1:${server.port}/api/call/app.info`, { method: 'POST', headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' }, body: '{}' });
    expect(((await info.json()) as { ok: boolean }).ok).toBe(true);
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events?token=${server.token}`);
    await new Promise((resolve, reject) => ws.on('open', resolve).on('error', reject));
    const heard = new Promise((resolve) => ws.once('message', resolve));
    studio.events.emit('library.changed', { subjectId: null });
    expect(JSON.parse(String(await heard))).toMatchObject({ event: 'library.changed' });
    ws.close();

    // Nothing outside the project was written (the settings, the renderer, the secret beside them).
    const after = snapshot(tmp.dir, projectDir);
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter((k) => before.get(k) !== after.get(k));
    expect(changed, `seed ${seed}`).toEqual([]);
    expect(readFileSync(path.join(tmp.dir, 'secret.txt'), 'utf8')).toBe('top secret');
  });
});
