import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ApiEventMessage, JobInfo, JobItem } from '../../../core/api/contract';
import type { DecaStudioBridge } from '../../../renderer/src/api/bridge-types';

// The renderer's import store against a fake Electron bridge: the one transport the browser e2e
// test cannot reach (Electron does not launch here). Runs under Node with a minimal `window`.

const listeners = new Set<(m: ApiEventMessage) => void>();
const calls: { method: string; req: unknown }[] = [];
const staged: string[] = [];
let onImportStart: (req: { subjectId: number; paths?: string[]; stagedIds?: string[] }) => void = () => undefined;
let jobItems: JobItem[] = [];
let jobState: JobInfo | null = null;

const emit = (m: ApiEventMessage) => listeners.forEach((l) => l(m));
const job = (state: JobInfo['state'], done: number, total: number): JobInfo => ({
  id: 7,
  kind: 'import',
  state,
  done,
  total,
  error: null,
  subjectId: 3,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
});
const ok = (value: unknown) => ({ ok: true, value });

const bridge: DecaStudioBridge = {
  async call(method, req) {
    calls.push({ method, req });
    if (method === 'import.start') {
      onImportStart(req as never);
      return ok({ jobId: 7 });
    }
    if (method === 'jobs.get') return ok({ job: jobState, items: jobItems });
    if (method === 'subjects.list') return ok([]);
    if (method === 'photos.list') return ok([]);
    return ok(null);
  },
  async stage(name) {
    staged.push(name);
    return ok(`staged-${name}`);
  },
  onEvent(listener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  // Files dragged from a web page have no path: those must be uploaded instead.
  pathForFile: (file) => (file.name.startsWith('web-') ? '' : `/photos/${file.name}`),
  pickFolder: async () => null,
};
(globalThis as { window?: unknown }).window = { decaStudio: bridge };

const { useImportStore } = await import('../../../renderer/src/stores/imports');

const file = (name: string) => new File([new Uint8Array([0xff, 0xd8, 0xff])], name, { type: 'image/jpeg' });
const flush = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => {
  setActivePinia(createPinia());
  calls.length = 0;
  staged.length = 0;
  jobItems = [];
  jobState = null;
  onImportStart = () => undefined;
});

describe('import store (Electron bridge)', () => {
  it('sends paths for local files, uploads the rest, and follows the job even when its events beat import.start', async () => {
    const item = (name: string, outcome: JobItem['outcome'], code: string | null, message: string | null): JobItem => ({ kind: 'file', name, outcome, subjectId: 3, photoId: outcome === 'done' ? 1 : null, code, message, seconds: null });
    const good = item('/photos/a.jpg', 'done', null, null);
    const bad = item('/photos/b.jpg', 'failed', 'corrupt-image', 'The JPEG data is damaged or truncated');
    // The services announce the job's first files before the start call has even answered: the
    // store reads the job once when it starts following, as the library has it by then.
    onImportStart = () => {
      emit({ event: 'job.updated', payload: { job: job('running', 0, 3), item: null } });
      emit({ event: 'job.updated', payload: { job: job('running', 1, 3), item: good } });
      emit({ event: 'job.updated', payload: { job: job('running', 2, 3), item: bad } });
      jobState = job('running', 2, 3);
      jobItems = [good, bad];
    };
    const store = useImportStore();
    await store.start(3, 'Ann', [file('a.jpg'), file('b.jpg'), file('web-c.jpg')]);

    expect(calls.find((c) => c.method === 'import.start')?.req).toEqual({ subjectId: 3, paths: ['/photos/a.jpg', '/photos/b.jpg'], stagedIds: ['staged-web-c.jpg'] });
    expect(staged).toEqual(['web-c.jpg']);
    await flush();
    const run = store.runs[0]!;
    expect(run.phase).toBe('running');
    expect(run.items).toEqual([good, bad]);

    const third = { ...item('web-c.jpg', 'done', null, null), photoId: 2 };
    jobItems = [good, bad, third];
    jobState = job('done', 3, 3);
    emit({ event: 'job.updated', payload: { job: job('running', 3, 3), item: third } });
    emit({ event: 'job.updated', payload: { job: job('done', 3, 3), item: null } });
    await flush();
    expect(run.phase).toBe('done');
    expect(run.items).toEqual([good, bad, third]);
    expect(calls.some((c) => c.method === 'jobs.get')).toBe(true);
  });

  it('cancels a running job through jobs.cancel', async () => {
    const store = useImportStore();
    await store.start(3, 'Ann', [file('a.jpg')]);
    const run = store.runs[0]!;
    await store.cancel(run);
    expect(calls.find((c) => c.method === 'jobs.cancel')?.req).toEqual({ id: 7 });
    jobState = job('cancelled', 0, 1);
    emit({ event: 'job.updated', payload: { job: job('cancelled', 0, 1), item: null } });
    await flush();
    expect(run.phase).toBe('cancelled');
  });

  it('ignores events of jobs it did not start', async () => {
    const store = useImportStore();
    emit({ event: 'job.updated', payload: { job: { ...job('running', 0, 1), id: 99 }, item: null } });
    expect(store.runs).toEqual([]);
  });
});
