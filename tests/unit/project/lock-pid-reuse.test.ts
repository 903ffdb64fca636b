import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linuxStartTime, processStartTime } from '../../../main/project/process-start-time';
import { ProjectLock } from '../../../main/project/project-lock';
import { makeTempDir } from '../../helpers/temp-dir';

let tmp: ReturnType<typeof makeTempDir>;
let stranger: ChildProcess;
beforeAll(async () => {
  tmp = makeTempDir('deca-lock-');
  // A live process that has nothing to do with any project: what a reused PID points at.
  stranger = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'], { stdio: 'ignore' });
  await new Promise((resolve) => stranger.once('spawn', resolve));
});
afterAll(() => {
  stranger.kill();
  tmp.cleanup();
});

const lockFile = (name: string) => path.join(tmp.dir, `${name}.lock`);
const writeLock = (file: string, owner: Record<string, unknown>) =>
  writeFileSync(file, JSON.stringify({ pid: stranger.pid, host: os.hostname(), since: '2020-01-01T00:00:00.000Z', ...owner }));

describe('project lock and PID reuse', () => {
  it('reads field 22 of /proc/<pid>/stat, counting from the last ")" of the command name', () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
    expect(linuxStartTime(`42 (we) ird (name) ${fields.join(' ')}`)).toBe('linux:22');
    expect(linuxStartTime('garbage')).toBeNull();
    expect(processStartTime(-1)).toBeNull();
    if (process.platform === 'linux' || process.platform === 'darwin') {
      expect(processStartTime(process.pid)).toMatch(/^(linux|ps):/);
      expect(processStartTime(process.pid)).toBe(processStartTime(process.pid));
    }
  });

  it('records the owner start time in the lock', async () => {
    const file = lockFile('mine');
    const lock = await ProjectLock.acquire(file);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pid: process.pid, startTime: processStartTime(process.pid) });
    await lock.release();
  });

  it.skipIf(process.platform !== 'linux' && process.platform !== 'darwin')('takes over a lock whose PID now belongs to an unrelated live process', async () => {
    const file = lockFile('reused');
    writeLock(file, { startTime: 'linux:1' });
    const lock = await ProjectLock.acquire(file);
    expect(JSON.parse(readFileSync(file, 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('still refuses a lock held by its live owner, and an old lock (no start time) naming a live PID', async () => {
    const held = lockFile('held');
    writeLock(held, { startTime: processStartTime(stranger.pid!) });
    await expect(ProjectLock.acquire(held)).rejects.toMatchObject({ code: 'project-locked', message: expect.stringMatching(new RegExp(`pid ${stranger.pid}`)) });
    const legacy = lockFile('legacy');
    writeLock(legacy, {});
    await expect(ProjectLock.acquire(legacy)).rejects.toMatchObject({ code: 'project-locked' });
  });
});
