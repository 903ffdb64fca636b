import type { JobInfo, JobItem, JobKind } from '../../core/api/contract';
import type { Project } from '../project/project';
import type { EventBus } from '../services/event-bus';

/** What a job's work function gets: its id, a cancel signal and progress reporting. */
export interface JobContext {
  readonly jobId: number;
  readonly signal: AbortSignal;
  setTotal(total: number): void;
  /** Progress: one more step done (a photo, a stage), whether or not it leaves an item. */
  step(): void;
  /**
   * Records one item (a file, photo, stage or output: persisted) and announces it; `progress` also
   * counts it as a step done (imports count each file this way).
   */
  addItem(item: JobItem, progress?: boolean): void;
}

/** Options of a job: the subject it works on (shown by the UI, kept in the library). */
export interface EnqueueOptions {
  subjectId?: number | null;
}

export type JobWork = (ctx: JobContext) => Promise<{ error?: string } | void>;

/**
 * Runs a project's jobs one after another, persisting state and progress in the library so the
 * UI (and a restarted app) can see them, with cancel through an AbortSignal.
 *
 * ```ts
 * const jobId = runner.enqueue(project, 'import', { subjectId }, async (ctx) => { … });
 * await runner.whenDone(jobId);
 * ```
 */
export class JobRunner {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly controllers = new Map<number, AbortController>();
  private readonly finished = new Map<number, Promise<JobInfo>>();

  constructor(private readonly events: EventBus) {}

  enqueue(project: Project, kind: JobKind, payload: unknown, work: JobWork, options: EnqueueOptions = {}): number {
    const writes = project.library.writes;
    const reads = project.library.reads;
    const jobId = writes.createJob(kind, payload, options.subjectId ?? null);
    const controller = new AbortController();
    this.controllers.set(jobId, controller);
    const announce = (item: JobItem | null) => {
      const job = reads.getJob(jobId);
      if (job) this.events.emit('job.updated', { job, item });
    };
    announce(null);

    let done = 0;
    const ctx: JobContext = {
      jobId,
      signal: controller.signal,
      setTotal: (total) => {
        writes.updateJob(jobId, { total });
        announce(null);
      },
      step: () => {
        done++;
        writes.updateJob(jobId, { done });
        announce(null);
      },
      addItem: (item, progress = false) => {
        if (progress) done++;
        writes.addJobItem(jobId, item, progress ? done : null);
        announce(item);
      },
    };

    const run = async (): Promise<JobInfo> => {
      if (controller.signal.aborted) {
        writes.updateJob(jobId, { state: 'cancelled' });
      } else {
        writes.updateJob(jobId, { state: 'running' });
        announce(null);
        try {
          const outcome = await work(ctx);
          const state = outcome?.error ? 'failed' : controller.signal.aborted ? 'cancelled' : 'done';
          writes.updateJob(jobId, { state, error: outcome?.error });
        } catch (error) {
          // A cancelled job's work stops by throwing (an aborted task): that is a cancel, not a failure.
          if (controller.signal.aborted) writes.updateJob(jobId, { state: 'cancelled' });
          else writes.updateJob(jobId, { state: 'failed', error: (error as Error).message || String(error) });
        }
      }
      this.controllers.delete(jobId);
      announce(null);
      return reads.getJob(jobId)!;
    };
    const finished = this.tail.then(run, run);
    this.tail = finished;
    this.finished.set(jobId, finished);
    return jobId;
  }

  /** Asks a queued or running job to stop; returns false when it is not running here. */
  cancel(jobId: number): boolean {
    const controller = this.controllers.get(jobId);
    if (!controller) return false;
    controller.abort();
    return true;
  }

  /** Resolves with the job's final state once it has ended. */
  whenDone(jobId: number): Promise<JobInfo> {
    const finished = this.finished.get(jobId);
    if (!finished) return Promise.reject(new Error(`Job ${jobId} was not started by this process`));
    return finished;
  }

  /** Waits until every queued job has ended (used before closing a project). */
  async idle(): Promise<void> {
    await this.tail.catch(() => undefined);
  }

  /** How many jobs are queued or running in this process. */
  get active(): number {
    return this.controllers.size;
  }

  cancelAll(): void {
    for (const controller of this.controllers.values()) controller.abort();
  }
}
