import { createPinia, setActivePinia } from 'pinia';
import { beforeEach } from 'vitest';
import { ApiError } from '../../core/api/api-error';
import type { ApiEventMessage, ApiMethod, ApiRequest, ApiResponse } from '../../core/api/contract';
import type { DecaStudioBridge } from '../../renderer/src/api/bridge-types';

// The renderer's stores talk to the services through preload's bridge (`window.decaStudio`), which
// Electron alone provides: the store tests run under Node against this fake instead. Its answers
// are typed by core/api/contract.ts, so a fixture that no longer fits the API fails the typecheck.

/** One answer per method the test cares about; a thrown `ApiError` is answered as the services answer it (`ok: false`). */
export type FakeAnswers = { [M in ApiMethod]?: (req: ApiRequest<M>) => ApiResponse<M> | Promise<ApiResponse<M>> };

/** Preload's Electron-only helpers, for a test that needs them to do something. */
export interface FakeDesktop {
  /** Stages an upload and returns its id (default: an empty id). */
  stage?: (name: string) => string;
  /** A dropped file's path on disk ('' for one that has none; default: none has one). */
  pathForFile?: DecaStudioBridge['pathForFile'];
  /** The native folder picker (default: cancelled). */
  pickFolder?: DecaStudioBridge['pickFolder'];
}

/** The fake bridge a store test drives: what was called, and events to push at the stores. */
export interface FakeBridge {
  readonly bridge: DecaStudioBridge;
  /** Every call, in order, since the test began. */
  readonly calls: { method: ApiMethod; req: unknown }[];
  /** The requests of one method, in order. */
  requests<M extends ApiMethod>(method: M): ApiRequest<M>[];
  /** Pushes a service event to the stores, as main does over IPC. */
  emit(message: ApiEventMessage): void;
}

/**
 * Installs a fake preload bridge as `window.decaStudio` and gives every test a fresh Pinia and an
 * empty call log. Methods without an answer answer null. Import the stores after this (dynamically),
 * so that nothing reads `window` before it exists.
 *
 * ```ts
 * const fake = installFakeBridge({ 'subjects.list': () => [ann] });
 * const { useLibraryStore } = await import('../../../renderer/src/stores/library');
 * // …
 * expect(fake.requests('export.start')[0]).toMatchObject({ packId: 'starter-head' });
 * ```
 */
export function installFakeBridge(answers: FakeAnswers, desktop: FakeDesktop = {}): FakeBridge {
  const calls: FakeBridge['calls'] = [];
  const listeners = new Set<(m: ApiEventMessage) => void>();
  const ok = (value: unknown) => ({ ok: true, value });
  const bridge: DecaStudioBridge = {
    async call(method, req) {
      calls.push({ method: method as ApiMethod, req });
      const answer = answers[method as ApiMethod] as ((req: unknown) => unknown) | undefined;
      try {
        return ok(answer ? await answer(req) : null);
      } catch (error) {
        if (error instanceof ApiError) return { ok: false, error: error.toJSON() };
        throw error;
      }
    },
    stage: async (name) => ok(desktop.stage?.(name) ?? ''),
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    pathForFile: desktop.pathForFile ?? (() => ''),
    pickFolder: desktop.pickFolder ?? (async () => null),
  };
  (globalThis as { window?: unknown }).window = { decaStudio: bridge };
  beforeEach(() => {
    setActivePinia(createPinia());
    calls.length = 0;
  });
  return {
    bridge,
    calls,
    requests: <M extends ApiMethod>(method: M) => calls.filter((c) => c.method === method).map((c) => c.req as ApiRequest<M>),
    emit: (message) => listeners.forEach((l) => l(message)),
  };
}
