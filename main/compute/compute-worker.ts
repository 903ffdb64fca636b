// A compute worker thread: runs the tasks main/compute/compute-pool.ts sends it, one handler per
// task name, and reports progress, results and errors back. No UI, no database.
import { readlinkSync } from 'node:fs';
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { TaskName } from './compute-tasks';
import { DETAIL_TASKS } from './detail-tasks';
import { EXPRESSION_TASKS } from './expression-tasks';
import { FIT_TASKS } from './fit-tasks';
import { INFERENCE_TASKS } from './inference-tasks';
import { MEDIA_TASKS } from './media-tasks';
import { TaskAborted, type TaskContext } from './task-context';
import { WorkerState } from './worker-state';

lowerThreadPriority();
const state = new WorkerState(workerData);
const HANDLERS = { ...FIT_TASKS, ...DETAIL_TASKS, ...MEDIA_TASKS, ...INFERENCE_TASKS, ...EXPRESSION_TASKS } as Record<TaskName, (req: unknown, ctx: TaskContext, state: WorkerState) => unknown>;

parentPort!.on('message', (m: { type: 'run'; id: number; task: TaskName; req: unknown; cancel: Int32Array }) => {
  if (m.type !== 'run') return;
  const stopped = () => Atomics.load(m.cancel, 0) === 1;
  const ctx: TaskContext = {
    shouldStop: stopped,
    throwIfStopped: () => {
      if (stopped()) throw new TaskAborted();
    },
    progress: (value) => parentPort!.postMessage({ type: 'progress', id: m.id, value }),
  };
  void (async () => {
    try {
      const handler = HANDLERS[m.task];
      if (!handler) throw new Error(`Unknown compute task "${m.task}"`);
      if (stopped()) throw new TaskAborted();
      const res = await handler(m.req, ctx, state);
      parentPort!.postMessage({ type: 'done', id: m.id, res });
    } catch (error) {
      const e = error as { message?: string; code?: unknown };
      parentPort!.postMessage({ type: 'error', id: m.id, error: { message: e.message ?? String(error), code: typeof e.code === 'string' ? e.code : null } });
    }
  })();
});

/**
 * Heavy work yields to the thread that answers the UI: on Linux a thread is its own task, so this
 * worker (and the ONNX threads it starts, which inherit it) runs at nice 10. On a busy machine the
 * API then answers in milliseconds instead of waiting for a time slice behind the workers. Elsewhere
 * (or without permission) the priority stays as it is.
 */
function lowerThreadPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) os.setPriority(tid, 10);
  } catch {
    // Not Linux, or not allowed: nothing to do.
  }
}
