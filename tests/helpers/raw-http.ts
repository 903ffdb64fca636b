import net from 'node:net';

/**
 * Opens a TCP connection to browser mode, writes `bytes`, and ends it the rude way: a TCP reset
 * (RST) instead of a FIN, as a crashed or hostile client would. Resolves once the socket is gone.
 */
export function sendThenReset(port: number, bytes: Buffer | string, waitMs = 0): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve());
    socket.on('connect', () => {
      socket.write(bytes, () => {
        if (waitMs === 0) socket.resetAndDestroy();
        else setTimeout(() => socket.resetAndDestroy(), waitMs);
      });
    });
  });
}

/** Sends `bytes` and collects everything the server answers until it closes (or `idleMs` of silence). */
export function rawExchange(port: number, bytes: Buffer | string, idleMs = 2000): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = net.connect({ host: '127.0.0.1', port });
    let timer = setTimeout(() => socket.destroy(), idleMs);
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      clearTimeout(timer);
      timer = setTimeout(() => socket.destroy(), idleMs);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => (clearTimeout(timer), resolve(Buffer.concat(chunks))));
    socket.on('connect', () => socket.write(bytes));
  });
}

/** The HTTP/1.1 request that upgrades to a WebSocket on `path`. */
export function upgradeRequest(port: number, path: string, extra: Record<string, string> = {}): string {
  const headers = {
    Host: `127.0.0.1:${port}`,
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    ...extra,
  };
  return `GET ${path} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
}

/**
 * One client-to-server WebSocket frame (masked, as clients must mask). `opcode` 1 is text, 2 binary,
 * 8 close, 9 ping; `fin` false starts a fragmented message.
 */
export function wsFrame(opcode: number, payload: Buffer, options: { fin?: boolean; mask?: boolean; rsv?: number } = {}): Buffer {
  const fin = options.fin ?? true;
  const mask = options.mask ?? true;
  const len = payload.length;
  const head: number[] = [(fin ? 0x80 : 0) | ((options.rsv ?? 0) << 4) | (opcode & 0x0f)];
  const m = mask ? 0x80 : 0;
  if (len < 126) head.push(m | len);
  else if (len < 65536) head.push(m | 126, len >> 8, len & 0xff);
  else {
    head.push(m | 127, 0, 0, 0, 0);
    head.push((len >>> 24) & 0xff, (len >>> 16) & 0xff, (len >>> 8) & 0xff, len & 0xff);
  }
  if (!mask) return Buffer.concat([Buffer.from(head), payload]);
  const key = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const body = Buffer.from(payload.map((b, i) => b ^ key[i % 4]!));
  return Buffer.concat([Buffer.from(head), key, body]);
}
