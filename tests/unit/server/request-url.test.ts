import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserServer } from '../../../main/server/browser-server';
import { requestUrl, safeDecode } from '../../../main/server/request-url';
import { rawExchange } from '../../helpers/raw-http';
import { startTestServer, type TestServer } from '../../helpers/test-studio';

let t: TestServer;
let server: BrowserServer;
beforeAll(async () => {
  t = await startTestServer('deca-request-url-');
  server = t.server;
});
afterAll(() => t.close());

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
