import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { INPUT_LIMITS } from '../../core/limits/input-limits';

export interface WebSocketGuardOptions {
  /** Largest frame (message) a client may send; bigger ones close the connection with 1009. */
  maxFrameBytes: number;
}

export const WEBSOCKET_GUARD_DEFAULTS: WebSocketGuardOptions = { maxFrameBytes: INPUT_LIMITS.webSocketFrameBytes };

/**
 * The WebSocket side of browser mode, hardened: a socket or client that errors (a TCP reset, a frame
 * of invalid UTF-8, a frame over the size limit) is closed on its own, never left to emit an
 * `'error'` that nobody hears (Node ends the process on those).
 *
 * ```ts
 * const events = new GuardedWebSockets();
 * server.on('upgrade', (req, socket, head) => {
 *   events.watch(socket);
 *   if (!allowed(req)) return events.refuse(socket, 403, 'Forbidden');
 *   events.accept(req, socket, head);
 * });
 * ```
 */
export class GuardedWebSockets {
  readonly server: WebSocketServer;
  /** Socket and client errors absorbed so far (resets, bad frames): what used to end the process. */
  absorbedErrors = 0;

  constructor(options: Partial<WebSocketGuardOptions> = {}) {
    const o = { ...WEBSOCKET_GUARD_DEFAULTS, ...options };
    this.server = new WebSocketServer({ noServer: true, maxPayload: o.maxFrameBytes });
    this.server.on('error', () => this.absorbedErrors++);
    this.server.on('connection', (ws: WebSocket) => {
      // ws closes the connection itself (1007 invalid UTF-8, 1009 too big); the event only needs a listener.
      ws.on('error', () => {
        this.absorbedErrors++;
        ws.terminate();
      });
    });
  }

  /** First thing on every upgrade: an error on the raw socket ends that socket, not the server. */
  watch(socket: Duplex): void {
    socket.on('error', () => {
      this.absorbedErrors++;
      socket.destroy();
    });
  }

  /** Answers an upgrade we will not take, without writing to a socket the client already reset. */
  refuse(socket: Duplex, status: number, reason: string): void {
    if (socket.writable && !socket.destroyed) socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
  }

  /** Completes the handshake and hands the client to the `connection` listeners. */
  accept(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.server.handleUpgrade(req, socket, head, (ws) => this.server.emit('connection', ws, req));
  }

  /** Sends text to every open client. */
  broadcast(text: string): void {
    for (const client of this.server.clients) if (client.readyState === client.OPEN) client.send(text);
  }

  close(): void {
    for (const client of this.server.clients) client.terminate();
    this.server.close();
  }
}
