import { promises as fs } from 'node:fs';
import os from 'node:os';
import { ApiError } from '../../core/api/api-error';
import { processStartTime } from './process-start-time';

interface LockOwner {
  pid: number;
  host: string;
  since: string;
  /** {@link processStartTime} of the owner; absent in locks written before it was recorded. */
  startTime?: string | null;
}

/**
 * One writer per project: the studio, the CLI and the browser-mode server take this lock before
 * they write, so the orphan sweep of one never deletes a file another is about to register.
 * A lock left by a process that died (crash, SIGKILL) is taken over, and so is one whose PID now
 * belongs to another process: the lock records its owner's start time, and a live process with that
 * PID but a different start time is not the owner (PID reuse after a reboot or a long uptime).
 *
 * ```ts
 * const lock = await ProjectLock.acquire('/p/project.lock');
 * try { … } finally { await lock.release(); }
 * ```
 */
export class ProjectLock {
  /** Locks this process holds: a lock file naming our pid but not listed here is a stale one (pid reuse). */
  private static readonly held = new Set<string>();

  private constructor(readonly file: string) {
    ProjectLock.held.add(file);
  }

  static async acquire(file: string): Promise<ProjectLock> {
    const me: LockOwner = { pid: process.pid, host: os.hostname(), since: new Date().toISOString(), startTime: processStartTime(process.pid) };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await fs.writeFile(file, JSON.stringify(me), { flag: 'wx', mode: 0o600 });
        return new ProjectLock(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const owner = await readOwner(file);
      if (ProjectLock.held.has(file) || (owner && isAlive(owner))) {
        throw new ApiError(
          'project-locked',
          owner
            ? `This project is open in another DECA Studio process (pid ${owner.pid} on ${owner.host}, since ${owner.since}). Close it there first.`
            : 'This project is already open in this DECA Studio process.',
        );
      }
      // Stale lock from a process that is gone: remove it and try again.
      await fs.rm(file, { force: true });
    }
    throw new ApiError('project-locked', 'Could not take the project lock');
  }

  async release(): Promise<void> {
    ProjectLock.held.delete(this.file);
    const owner = await readOwner(this.file);
    if (owner?.pid === process.pid) await fs.rm(this.file, { force: true });
  }
}

async function readOwner(file: string): Promise<LockOwner | null> {
  try {
    const owner = JSON.parse(await fs.readFile(file, 'utf8')) as LockOwner;
    return typeof owner.pid === 'number' ? owner : null;
  } catch {
    return null;
  }
}

function isAlive(owner: LockOwner): boolean {
  if (owner.host !== os.hostname()) return true; // another machine (shared drive): assume alive
  if (owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // Alive: the owner only if it started when the owner did (where both start times are known).
  if (typeof owner.startTime !== 'string') return true;
  const now = processStartTime(owner.pid);
  return now === null || now === owner.startTime;
}
