import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ApiError, type ApiErrorCode } from '../../core/api/api-error';
import { pinOnnxRuntime } from '../inference/inference-engine';
import type { ComputeTasks, TaskName } from './compute-tasks';

/** Where a task runs: the worker that owns the ONNX sessions, or whichever worker is least busy. */
export type TaskLane = 'inference' | 'any';

export interface ComputePoolOptions {
  /** Worker threads (default: the machine's cores, 1…4). */
  workers: number;
  /** The built worker bundle (`out/main/compute-worker.cjs`); found next to this bundle by default. */
  workerFile: string;
  /** Data the workers need at start (the user's execution-provider choice, model folders). */
  workerData: WorkerSetup;
}

/** What every worker is started with. */
export interface WorkerSetup {
  /** Execution provider preference for the ONNX sessions (see main/inference). */
  provider: string;
  /** Where converted perception models are read from (null: the default folder). */
  modelDir: string | null;
}

export const COMPUTE_POOL_DEFAULTS = { workers: Math.max(1, Math.min(4, os.availableParallelism?.() ?? os.cpus().length)) };

export interface RunOptions {
  signal?: AbortSignal;
  /** Told whatever the task reports while it runs (e.g. LM iterations). */
  onProgress?: (value: unknown) => void;
  lane?: TaskLane;
}

/** A task that failed in a worker: its message, and the code an ApiError carried, if any. */
export class ComputeTaskError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
    readonly task: string,
  ) {
    super(message);
  }
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  onProgress?: (value: unknown) => void;
  cancel: Int32Array;
  task: string;
  cleanup: () => void;
}

interface Slot {
  worker: Worker | null;
  pending: Map<number, Pending>;
}

/**
 * Worker threads that do the studio's heavy work — perception, fitting, baking, rendering, export —
 * so the thread that answers the UI never waits on it. Worker 0 owns the ONNX sessions (the
 * 'inference' lane); other tasks go to the least busy worker. Tasks are cancelled through a shared
 * flag the task polls (a fit checks it between iterations); a worker that dies fails its tasks with a
 * clear error and is started again on the next task.
 *
 * ```ts
 * const pool = new ComputePool({ workerData: { provider: 'auto', modelDir: null } });
 * const fit = await pool.run('fit.photos', { tables, observations, options: {} }, { signal });
 * await pool.dispose();
 * ```
 */
export class ComputePool {
  private readonly slots: Slot[];
  private readonly options: ComputePoolOptions;
  private nextId = 1;
  private disposed = false;
  /** Tasks started per name (for tests and the bench). */
  readonly started = new Map<string, number>();

  constructor(options: Partial<ComputePoolOptions> & Pick<ComputePoolOptions, 'workerData'>) {
    this.options = { ...COMPUTE_POOL_DEFAULTS, workerFile: options.workerFile ?? defaultWorkerFile(), ...options };
    this.slots = Array.from({ length: Math.max(1, this.options.workers) }, () => ({ worker: null, pending: new Map() }));
  }

  get size(): number {
    return this.slots.length;
  }

  /**
   * Runs a task in a worker; resolves with its result (cloned; shared arrays stay shared). An
   * aborted signal makes the task stop at its next check and the promise reject with an AbortError.
   */
  run<K extends TaskName>(task: K, req: ComputeTasks[K]['req'], options: RunOptions = {}): Promise<ComputeTasks[K]['res']> {
    if (this.disposed) return Promise.reject(new Error('The compute pool was closed'));
    if (options.signal?.aborted) return Promise.reject(abortError());
    this.started.set(task, (this.started.get(task) ?? 0) + 1);
    const index = options.lane === 'inference' ? 0 : this.leastBusy();
    const slot = this.slots[index]!;
    const worker = this.ensureWorker(index);
    const id = this.nextId++;
    const cancel = new Int32Array(new SharedArrayBuffer(4));
    // A worker with work keeps the process alive (the CLI awaits it); an idle one does not.
    worker.ref();
    return new Promise((resolve, reject) => {
      const onAbort = () => Atomics.store(cancel, 0, 1);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      slot.pending.set(id, {
        resolve: resolve as (v: unknown) => void,
        reject,
        onProgress: options.onProgress,
        cancel,
        task,
        cleanup: () => options.signal?.removeEventListener('abort', onAbort),
      });
      worker.postMessage({ type: 'run', id, task, req, cancel });
    });
  }

  /**
   * Starts the inference worker afresh with new start data (a new execution provider): its ONNX
   * sessions are released and the next inference task opens them again. Refused while that worker
   * has work, so no running job loses a task.
   */
  async restartInference(workerData: Partial<WorkerSetup>): Promise<void> {
    const slot = this.slots[0]!;
    if (slot.pending.size > 0) throw new ApiError('conflict', 'The inference worker is busy: change the execution provider when the running jobs have finished');
    this.options.workerData = { ...this.options.workerData, ...workerData };
    const w = slot.worker;
    slot.worker = null;
    if (w) await w.terminate();
  }

  /** Stops every worker; pending tasks fail. */
  async dispose(): Promise<void> {
    this.disposed = true;
    await Promise.all(
      this.slots.map(async (slot) => {
        const w = slot.worker;
        slot.worker = null;
        this.failAll(slot, new Error('The compute pool was closed'));
        if (w) await w.terminate();
      }),
    );
  }

  /** The worker with the fewest tasks; on a tie not the inference worker, which may be busy with ONNX. */
  private leastBusy(): number {
    let best = 0;
    for (let i = 1; i < this.slots.length; i++) if (this.slots[i]!.pending.size <= this.slots[best]!.pending.size) best = i;
    return best;
  }

  private ensureWorker(index: number): Worker {
    const slot = this.slots[index]!;
    if (slot.worker) return slot.worker;
    if (!existsSync(this.options.workerFile)) {
      throw new Error(`The compute worker is missing (${this.options.workerFile}): run "npm run build"`);
    }
    if (index === 0) pinOnnxRuntime();
    const worker = new Worker(this.options.workerFile, { workerData: { ...this.options.workerData, index } });
    // An idle pool must not keep the CLI's process alive.
    worker.unref();
    worker.on('message', (m: WorkerMessage) => this.onMessage(slot, m));
    worker.on('error', (error) => {
      if (slot.worker === worker) slot.worker = null;
      this.failAll(slot, new Error(`A compute worker failed: ${error.message}`));
    });
    worker.on('exit', (code) => {
      if (slot.worker === worker) slot.worker = null;
      if (slot.pending.size) this.failAll(slot, new Error(`A compute worker stopped (exit code ${code}) while working`));
    });
    slot.worker = worker;
    return worker;
  }

  private onMessage(slot: Slot, m: WorkerMessage): void {
    const p = slot.pending.get(m.id);
    if (!p) return;
    if (m.type === 'progress') {
      p.onProgress?.(m.value);
      return;
    }
    slot.pending.delete(m.id);
    p.cleanup();
    // Keep the process alive only while tasks are pending.
    if (slot.pending.size === 0) slot.worker?.unref();
    if (m.type === 'done') p.resolve(m.res);
    else if (Atomics.load(p.cancel, 0) === 1 && m.error.code === 'aborted') p.reject(abortError());
    // An ApiError thrown in a worker reaches the API as the same error (code and message).
    else if (m.error.code && API_CODES.has(m.error.code)) p.reject(new ApiError(m.error.code as ApiErrorCode, m.error.message));
    else p.reject(new ComputeTaskError(m.error.message, m.error.code, p.task));
  }

  private failAll(slot: Slot, error: Error): void {
    for (const p of slot.pending.values()) {
      p.cleanup();
      p.reject(error);
    }
    slot.pending.clear();
  }
}

const API_CODES = new Set<string>(['bad-request', 'not-found', 'conflict', 'no-project', 'project-locked', 'forbidden']);

type WorkerMessage =
  | { type: 'progress'; id: number; value: unknown }
  | { type: 'done'; id: number; res: unknown }
  | { type: 'error'; id: number; error: { message: string; code: string | null } };

/** The bundle beside this one (out/main/), or the checkout's build output when running from source (tests). */
export function defaultWorkerFile(): string {
  // A packaged app unpacks the worker beside the asar archive: threads start from real files.
  const here = (typeof __dirname === 'string' ? __dirname : process.cwd()).replace(/app\.asar(?=[\\/]|$)/, 'app.asar.unpacked');
  const candidates = [path.join(here, 'compute-worker.cjs'), path.resolve(here, '..', '..', 'out', 'main', 'compute-worker.cjs')];
  return candidates.find((f) => existsSync(f)) ?? candidates[0]!;
}

function abortError(): Error {
  const e = new Error('Cancelled');
  e.name = 'AbortError';
  return e;
}
