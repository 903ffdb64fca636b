import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listReconstructions } from '../../../main/reconstruct/reconstruction-store';
import { Studio } from '../../../main/services/studio';
import { makeTempDir, SHARED_PHOTOS } from '../../helpers/temp-dir';

const DIR = path.join(SHARED_PHOTOS, 'london_frl/p021');

describe.skipIf(!existsSync(DIR))('reconstruct job (Studio)', () => {
  const tmp = makeTempDir('deca-recon-job-');
  let studio: Studio;
  let subjectId: number;
  beforeAll(async () => {
    studio = new Studio({ mode: 'cli', version: 'test', settingsDir: path.join(tmp.dir, 'home') });
    const project = await studio.createProject(path.join(tmp.dir, 'P.decastudio'), 'P');
    subjectId = project.library.writes.createSubject('p021');
    const files = ['021_03_neutral_front.jpg', '021_08_smiling_front.jpg', '021_02_neutral_left_3quarter.jpg'].map((f) => path.join(DIR, f));
    const job = await studio.jobs.whenDone(studio.startImport(subjectId, files, []));
    expect(job.state).toBe('done');
  }, 120_000);
  afterAll(async () => {
    await studio.dispose();
    tmp.cleanup();
  });

  it('is cancelled mid-way (after the first photo is reported) and stores nothing; a second run completes with progress', async () => {
    const seen: string[] = [];
    const [jobId] = studio.startReconstruct({
      subjectId,
      packId: 'starter-head',
      onPhoto: (_s, photo, outcome) => {
        seen.push(`${outcome} ${photo}`);
        if (seen.length === 1) studio.jobs.cancel(jobId!);
      },
    });
    const cancelled = await studio.jobs.whenDone(jobId!);
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.kind).toBe('reconstruct');
    expect(seen).toHaveLength(1);
    const db = studio.requireProject().library.db;
    expect(listReconstructions(db)).toHaveLength(0);

    const progress: [number, number][] = [];
    const off = studio.events.subscribe((m) => {
      if (m.event === 'job.updated' && m.payload.job.kind === 'reconstruct') progress.push([m.payload.job.done, m.payload.job.total]);
    });
    const [again] = studio.startReconstruct({ subjectId, packId: 'starter-head' });
    const done = await studio.jobs.whenDone(again!);
    off();
    expect(done.state).toBe('done');
    expect([done.done, done.total]).toEqual([3, 3]);
    expect(progress.some(([d, t]) => t === 3 && d > 0 && d < 3)).toBe(true);
    const recs = listReconstructions(db, 'starter-head');
    expect(recs).toHaveLength(3);
    // one shared shape across the subject's photos, per-photo cameras that differ
    expect(new Set(recs.map((r) => JSON.stringify(r.parameters.shape))).size).toBe(1);
    expect(recs.every((r) => r.parameters.jointPhotoIds.length === 3 && r.metrics.nme > 0 && r.metrics.nme < 0.06)).toBe(true);
    expect(studio.requireProject().library.reads.listPhotos(subjectId).every((p) => p.status === 'reconstructed')).toBe(true);
  });
});
