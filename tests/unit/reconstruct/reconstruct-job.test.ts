import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobItem } from '../../../core/api/contract';
import { createApiHandlers } from '../../../main/services/api-handlers';
import { Studio } from '../../../main/services/studio';
import { TEST_MODEL_DIR, testModelFiles } from '../../helpers/perception';
import { makeTempDir, SHARED_PHOTOS } from '../../helpers/temp-dir';

const DIR = path.join(SHARED_PHOTOS, 'london_frl/p021');

describe.skipIf(!existsSync(DIR))('reconstruct job (Studio → pipeline → workers)', () => {
  const tmp = makeTempDir('deca-recon-job-');
  let studio: Studio;
  let subjectId: number;
  beforeAll(async () => {
    testModelFiles();
    studio = new Studio({ mode: 'cli', version: 'test', settingsDir: path.join(tmp.dir, 'home'), modelDir: TEST_MODEL_DIR, provider: 'cpu' });
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

  it('is cancelled mid-way (once the perceive stage is done) and stores nothing; a second run records every stage with progress', async () => {
    const library = studio.requireProject().library;
    const seen: string[] = [];
    const [jobId] = studio.startReconstruct({
      subjectId,
      packId: 'starter-head',
      onItem: (_s, item) => {
        seen.push(`${item.kind} ${item.name} ${item.outcome}`);
        if (item.kind === 'stage' && item.name === 'perceive') studio.jobs.cancel(jobId!);
      },
    });
    const cancelled = await studio.jobs.whenDone(jobId!);
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.kind).toBe('reconstruct');
    expect(cancelled.subjectId).toBe(subjectId);
    expect(seen).toEqual(['stage perceive done']);
    expect(library.reconstructions.count()).toBe(0);

    const progress: [number, number][] = [];
    const off = studio.events.subscribe((m) => {
      if (m.event === 'job.updated' && m.payload.job.kind === 'reconstruct') progress.push([m.payload.job.done, m.payload.job.total]);
    });
    const items: JobItem[] = [];
    const [again] = studio.startReconstruct({ subjectId, packId: 'starter-head', onItem: (_s, item) => items.push(item) });
    const done = await studio.jobs.whenDone(again!);
    off();
    expect(done.state).toBe('done');
    expect(done.done).toBe(done.total);
    expect(progress.some(([d, t]) => t > 0 && d > 0 && d < t)).toBe(true);
    expect(items.filter((i) => i.kind === 'stage').map((i) => `${i.name} ${i.outcome}`)).toEqual(['perceive done', 'landmark-fit done', 'photometric-refine done', 'light-albedo done', 'metrics done']);
    expect(items.filter((i) => i.kind === 'stage').every((i) => i.seconds! >= 0)).toBe(true);
    expect(items.filter((i) => i.kind === 'photo').map((i) => i.outcome)).toEqual(['done', 'done', 'done']);
    // What the job told the UI is what the library kept.
    expect(library.reads.listJobItems(again!)).toEqual(items);

    const rec = library.reconstructions.latestForSubject(subjectId, 'starter-head')!;
    expect(rec.photoIds).toHaveLength(3);
    expect(rec.stages.map((s) => s.stage)).toEqual(['perceive', 'landmark-fit', 'photometric-refine', 'light-albedo', 'metrics']);
    expect(rec.packHash).toMatch(/^[0-9a-f]{64}$/);
    const fits = library.reconstructions.fitsOf(rec.id);
    expect(fits).toHaveLength(3);
    // one shared shape, per-photo cameras that differ, errors in range, lighting and model landmarks stored
    expect(new Set(fits.map((f) => f.fit.camera.tx)).size).toBe(3);
    expect(fits.every((f) => f.metrics.nme > 0 && f.metrics.nme < 0.06 && f.metrics.photometricRms! > 0 && f.metrics.photometricRms! < f.metrics.photometricRmsConstantAlbedo!)).toBe(true);
    expect(fits.every((f) => f.fit.light!.length === 27 && f.fit.modelLandmarks68!.length === 68)).toBe(true);
    expect(library.maps.get(rec.id, 'albedo')!.width).toBe(1024);
    expect(library.reads.listPhotos(subjectId).every((p) => p.status === 'reconstructed')).toBe(true);
  }, 180_000);

  it('reuses a reconstruction with the same photos and options, and solves again when forced', async () => {
    const library = studio.requireProject().library;
    const before = library.reconstructions.count();
    const items: JobItem[] = [];
    const [jobId] = studio.startReconstruct({ subjectId, packId: 'starter-head', onItem: (_s, i) => items.push(i) });
    expect((await studio.jobs.whenDone(jobId!)).state).toBe('done');
    expect(library.reconstructions.count()).toBe(before);
    expect(items.filter((i) => i.kind === 'photo').every((i) => i.outcome === 'skipped' && i.code === 'reused')).toBe(true);
    const [forced] = studio.startReconstruct({ subjectId, packId: 'starter-head', force: true, photometric: false });
    expect((await studio.jobs.whenDone(forced!)).state).toBe('done');
    expect(library.reconstructions.count()).toBe(before + 1);
    expect(library.reconstructions.latestForSubject(subjectId)!.options.photometric).toBe(false);
  }, 180_000);

  it('loads the pack once, solves lighting and albedo once per reconstruction and reads them back in views and export', async () => {
    const handlers = createApiHandlers(studio);
    const started = (task: string) => studio.pool.started.get(task) ?? 0;
    const solves = started('light.albedo');
    const photos = studio.requireProject().library.reads.listPhotos(subjectId);
    await handlers['photos.reconstruction']({ photoId: photos[0]!.id });
    await handlers['photos.head']({ photoId: photos[0]!.id });
    const out = path.join(tmp.dir, 'p021.glb');
    const { jobId } = await handlers['export.start']({ packId: 'starter-head', subjectId, format: 'glb', outPath: out });
    expect((await studio.jobs.whenDone(jobId)).state).toBe('done');
    expect(started('light.albedo')).toBe(solves);
    // The GLB's base colour is the stored albedo, byte for byte (same size: nothing re-solved or re-encoded).
    const rec = studio.requireProject().library.reconstructions.latestForSubject(subjectId)!;
    expect(Buffer.from(glbBaseColorImage(readFileSync(out))).equals(studio.requireProject().library.maps.get(rec.id, 'albedo')!.data)).toBe(true);
    expect(studio.models.counts.packLoads).toBe(1);
    expect(studio.models.counts.tableBuilds).toBe(1);
  }, 120_000);

  it('serves the photo head and the shared head for the 3D views, with the stored albedo', async () => {
    const handlers = createApiHandlers(studio);
    const photos = studio.requireProject().library.reads.listPhotos(subjectId);
    const front = photos.find((p) => p.originalName === '021_03_neutral_front.jpg')!;
    const smile = photos.find((p) => p.originalName === '021_08_smiling_front.jpg')!;
    const heads = [await handlers['photos.head']({ photoId: front.id }), await handlers['photos.head']({ photoId: smile.id }), await handlers['subjects.head']({ subjectId })];
    const f32 = (b64: string) => new Float32Array(Uint8Array.from(Buffer.from(b64, 'base64')).buffer);
    const positions = heads.map((h) => f32(h!.positions));
    const latest = studio.requireProject().library.reconstructions.latestForSubject(subjectId)!;
    for (const [i, h] of heads.entries()) {
      expect(h!.packId).toBe('starter-head');
      expect(h!.reconstructionId).toBe(latest.id);
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

  it('fails a subject none of whose photos has a usable face, stores nothing and says why', async () => {
    const project = studio.requireProject();
    const empty = project.library.writes.createSubject('no faces');
    const [jobId] = studio.startReconstruct({ subjectId: empty, packId: 'starter-head' });
    const job = await studio.jobs.whenDone(jobId!);
    expect(job.state).toBe('failed');
    expect(job.error).toMatch(/no photos/i);
    expect(project.library.reconstructions.latestForSubject(empty)).toBeUndefined();
  });

  it('fails a subject whose only photos have no usable face (a plain image, a profile), names the reasons and stores nothing', async () => {
    const project = studio.requireProject();
    const faceless = project.library.writes.createSubject('faceless');
    const plain = path.join(tmp.dir, 'plain-wall.png');
    await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 180, g: 170, b: 150 } } }).png().toFile(plain);
    const profile = path.join(SHARED_PHOTOS, 'london_frl/p002/002_01_neutral_left_profile.jpg');
    expect((await studio.jobs.whenDone(studio.startImport(faceless, [plain, profile], []))).state).toBe('done');
    const before = project.library.reconstructions.count();
    const items: JobItem[] = [];
    const [jobId] = studio.startReconstruct({ subjectId: faceless, packId: 'starter-head', onItem: (_s, i) => items.push(i) });
    const job = await studio.jobs.whenDone(jobId!);
    expect(job.state).toBe('failed');
    expect(job.error).toMatch(/None of the subject's 2 photos has a usable face/);
    expect(job.error).toMatch(/no face found/);
    expect(job.error).toMatch(/None of the subject's 2 photos has a usable face \(no face found; a profile .*left out/);
    // Each photo says why it was left out; no fit, no albedo, nothing reconstructed.
    expect(items.filter((i) => i.kind === 'photo').map((i) => `${i.name} ${i.outcome} ${i.code}`).sort()).toEqual([
      '002_01_neutral_left_profile.jpg skipped no-usable-face',
      'plain-wall.png skipped no-face',
    ]);
    expect(items.some((i) => i.kind === 'stage' && i.name === 'landmark-fit')).toBe(false);
    expect(project.library.reconstructions.count()).toBe(before);
    expect(project.library.reconstructions.latestForSubject(faceless)).toBeUndefined();
    expect(project.library.reads.listPhotos(faceless).every((p) => p.status !== 'reconstructed')).toBe(true);
  }, 120_000);
});

/** The bytes of a GLB's first material's base-colour image. */
function glbBaseColorImage(glb: Buffer): Uint8Array {
  const jsonLength = glb.readUInt32LE(12);
  const json = JSON.parse(glb.subarray(20, 20 + jsonLength).toString('utf8')) as {
    materials: { pbrMetallicRoughness: { baseColorTexture: { index: number } } }[];
    textures: { source: number }[];
    images: { bufferView: number }[];
    bufferViews: { byteOffset?: number; byteLength: number }[];
  };
  const bin = glb.subarray(20 + jsonLength + 8);
  const image = json.images[json.textures[json.materials[0]!.pbrMetallicRoughness.baseColorTexture.index]!.source]!;
  const view = json.bufferViews[image.bufferView]!;
  return bin.subarray(view.byteOffset ?? 0, (view.byteOffset ?? 0) + view.byteLength);
}
