import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { INPUT_LIMITS } from '../../../core/limits/input-limits';
import type { BrowserServer } from '../../../main/server/browser-server';
import { rawExchange, sendThenReset, upgradeRequest, wsFrame } from '../../helpers/raw-http';
import { startTestServer, type TestServer } from '../../helpers/test-studio';

let t: TestServer;
let server: BrowserServer;
// An error event nobody listens to would end the process; here it lands in this list instead.
const uncaught: unknown[] = [];
const onUncaught = (error: unknown) => uncaught.push(error);

beforeAll(async () => {
  process.on('uncaughtException', onUncaught);
  t = await startTestServer('deca-ws-guard-');
  server = t.server;
});
afterAll(async () => {
  process.off('uncaughtException', onUncaught);
  await t.close();
});

async function stillServes(): Promise<void> {
  const answer = await rawExchange(server.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAuthorization: Bearer ${server.token}\r\nConnection: close\r\n\r\n`);
  expect(answer.toString('latin1')).toMatch(/^HTTP\/1\.1 200/);
}

/** Opens an authenticated event socket as raw TCP, so a test can send frames no client library would. */
function openEvents(): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port: server.port });
    socket.on('error', () => undefined);
    socket.once('data', (d: Buffer) => (d.toString('latin1').startsWith('HTTP/1.1 101') ? resolve(socket) : reject(new Error(d.toString()))));
    socket.on('connect', () => socket.write(upgradeRequest(server.port, `/api/events?token=${server.token}`)));
  });
}

function closed(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => (socket.destroyed ? resolve() : socket.on('close', () => resolve())));
}

describe('browser mode WebSocket guard', () => {
  it('survives an upgrade without the token followed by a TCP reset', async () => {
    for (let i = 0; i < 100; i++) await sendThenReset(server.port, upgradeRequest(server.port, '/api/events'));
    await new Promise((r) => setTimeout(r, 50));
    expect(uncaught).toEqual([]);
    await stillServes();
  });

  it('survives an authenticated client that sends invalid UTF-8, an oversized frame, or resets mid-frame', async () => {
    const invalid = await openEvents();
    invalid.write(wsFrame(1, Buffer.from([0xc3, 0x28, 0xff])));
    await closed(invalid);

    const big = await openEvents();
    big.write(wsFrame(2, Buffer.alloc(INPUT_LIMITS.webSocketFrameBytes + 1)));
    await closed(big);

    const rude = await openEvents();
    rude.write(wsFrame(1, Buffer.from('hello')).subarray(0, 4));
    rude.resetAndDestroy();
    await closed(rude);

    await new Promise((r) => setTimeout(r, 50));
    expect(uncaught).toEqual([]);
    await stillServes();
    // and a well-behaved client still gets in
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events?token=${server.token}`);
    await new Promise((resolve, reject) => ws.on('open', resolve).on('error', reject));
    ws.close();
  });
});
