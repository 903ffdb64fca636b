import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Studio } from '../../../main/services/studio';
import { makeTempDir, SHARED_PHOTOS } from '../../helpers/temp-dir';

let tmp: ReturnType<typeof makeTempDir>;
let studio: Studio;
let dirA: string;
beforeEach(async () => {
  tmp = makeTempDir('deca-switch-');
  studio = new Studio({ mode: 'cli', version: 'test', settingsDir: path.join(tmp.dir, 'home') });
  dirA = path.join(tmp.dir, 'A.decastudio');
  await studio.createProject(dirA, 'A');
});
afterEach(async () => {
  await studio.dispose();
  tmp.cleanup();
});

/** An import that is still running when the test makes its mistake. */
function startLongImport(): number {
  const project = studio.requireProject();
  const subjectId = project.library.writes.createSubject('Everyone');
  return studio.startImport(subjectId, [path.join(SHARED_PHOTOS, 'london_frl')], []);
}

describe('a mistake never closes the open project', () => {
  it('project.open with a wrong path fails and leaves the open project and its running import alone', async () => {
    const jobId = startLongImport();
    await expect(studio.openProject(path.join(tmp.dir, 'nowhere.decastudio'))).rejects.toMatchObject({ code: 'not-found' });
    expect(studio.project?.dir).toBe(dirA);
    const job = await studio.jobs.whenDone(jobId);
    expect(job.state).toBe('done');
    expect(job.done).toBe(job.total);
  });

  it('project.create on an existing project fails and leaves the open project alone', async () => {
    const dirB = path.join(tmp.dir, 'B.decastudio');
    await studio.createProject(dirB, 'B');
    await studio.openProject(dirA);
    const jobId = startLongImport();
    await expect(studio.createProject(dirB, 'again')).rejects.toMatchObject({ code: 'conflict' });
    await expect(studio.createProject(dirA, 'again')).rejects.toMatchObject({ code: 'conflict' });
    expect(studio.project?.dir).toBe(dirA);
    expect((await studio.jobs.whenDone(jobId)).state).toBe('done');
  });

  it('a good open or create still replaces the open project', async () => {
    const dirB = path.join(tmp.dir, 'B.decastudio');
    await studio.createProject(dirB, 'B');
    expect(studio.project?.dir).toBe(dirB);
    await studio.openProject(dirA);
    expect(studio.project?.dir).toBe(dirA);
    // B's lock went with it: another studio can open it.
    const other = new Studio({ mode: 'cli', version: 'test', settingsDir: path.join(tmp.dir, 'home2') });
    await other.openProject(dirB);
    await other.dispose();
  });
});
