import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JobItem } from '../../../core/api/contract';
import { Studio } from '../../../main/services/studio';
import { makeTempDir, SHARED_PHOTOS } from '../../helpers/temp-dir';

// Lets a test make the disk "full" at the Nth stored file.
const diskFull = vi.hoisted(() => ({ afterWrites: Infinity, writes: 0 }));
vi.mock('../../../main/project/atomic-write', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../main/project/atomic-write')>();
  return {
    ...original,
    writeFileAtomic: async (...args: Parameters<typeof original.writeFileAtomic>) => {
      if (diskFull.writes++ >= diskFull.afterWrites) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return original.writeFileAtomic(...args);
    },
  };
});

let tmp: ReturnType<typeof makeTempDir>;
let studio: Studio;
beforeEach(async () => {
  tmp = makeTempDir('deca-studio-');
  diskFull.afterWrites = Infinity;
  diskFull.writes = 0;
  studio = new Studio({ mode: 'cli', version: 'test', settingsDir: path.join(tmp.dir, 'home') });
  await studio.createProject(path.join(tmp.dir, 'P.decastudio'), 'P');
});
afterEach(async () => {
  await studio.closeProject();
  tmp.cleanup();
});

const stored = (dir: string) => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;

describe('Studio import jobs', () => {
  it('reports progress per file and can be cancelled between files, leaving the library consistent', async () => {
    const project = studio.requireProject();
    const subjectId = project.library.writes.createSubject('Everyone');
    const results: JobItem[] = [];
    const totals: number[] = [];
    studio.events.subscribe((m) => {
      if (m.event !== 'job.updated') return;
      totals.push(m.payload.job.total);
      if (m.payload.item) {
        results.push(m.payload.item);
        if (results.length === 5) studio.jobs.cancel(m.payload.job.id);
      }
    });
    const jobId = studio.startImport(subjectId, [SHARED_PHOTOS], []);
    const job = await studio.jobs.whenDone(jobId);
    expect(job.state).toBe('cancelled');
    expect(job.total).toBe(44);
    expect(Math.max(...totals)).toBe(44);
    expect(job.done).toBe(results.length);
    expect(results.length).toBeGreaterThanOrEqual(5);
    expect(results.length).toBeLessThan(44);
    const photos = project.library.reads.listPhotos(subjectId);
    expect(results.every((r) => r.kind === 'file')).toBe(true);
    expect(photos).toHaveLength(results.filter((r) => r.outcome === 'done').length);
    expect(stored(project.store.photosDir)).toBe(photos.length);
  });

  it('stops with a clear error when the disk is full and keeps what was stored', async () => {
    const project = studio.requireProject();
    const subjectId = project.library.writes.createSubject('Ann');
    diskFull.afterWrites = 6; // original + thumbnail for three photos, then ENOSPC
    const jobId = studio.startImport(subjectId, [path.join(SHARED_PHOTOS, 'london_frl/p002')], []);
    const job = await studio.jobs.whenDone(jobId);
    expect(job).toMatchObject({ state: 'failed', error: expect.stringMatching(/disk is full/) });
    const items = project.library.reads.listJobItems(jobId);
    expect(items.map((i) => i.outcome)).toEqual(['done', 'done', 'done', 'failed']);
    expect(items[3]).toMatchObject({ code: 'disk-full' });
    expect(project.library.reads.listPhotos(subjectId)).toHaveLength(3);
    expect(stored(project.store.photosDir)).toBe(3);
    expect(stored(project.store.tmpDir)).toBe(0);
  });

  it('imports staged uploads under their plain file name and removes the staged bytes', async () => {
    const project = studio.requireProject();
    const subjectId = project.library.writes.createSubject('Ann');
    const bytes = new Uint8Array(readFileSync(path.join(SHARED_PHOTOS, 'london_frl/p021/021_03_neutral_front.jpg')));
    const id = await studio.staging.put('../../etc/021_03_neutral_front.jpg', bytes);
    const job = await studio.jobs.whenDone(studio.startImport(subjectId, [], [id]));
    expect(job.state).toBe('done');
    expect(project.library.reads.listPhotos(subjectId)[0]).toMatchObject({ originalName: '021_03_neutral_front.jpg' });
    expect(readdirSync(path.join(project.store.tmpDir, 'staging'))).toEqual([]);
    expect(() => studio.startImport(subjectId, [], [id])).toThrow(/No staged upload/);
  });
});
