import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Who may talk to the browser-mode server: requests addressed to our loopback host and port
 * (defeats DNS rebinding), from our own origin when a browser says where it comes from, and
 * carrying the per-launch token (header, cookie set by the first visit, or `?token=`).
 */
export class RequestGuard {
  readonly cookieName: string;
  private readonly tokenBytes: Buffer;
  private readonly hosts: Set<string>;

  constructor(
    readonly token: string,
    readonly port: number,
  ) {
    this.tokenBytes = Buffer.from(token);
    this.hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
    // Cookies are shared by every port of a host, so each server names its own.
    this.cookieName = `deca_token_${port}`;
  }

  get origins(): string[] {
    return [...this.hosts].map((h) => `http://${h}`);
  }

  hostAllowed(req: IncomingMessage): boolean {
    return this.hosts.has(req.headers.host ?? '');
  }

  originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    return origin === undefined || this.origins.includes(origin);
  }

  /** The token the request carries, wherever it carries it. */
  presentedToken(req: IncomingMessage, url: URL): string | null {
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) return auth.slice(7);
    const header = req.headers['x-deca-token'];
    if (typeof header === 'string') return header;
    const cookie = parseCookies(req.headers.cookie)[this.cookieName];
    if (cookie) return cookie;
    return url.searchParams.get('token');
  }

  tokenValid(candidate: string | null): boolean {
    if (candidate === null) return false;
    const bytes = Buffer.from(candidate);
    return bytes.length === this.tokenBytes.length && timingSafeEqual(bytes, this.tokenBytes);
  }

  authenticated(req: IncomingMessage, url: URL): boolean {
    return this.tokenValid(this.presentedToken(req, url));
  }

  sessionCookie(): string {
    return `${this.cookieName}=${this.token}; HttpOnly; SameSite=Strict; Path=/`;
  }
}

function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of header?.split(';') ?? []) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}
