import type { ImportFileResult, JobInfo, JobKind } from '../../core/api/contract';
import type { Project } from '../project/project';
import type { EventBus } from '../services/event-bus';

/** What a job's work function gets: its id, a cancel signal and progress reporting. */
export interface JobContext {
  readonly jobId: number;
  readonly signal: AbortSignal;
  setTotal(total: number): void;
  /** Progress for items that leave no result row (e.g. photos analysed without a problem). */
  setDone(done: number): void;
  /** Records one finished item (persisted with the job's progress) and announces it. */
  addResult(result: ImportFileResult): void;
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

  enqueue(project: Project, kind: JobKind, payload: unknown, work: JobWork): number {
    const writes = project.library.writes;
    const reads = project.library.reads;
    const jobId = writes.createJob(kind, payload);
    const controller = new AbortController();
    this.controllers.set(jobId, controller);
    const announce = (result: ImportFileResult | null) => {
      const job = reads.getJob(jobId);
      if (job) this.events.emit('job.updated', { job, result });
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
      setDone: (n) => {
        done = n;
        writes.updateJob(jobId, { done: n });
        announce(null);
      },
      addResult: (result) => {
        done++;
        writes.addJobItem(jobId, result, done);
        announce(result);
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
          writes.updateJob(jobId, { state: 'failed', error: (error as Error).message || String(error) });
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

  cancelAll(): void {
    for (const controller of this.controllers.values()) controller.abort();
  }
}
