import { ref, type Ref } from 'vue';
import type { JobInfo, JobItem } from '../../../core/api/contract';
import { api } from '../api/client';

/** A job as the UI follows it: its state and progress, and the items it reported so far. */
export interface FollowedJob {
  job: Ref<JobInfo>;
  items: Ref<JobItem[]>;
  /** Resolves with the final state once the job has ended (its items read back from the library). */
  finished: Promise<JobInfo>;
  /** Stops following (the job itself goes on). */
  stop(): void;
}

export interface FollowJobOptions {
  /** Told each item as it arrives (e.g. refresh the photo grid when a file was imported). */
  onItem?: (item: JobItem) => void;
  /** Told every change of state, progress or items (after it is applied). */
  onUpdate?: (job: JobInfo, items: readonly JobItem[]) => void;
}

const ENDED: readonly JobInfo['state'][] = ['done', 'failed', 'cancelled', 'interrupted'];

/** True once nothing more will happen to the job. */
export function jobEnded(job: JobInfo | null | undefined): boolean {
  return !!job && ENDED.includes(job.state);
}

/**
 * Follows one job, whatever its kind (import, analyze, reconstruct, export), through `job.updated`
 * events. Events may race the call that started the job, so the job is read once when following
 * starts and once when it ends; the final read is the truth (every item, in order).
 *
 * ```ts
 * const { jobId } = await api().call('export.start', request);
 * const { job, items, finished } = followJob(jobId);
 * await finished;
 * ```
 */
export function followJob(jobId: number, options: FollowJobOptions = {}): FollowedJob {
  const job = ref<JobInfo>({ id: jobId, kind: 'import', state: 'queued', done: 0, total: 0, error: null, subjectId: null, createdAt: '', updatedAt: '' }) as Ref<JobInfo>;
  const items = ref<JobItem[]>([]) as Ref<JobItem[]>;
  let settled = false;
  let resolve!: (job: JobInfo) => void;
  const finished = new Promise<JobInfo>((r) => (resolve = r));

  const settle = async () => {
    if (settled) return;
    settled = true;
    off();
    try {
      const got = await api().call('jobs.get', { id: jobId });
      if (got?.job) {
        job.value = got.job;
        items.value = got.items;
        options.onUpdate?.(got.job, got.items);
      }
    } catch {
      // Keep what the events said: the project may have closed meanwhile.
    }
    resolve(job.value);
  };

  const off = api().on('job.updated', ({ job: update, item }) => {
    if (update.id !== jobId || settled) return;
    job.value = update;
    if (item) items.value = [...items.value, item];
    options.onUpdate?.(update, items.value);
    if (item) options.onItem?.(item);
    if (jobEnded(update)) void settle();
  });

  void api()
    .call('jobs.get', { id: jobId })
    .then((got) => {
      if (settled || !got?.job) return;
      job.value = got.job;
      if (got.items.length > items.value.length) items.value = got.items;
      options.onUpdate?.(got.job, items.value);
      if (jobEnded(got.job)) void settle();
    })
    .catch(() => undefined);

  return {
    job,
    items,
    finished,
    stop: () => {
      settled = true;
      off();
    },
  };
}
