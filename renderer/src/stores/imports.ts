import { defineStore } from 'pinia';
import { computed, reactive, ref } from 'vue';
import type { JobInfo, JobItem, JobState } from '../../../core/api/contract';
import { api, desktopBridge } from '../api/client';
import { errorMessage } from '../lib/errors';
import { followJob } from '../lib/follow-job';
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
  /** Per-file outcomes reported by the job ('done' = imported). */
  items: JobItem[];
  /** Files that never reached the job (browser mode: their upload failed). */
  uploadErrors: JobItem[];
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
 * follows their jobs (see `followJob`) and keeps each file's outcome for the UI.
 */
export const useImportStore = defineStore('imports', () => {
  const runs = ref<ImportRun[]>([]);
  let nextKey = 1;

  const active = computed(() => runs.value.filter((r) => !isFinished(r)));

  function runForJob(jobId: number): ImportRun | undefined {
    return runs.value.find((r) => r.job?.id === jobId);
  }

  /** Follows the run's job until it ends; photos show in the grid as they land. */
  function attach(run: ImportRun, jobId: number): void {
    run.phase = 'queued';
    const followed = followJob(jobId, {
      onUpdate: (job, items) => {
        run.job = job;
        run.phase = job.state;
        run.items = [...items];
      },
      onItem: (item) => {
        const library = useLibraryStore();
        if (item.outcome === 'done' && library.selectedId === run.subjectId) void library.refreshPhotosSoon();
      },
    });
    run.job = followed.job.value;
    void followed.finished.then(() => {
      const library = useLibraryStore();
      void library.refreshSubjectsSoon();
      if (library.selectedId === run.subjectId || run.subjectId === -1) void library.refreshPhotosSoon();
    });
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
      items: [],
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
          run.uploadErrors.push({ kind: 'file', name: file.name, outcome: 'failed', subjectId: run.subjectId, photoId: null, code: null, message: `Could not send the file: ${errorMessage(e)}`, seconds: null });
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

  /** After opening a project: show imports that are still running (e.g. started before a reload); other kinds of job are the faces store's. */
  async function adoptRunning(): Promise<void> {
    try {
      const jobs = await api().call('jobs.list', {});
      for (const job of jobs) {
        if (job.kind !== 'import' || (job.state !== 'queued' && job.state !== 'running') || runForJob(job.id)) continue;
        const library = useLibraryStore();
        const name = library.subjects.find((s) => s.id === job.subjectId)?.name ?? '';
        const run = reactive<ImportRun>({ key: nextKey++, subjectId: job.subjectId ?? -1, subjectName: name, phase: job.state, uploaded: 0, uploadTotal: 0, job, items: [], uploadErrors: [], error: null, cancelRequested: false });
        runs.value.push(run);
        attach(run, job.id);
      }
    } catch {
      // Nothing to adopt: the panel just stays empty.
    }
  }

  function reset(): void {
    runs.value = [];
  }

  return { runs, active, start, cancel, dismiss, adoptRunning, reset };
});
