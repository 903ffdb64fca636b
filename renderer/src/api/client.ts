import { ApiError } from '../../../core/api/api-error';
import type { ApiClient, ApiEventMessage, ApiEventName, ApiEvents, ApiMethod, ApiRequest, ApiResponse } from '../../../core/api/contract';
import './bridge-types';

type Result = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

function unwrap<T>(result: Result): T {
  if (result.ok) return result.value as T;
  throw ApiError.fromJSON(result.error);
}

class Listeners {
  private readonly map = new Map<string, Set<(payload: unknown) => void>>();
  on(event: string, fn: (payload: unknown) => void): () => void {
    const set = this.map.get(event) ?? new Set();
    set.add(fn);
    this.map.set(event, set);
    return () => set.delete(fn);
  }
  dispatch(message: ApiEventMessage): void {
    for (const fn of this.map.get(message.event) ?? []) fn(message.payload);
  }
}

/** Electron: the contract over preload's IPC bridge; media through the deca-media: protocol. */
function electronClient(bridge: NonNullable<Window['decaStudio']>): ApiClient {
  const listeners = new Listeners();
  bridge.onEvent((m) => listeners.dispatch(m));
  return {
    call: async (method, req) => unwrap(await (bridge.call(method, req) as Promise<Result>)),
    on: (event, fn) => listeners.on(event, fn as (p: unknown) => void),
    stageUpload: async (name, bytes) => unwrap<string>((await bridge.stage(name, bytes)) as Result),
    mediaUrl: (kind, sha) => `deca-media://${kind}/${sha}`,
    fitUrl: (photoId, style = 'grey', packId = null) => `deca-media://fit/${photoId}?style=${style}${packId ? `&pack=${packId}` : ''}&t=${Date.now()}`,
    swapUrl: (photoId, fromPhotoId, packId = null) => `deca-media://swap/${photoId}?from=${fromPhotoId}${packId ? `&pack=${packId}` : ''}`,
    albedoUrl: (reconstructionId) => `deca-media://albedo/${reconstructionId}`,
    detailNormalUrl: (reconstructionId, photoId = null) => `deca-media://detail-normal/${reconstructionId}${photoId === null ? '' : `?photo=${photoId}`}`,
  };
}

/**
 * Browser mode: the contract over HTTP to the server that served this page. The access token
 * travels in an HttpOnly cookie the server set on the first visit, so scripts never see it.
 */
function httpClient(): ApiClient {
  const listeners = new Listeners();
  let socket: WebSocket | null = null;
  const connect = () => {
    const url = new URL('api/events', window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(url);
    socket.onmessage = (e) => listeners.dispatch(JSON.parse(String(e.data)) as ApiEventMessage);
    socket.onclose = () => setTimeout(connect, 1000);
  };
  connect();
  return {
    call: async <M extends ApiMethod>(method: M, req: ApiRequest<M>) => {
      const res = await fetch(`api/call/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(req ?? {}),
        credentials: 'same-origin',
      });
      const body = (await res.json().catch(() => null)) as Result | null;
      if (!body) throw new ApiError('internal', `The server answered ${res.status}`);
      return unwrap<ApiResponse<M>>(body);
    },
    on: <E extends ApiEventName>(event: E, fn: (payload: ApiEvents[E]) => void) => listeners.on(event, fn as (p: unknown) => void),
    stageUpload: async (name, bytes) => {
      const res = await fetch(`api/upload?name=${encodeURIComponent(name)}`, { method: 'PUT', body: bytes, credentials: 'same-origin' });
      const body = (await res.json().catch(() => null)) as Result | null;
      if (!body) throw new ApiError('internal', `The upload failed (${res.status})`);
      return unwrap<string>(body);
    },
    mediaUrl: (kind, sha) => `media/${kind}/${sha}`,
    // A reconstruction can be redone: never let the browser show a cached render.
    fitUrl: (photoId, style = 'grey', packId = null) => `media/fit/${photoId}?style=${style}${packId ? `&pack=${packId}` : ''}&t=${Date.now()}`,
    // The server answers no-store; the render is cached there, keyed by every detail solve it depends on.
    swapUrl: (photoId, fromPhotoId, packId = null) => `media/swap/${photoId}?from=${fromPhotoId}${packId ? `&pack=${packId}` : ''}`,
    albedoUrl: (reconstructionId) => `media/albedo/${reconstructionId}`,
    // Not cached by the browser (the server answers no-store): a detail solved again keeps its URL.
    detailNormalUrl: (reconstructionId, photoId = null) => `media/detail-normal/${reconstructionId}${photoId === null ? '' : `?photo=${photoId}`}`,
  };
}

let client: ApiClient | null = null;

/**
 * The one API client of the renderer, on whichever transport this page runs.
 *
 * ```ts
 * const subjects = await api().call('subjects.list', {});
 * ```
 */
export function api(): ApiClient {
  client ??= window.decaStudio ? electronClient(window.decaStudio) : httpClient();
  return client;
}

/** Electron-only helpers (file paths, native folder picker); null in browser mode. */
export function desktopBridge(): NonNullable<Window['decaStudio']> | null {
  return window.decaStudio ?? null;
}
