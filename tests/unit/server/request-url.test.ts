import { mkdirSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserServer, type BrowserServer } from '../../../main/server/browser-server';
import { requestUrl, safeDecode } from '../../../main/server/request-url';
import { Studio } from '../../../main/services/studio';
import { rawExchange } from '../../helpers/raw-http';
import { makeTempDir } from '../../helpers/temp-dir';

let tmp: ReturnType<typeof makeTempDir>;
let studio: Studio;
let server: BrowserServer;
beforeAll(async () => {
  tmp = makeTempDir('deca-request-url-');
  mkdirSync(path.join(tmp.dir, 'r'));
  writeFileSync(path.join(tmp.dir, 'r', 'index.html'), '<!doctype html>');
  studio = new Studio({ mode: 'browser', version: 'test', settingsDir: path.join(tmp.dir, 'home') });
  server = await startBrowserServer({ studio, rendererDir: path.join(tmp.dir, 'r') });
});
afterAll(async () => {
  await server.close();
  await studio.dispose();
  tmp.cleanup();
});

const status = async (line: string, host = `127.0.0.1:${server.port}`) => {
  const answer = await rawExchange(server.port, `${line}\r\nHost: ${host}\r\nAuthorization: Bearer ${server.token}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
  return Number(answer.toString('latin1').split(' ')[1]);
};

describe('request URLs', () => {
  it('parses paths against a fixed base and refuses what is not a path', () => {
    const req = (url: string) => ({ url, headers: { host: 'a b' } }) as unknown as IncomingMessage;
    expect(requestUrl(req('/x?y=1'))?.pathname).toBe('/x');
    expect(requestUrl(req('*'))).toBeNull();
    expect(requestUrl(req('http://evil.example/'))).toBeNull();
    expect(safeDecode('%E0%A4%A')).toBeNull();
  });

  it('a strange request line, Host or escape is a 4xx answer, never a 500 (found by the fuzz suite)', async () => {
    expect(await status('GET * HTTP/1.1')).toBe(400);
    expect(await status('GET http://evil.example/ HTTP/1.1')).toBe(400);
    expect(await status('GET / HTTP/1.1', '')).toBe(421);
    expect(await status('POST /api/call/%E0%A4%A HTTP/1.1')).toBe(404);
  });
});
