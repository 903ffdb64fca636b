import { beforeEach, describe, expect, it } from 'vitest';
import type { ApiRequest, JobInfo, JobItem } from '../../../core/api/contract';
import { installFakeBridge } from '../../helpers/fake-bridge';

// The renderer's import store against a fake Electron bridge: the one transport the browser e2e
// test cannot reach (Electron does not launch here). Runs under Node with a minimal `window`.

const staged: string[] = [];
let onImportStart: (req: ApiRequest<'import.start'>) => void = () => undefined;
let jobItems: JobItem[] = [];
let jobState: JobInfo | null = null;

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

const fake = installFakeBridge(
  {
    'import.start': (req) => {
      onImportStart(req);
      return { jobId: 7 };
    },
    // Null until a test sets the job: followJob then keeps what the events said.
    'jobs.get': () => ({ job: jobState!, items: jobItems }),
    'subjects.list': () => [],
    'photos.list': () => [],
  },
  {
    stage(name) {
      staged.push(name);
      return `staged-${name}`;
    },
    // Files dragged from a web page have no path: those must be uploaded instead.
    pathForFile: (file) => (file.name.startsWith('web-') ? '' : `/photos/${file.name}`),
  },
);
const { emit } = fake;

const { useImportStore } = await import('../../../renderer/src/stores/imports');

const file = (name: string) => new File([new Uint8Array([0xff, 0xd8, 0xff])], name, { type: 'image/jpeg' });
const flush = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => {
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

    expect(fake.requests('import.start')[0]).toEqual({ subjectId: 3, paths: ['/photos/a.jpg', '/photos/b.jpg'], stagedIds: ['staged-web-c.jpg'] });
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
    expect(fake.requests('jobs.get').length > 0).toBe(true);
  });

  it('cancels a running job through jobs.cancel', async () => {
    const store = useImportStore();
    await store.start(3, 'Ann', [file('a.jpg')]);
    const run = store.runs[0]!;
    await store.cancel(run);
    expect(fake.requests('jobs.cancel')[0]).toEqual({ id: 7 });
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
