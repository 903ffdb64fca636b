import { defineStore } from 'pinia';
import { computed, reactive, ref } from 'vue';
import type { ImportFileResult, JobInfo, JobState } from '../../../core/api/contract';
import { api, desktopBridge } from '../api/client';
import { errorMessage } from '../lib/errors';
import { useLibraryStore } from './library';

export type ImportPhase = 'uploading' | JobState;

/** One import the user started (or found running): its upload phase, then its job. */
export interface ImportRun {
  key: number;
  subjectId: number;
  subjectName: string;
  phase: ImportPhase;
  /** Browser mode sends bytes first: files sent so far and in all. */
  uploaded: number;
  uploadTotal: number;
  job: JobInfo | null;
  /** Per-file outcomes reported by the job. */
  results: ImportFileResult[];
  /** Files that never reached the job (browser mode: their upload failed). */
  uploadErrors: ImportFileResult[];
  /** Why the whole import failed (not a per-file error). */
  error: string | null;
  cancelRequested: boolean;
}

const FINISHED: readonly ImportPhase[] = ['done', 'failed', 'cancelled', 'interrupted'];
const UPLOAD_CONCURRENCY = 2;

/** True once nothing more will happen to the run. */
export function isFinished(run: ImportRun): boolean {
  return FINISHED.includes(run.phase);
}

/**
 * Photo imports: hands files to the services (paths in Electron, staged uploads in browser mode),
 * follows their jobs through `job.updated` events and keeps each file's outcome for the UI.
 */
export const useImportStore = defineStore('imports', () => {
  const runs = ref<ImportRun[]>([]);
  let nextKey = 1;
  /** Events for jobs whose id `import.start` has not returned yet (events can arrive first). */
  const early = new Map<number, { job: JobInfo; results: ImportFileResult[] }>();

  const active = computed(() => runs.value.filter((r) => !isFinished(r)));

  function runForJob(jobId: number): ImportRun | undefined {
    return runs.value.find((r) => r.job?.id === jobId);
  }

  api().on('job.updated', ({ job, result }) => {
    const run = runForJob(job.id);
    if (!run) {
      const seen = early.get(job.id) ?? { job, results: [] };
      seen.job = job;
      if (result) seen.results.push(result);
      early.set(job.id, seen);
      // Jobs started elsewhere (another window, the CLI) are never claimed: keep only the newest.
      if (early.size > 50) early.delete(early.keys().next().value!);
      return;
    }
    applyUpdate(run, job, result);
  });

  function applyUpdate(run: ImportRun, job: JobInfo, result: ImportFileResult | null): void {
    if (isFinished(run)) return;
    run.job = job;
    run.phase = job.state;
    if (result) {
      run.results.push(result);
      // Show photos as they land rather than all at the end of the job.
      const library = useLibraryStore();
      if (result.outcome === 'imported' && library.selectedId === run.subjectId) void library.refreshPhotosSoon();
    }
    if (isFinished(run)) void settle(run);
  }

  /** Once a job ends, take its results from the library: the events may have raced the start. */
  async function settle(run: ImportRun): Promise<void> {
    if (run.job) {
      try {
        const { job, results } = await api().call('jobs.get', { id: run.job.id });
        run.job = job;
        run.phase = job.state;
        run.results = results;
      } catch {
        // Keep what the events told us; the project may have closed meanwhile.
      }
    }
    const library = useLibraryStore();
    void library.refreshSubjectsSoon();
    if (library.selectedId === run.subjectId) void library.refreshPhotosSoon();
  }

  function attach(run: ImportRun, jobId: number): void {
    run.job = { id: jobId, kind: 'import', state: 'queued', done: 0, total: 0, error: null, createdAt: '', updatedAt: '' };
    run.phase = 'queued';
    const seen = early.get(jobId);
    early.delete(jobId);
    if (seen) {
      run.results.push(...seen.results);
      applyUpdate(run, seen.job, null);
    }
  }

  /**
   * Imports `files` into a subject. In Electron the services read the files where they are;
   * in browser mode each file is uploaded first, then one job imports them all.
   */
  async function start(subjectId: number, subjectName: string, files: readonly File[]): Promise<void> {
    if (files.length === 0) return;
    const run = reactive<ImportRun>({
      key: nextKey++,
      subjectId,
      subjectName,
      phase: 'uploading',
      uploaded: 0,
      uploadTotal: 0,
      job: null,
      results: [],
      uploadErrors: [],
      error: null,
      cancelRequested: false,
    });
    runs.value.unshift(run);
    const bridge = desktopBridge();
    const paths: string[] = [];
    const toUpload: File[] = [];
    for (const file of files) {
      const p = bridge?.pathForFile(file) ?? '';
      if (p) paths.push(p);
      else toUpload.push(file);
    }
    run.uploadTotal = toUpload.length;
    const stagedIds = await uploadAll(run, toUpload);
    if (run.cancelRequested) {
      run.phase = 'cancelled';
      return;
    }
    if (paths.length === 0 && stagedIds.length === 0) {
      run.phase = 'failed';
      run.error = run.uploadErrors.length ? 'No file could be sent to the studio' : 'Nothing to import';
      return;
    }
    try {
      const { jobId } = await api().call('import.start', { subjectId, paths, stagedIds });
      attach(run, jobId);
    } catch (e) {
      run.phase = 'failed';
      run.error = errorMessage(e);
    }
  }

  async function uploadAll(run: ImportRun, files: readonly File[]): Promise<string[]> {
    // Kept in the order the user gave, so photos land in that order whatever finishes first.
    const ids: (string | null)[] = files.map(() => null);
    let next = 0;
    const worker = async () => {
      while (next < files.length && !run.cancelRequested) {
        const index = next++;
        const file = files[index]!;
        try {
          ids[index] = await api().stageUpload(file.name, await file.arrayBuffer());
        } catch (e) {
          run.uploadErrors.push({ source: file.name, outcome: 'failed', photoId: null, code: null, message: `Could not send the file: ${errorMessage(e)}` });
        }
        run.uploaded++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(UPLOAD_CONCURRENCY, files.length) }, worker));
    return ids.filter((id): id is string => id !== null);
  }

  async function cancel(run: ImportRun): Promise<void> {
    run.cancelRequested = true;
    if (!run.job) return;
    try {
      await api().call('jobs.cancel', { id: run.job.id });
    } catch (e) {
      run.error = errorMessage(e);
    }
  }

  function dismiss(run: ImportRun): void {
    runs.value = runs.value.filter((r) => r.key !== run.key);
  }

  /** After opening a project: show jobs that are still running (e.g. started before a reload). */
  async function adoptRunning(): Promise<void> {
    try {
      const jobs = await api().call('jobs.list', {});
      for (const job of jobs) {
        if (job.state !== 'queued' && job.state !== 'running') continue;
        if (runForJob(job.id)) continue;
        const { results } = await api().call('jobs.get', { id: job.id });
        // Jobs do not say which subject they fill; -1 matches none, so the grid refreshes on library.changed.
        runs.value.push(
          reactive<ImportRun>({ key: nextKey++, subjectId: -1, subjectName: '', phase: job.state, uploaded: 0, uploadTotal: 0, job, results, uploadErrors: [], error: null, cancelRequested: false }),
        );
      }
    } catch {
      // Nothing to adopt: the panel just stays empty.
    }
  }

  function reset(): void {
    runs.value = [];
    early.clear();
  }

  return { runs, active, start, cancel, dismiss, adoptRunning, reset };
});
