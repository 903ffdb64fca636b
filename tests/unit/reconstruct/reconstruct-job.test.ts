import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listReconstructions } from '../../../main/reconstruct/reconstruction-store';
import { createApiHandlers } from '../../../main/services/api-handlers';
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

  it('serves the photo head and the shared head for the 3D views, with the stored albedo', async () => {
    const handlers = createApiHandlers(studio);
    const photos = studio.requireProject().library.reads.listPhotos(subjectId);
    const front = photos.find((p) => p.originalName === '021_03_neutral_front.jpg')!;
    const smile = photos.find((p) => p.originalName === '021_08_smiling_front.jpg')!;
    const heads = [await handlers['photos.head']({ photoId: front.id }), await handlers['photos.head']({ photoId: smile.id }), await handlers['subjects.head']({ subjectId })];
    const f32 = (b64: string) => new Float32Array(Uint8Array.from(Buffer.from(b64, 'base64')).buffer);
    const positions = heads.map((h) => f32(h!.positions));
    for (const [i, h] of heads.entries()) {
      expect(h!.packId).toBe('starter-head');
      expect(h!.hasAlbedo).toBe(true);
      expect(positions[i]).toHaveLength(h!.triangleCount * 9);
      const uv = f32(h!.uvs!);
      expect(uv).toHaveLength(h!.triangleCount * 6);
      expect(uv.every((x) => x >= 0 && x <= 1)).toBe(true);
      // facing forward (+Z) whatever the photo's head turn: the nose is the frontmost point, near x = 0
      let front = 0;
      for (let k = 1; k < positions[i]!.length / 3; k++) if (positions[i]![k * 3 + 2]! > positions[i]![front * 3 + 2]!) front = k;
      expect(Math.abs(positions[i]![front * 3]!)).toBeLessThan(0.01);
    }
    expect(heads[2]!.photoId).toBeNull();
    // the smile moves the mouth corners; the neutral shared head sits between the photos' expressions
    const moved = (a: Float32Array, b: Float32Array) => a.reduce((m, x, k) => Math.max(m, Math.abs(x - b[k]!)), 0);
    expect(moved(positions[0]!, positions[1]!)).toBeGreaterThan(0.002);
    expect(moved(positions[0]!, positions[2]!)).toBeGreaterThan(0);
    await expect(handlers['subjects.head']({ subjectId: 9999 })).rejects.toThrow(/No subject/);
    const other = studio.requireProject().library.writes.createSubject('nobody');
    expect(await handlers['subjects.head']({ subjectId: other })).toBeNull();
  });
});
