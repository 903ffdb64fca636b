import { writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectSources } from '../../../main/import/collect-sources';
import { importPhotos } from '../../../main/import/import-photos';
import { migrate, schemaVersion } from '../../../main/library/migrations/index';
import { ANALYZER_VERSION, analyzePhotos, type AnalyzeContext } from '../../../main/perception/analyze-photos';
import { FaceAnalyzer } from '../../../main/perception/face-analyzer';
import { faceToJson } from '../../../core/perception/face-json';
import type { Project } from '../../../main/project/project';
import { Studio } from '../../../main/services/studio';
import { TEST_MODEL_DIR, londonPhoto, testModelFiles } from '../../helpers/perception';
import { makeTempDir } from '../../helpers/temp-dir';

const tmp = makeTempDir('deca-face-store-');
let analyzer: FaceAnalyzer;
afterAll(async () => {
  await analyzer?.dispose();
  tmp.cleanup();
});

describe('migration 004: face_analyses', () => {
  it('adds a per-photo table that checks its JSON and face index and follows its photo', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, 4);
    expect(schemaVersion(db)).toBe(4);
    const cols = (db.prepare('PRAGMA table_info(face_analyses)').all() as { name: string }[]).map((c) => c.name);
    expect(cols).toEqual(['photo_id', 'analyzer_version', 'face_count', 'selected_face', 'faces', 'analyzed_at']);
    db.prepare("INSERT INTO subjects (name, created_at) VALUES ('Ann', 'now')").run();
    db.prepare(
      "INSERT INTO photos (subject_id, sha256, original_name, width, height, format, byte_size, imported_at) VALUES (1, ?, 'a.jpg', 10, 10, 'jpeg', 5, 'now')",
    ).run('c'.repeat(64));
    const insert = db.prepare("INSERT OR REPLACE INTO face_analyses (photo_id, analyzer_version, face_count, selected_face, faces, analyzed_at) VALUES (1, 'v', ?, ?, ?, 'now')");
    insert.run(1, 0, '[{"status":"ok"}]');
    expect(() => insert.run(1, 0, '{not json')).toThrow(/CHECK/);
    expect(() => insert.run(1, 0, '{"an":"object"}')).toThrow(/CHECK/);
    expect(() => insert.run(1, 1, '[{}]')).toThrow(/CHECK/); // selected face beyond the count
    expect(() => db.prepare("INSERT INTO face_analyses VALUES (7, 'v', 0, NULL, '[]', 'now')").run()).toThrow(/FOREIGN KEY/);
    db.prepare('DELETE FROM photos').run();
    expect(db.prepare('SELECT count(*) AS n FROM face_analyses').get()).toEqual({ n: 0 });
    db.close();
  });
});

describe('analyzePhotos (inference worker) stores each photo’s faces in the project library', () => {
  let project: Project;
  let studio: Studio;
  let ctx: AnalyzeContext;
  const front = londonPhoto('p021', 'neutral_front');

  beforeAll(async () => {
    testModelFiles();
    analyzer = new FaceAnalyzer({ modelDir: TEST_MODEL_DIR, provider: 'cpu' });
    studio = new Studio({ mode: 'cli', version: 'test', settingsDir: path.join(tmp.dir, 'home'), modelDir: TEST_MODEL_DIR, provider: 'cpu', workers: 1 });
    const blank = path.join(tmp.dir, 'wall.png');
    writeFileSync(blank, await sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 200, g: 190, b: 180 } } }).png().toBuffer());
    project = await studio.createProject(path.join(tmp.dir, 'P.decastudio'), 'P');
    ctx = { project, pool: studio.pool, photos: studio.photoCache };
    const subjectId = project.library.writes.createSubject('people');
    const { sources } = await collectSources([front, blank]);
    const summary = await importPhotos(project, subjectId, sources);
    expect(summary.imported).toBe(2);
  });

  afterAll(async () => {
    await studio?.dispose();
  });

  it('analyses every photo once, and again only when forced', async () => {
    const seen: string[] = [];
    const photos = () => project.library.reads.listPhotos();
    const first = await analyzePhotos(ctx, photos(), { onPhoto: (_, outcome) => seen.push(outcome) });
    expect(first).toEqual({ analyzed: 2, skipped: 0, failed: 0, withoutUsableFace: 1 });
    expect(seen).toEqual(['analyzed', 'analyzed']);
    expect((await analyzePhotos(ctx, photos())).skipped).toBe(2);
    expect((await analyzePhotos(ctx, photos(), { force: true })).analyzed).toBe(2);
    // Each photo was decoded once for all three runs (the decoded-photo cache).
    expect(studio.photoCache.decodes).toBe(2);
  });

  it('reads back what the pipeline gives for the original file, and marks the photos analysed', async () => {
    const photos = project.library.reads.listPhotos();
    const frontRow = photos.find((p) => p.originalName.endsWith('neutral_front.jpg'))!;
    const blankRow = photos.find((p) => p.originalName === 'wall.png')!;
    expect(photos.map((p) => p.status)).toEqual(['analyzed', 'analyzed']);

    const stored = project.library.faces.get(frontRow.id)!;
    expect(stored.analyzerVersion).toBe(ANALYZER_VERSION);
    expect(stored.selectedFace).toBe(0);
    const direct = await analyzer.analyzeFile(front);
    expect(stored.faces).toEqual(direct.faces.map(faceToJson));
    expect(stored.faces[0]!.landmarks68).toHaveLength(68);
    expect(stored.faces[0]!.embedding).toHaveLength(128);

    // The worker's result equals the pipeline run here, in this thread.
    // Independently, with plain SQL on the file.
    const db = new Database(path.join(project.dir, 'library.sqlite'), { readonly: true });
    const raw = db.prepare('SELECT face_count, selected_face, faces FROM face_analyses WHERE photo_id = ?').get(blankRow.id) as { face_count: number; selected_face: number | null; faces: string };
    db.close();
    expect(raw).toEqual({ face_count: 0, selected_face: null, faces: '[]' });
  });
});
