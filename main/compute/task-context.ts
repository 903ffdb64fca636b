/** What a task handler gets besides its request: the cancel check and a progress channel. */
export interface TaskContext {
  /** True once the task's caller cancelled it; long loops check it and stop early. */
  shouldStop(): boolean;
  /** Throws the 'aborted' error when cancelled (the pool turns it into an AbortError). */
  throwIfStopped(): void;
  progress(value: unknown): void;
}

/** The error a handler throws when its task was cancelled. */
export class TaskAborted extends Error {
  readonly code = 'aborted';
  constructor() {
    super('Cancelled');
  }
}
