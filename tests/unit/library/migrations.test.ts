import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, migrate, schemaVersion } from '../../../main/library/migrations/index';

let db: Database.Database;
beforeEach(() => {
  db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
});
afterEach(() => db.close());

const tables = () =>
  db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .all()
    .map((r) => r.name);
const columns = (table: string) => db.prepare<[], { name: string }>(`PRAGMA table_info(${table})`).all().map((r) => r.name);

describe('migrations', () => {
  it('are numbered 1..n without gaps, the last being the latest', () => {
    const versions = MIGRATIONS.map((m) => m.version);
    expect(versions).toEqual(versions.map((_, i) => i + 1));
    expect(LATEST_SCHEMA_VERSION).toBe(versions.length);
  });

  it('001 creates subjects and photos with a per-subject unique hash', () => {
    migrate(db, 1);
    expect(schemaVersion(db)).toBe(1);
    expect(tables()).toEqual(['photos', 'project_meta', 'subjects']);
    expect(columns('photos')).toEqual(
      expect.arrayContaining(['subject_id', 'sha256', 'original_name', 'width', 'height', 'format', 'imported_at', 'status']),
    );
    db.prepare("INSERT INTO subjects (name, created_at) VALUES ('Ann', 'now')").run();
    const insert = db.prepare(
      "INSERT INTO photos (subject_id, sha256, original_name, width, height, format, byte_size, imported_at) VALUES (1, ?, 'a.jpg', 10, 10, 'jpeg', 5, 'now')",
    );
    insert.run('a'.repeat(64));
    expect(() => insert.run('a'.repeat(64))).toThrow(/UNIQUE/);
    expect(() => db.prepare("INSERT INTO subjects (name, created_at) VALUES ('ann', 'now')").run()).toThrow(/UNIQUE/);
    // Deleting a subject removes its photo rows.
    db.prepare('DELETE FROM subjects WHERE id = 1').run();
    expect(db.prepare('SELECT count(*) AS n FROM photos').get()).toEqual({ n: 0 });
  });

  it('002 adds jobs with checked states and per-item outcomes', () => {
    migrate(db, 2);
    expect(schemaVersion(db)).toBe(2);
    expect(tables()).toEqual(expect.arrayContaining(['jobs', 'job_items']));
    db.prepare("INSERT INTO jobs (kind, state, created_at, updated_at) VALUES ('import', 'running', 'n', 'n')").run();
    expect(() => db.prepare("INSERT INTO jobs (kind, state, created_at, updated_at) VALUES ('import', 'bogus', 'n', 'n')").run()).toThrow(
      /CHECK/,
    );
    db.prepare("INSERT INTO job_items (job_id, seq, source, outcome) VALUES (1, 1, 'x.jpg', 'failed')").run();
    expect(() => db.prepare("INSERT INTO job_items (job_id, seq, source, outcome) VALUES (9, 1, 'x.jpg', 'failed')").run()).toThrow(
      /FOREIGN KEY/,
    );
  });

  it('003 adds reconstructions that require valid JSON and follow their photo', () => {
    migrate(db, 3);
    expect(schemaVersion(db)).toBe(3);
    expect(columns('reconstructions')).toEqual(['id', 'photo_id', 'pack_id', 'parameters', 'metrics', 'created_at']);
    db.prepare("INSERT INTO subjects (name, created_at) VALUES ('Ann', 'now')").run();
    db.prepare(
      "INSERT INTO photos (subject_id, sha256, original_name, width, height, format, byte_size, imported_at) VALUES (1, ?, 'a.jpg', 10, 10, 'jpeg', 5, 'now')",
    ).run('b'.repeat(64));
    const insert = db.prepare("INSERT INTO reconstructions (photo_id, pack_id, parameters, created_at) VALUES (1, 'starter', ?, 'now')");
    insert.run('{"shape":[0.1]}');
    expect(() => insert.run('{not json')).toThrow(/CHECK/);
    db.prepare('DELETE FROM photos').run();
    expect(db.prepare('SELECT count(*) AS n FROM reconstructions').get()).toEqual({ n: 0 });
  });

  // 004 is tested with its store (tests/unit/perception/face-store.test.ts).

  it('005 adds one albedo texture per subject and pack that follows its subject', () => {
    migrate(db, 5);
    expect(columns('subject_albedos')).toEqual(['subject_id', 'pack_id', 'photo_ids', 'size', 'png', 'vertex_rgb', 'created_at']);
    db.prepare("INSERT INTO subjects (name, created_at) VALUES ('Ann', 'now')").run();
    const insert = db.prepare("INSERT INTO subject_albedos (subject_id, pack_id, photo_ids, size, png, created_at) VALUES (1, ?, ?, ?, ?, 'now')");
    insert.run('starter-head', '[1,2]', 512, Buffer.from([1, 2, 3]));
    expect(() => insert.run('starter-head', '[1]', 512, Buffer.from([1]))).toThrow(/UNIQUE|PRIMARY/);
    expect(() => insert.run('ict', '{}', 512, Buffer.from([1]))).toThrow(/CHECK/);
    expect(() => insert.run('ict', '[]', 0, Buffer.from([1]))).toThrow(/CHECK/);
    expect(() => insert.run('ict', '[]', 512, 'text')).toThrow(/BLOB|type/i);
    db.prepare('DELETE FROM subjects').run();
    expect(db.prepare('SELECT count(*) AS n FROM subject_albedos').get()).toEqual({ n: 0 });
  });

  it('006 carries version 5 rows into the results repository: reconstructions grouped per subject and pack, albedos attached, job items kept', () => {
    migrate(db, 5);
    db.prepare("INSERT INTO subjects (name, created_at) VALUES ('Ann', 'n'), ('Bo', 'n')").run();
    const photo = db.prepare("INSERT INTO photos (subject_id, sha256, original_name, width, height, format, byte_size, imported_at) VALUES (?, ?, ?, 10, 10, 'jpeg', 5, 'n')");
    photo.run(1, 'a'.repeat(64), 'a1.jpg');
    photo.run(1, 'b'.repeat(64), 'a2.jpg');
    photo.run(2, 'c'.repeat(64), 'b1.jpg');
    const rec = db.prepare("INSERT INTO reconstructions (photo_id, pack_id, parameters, metrics, created_at) VALUES (?, ?, ?, ?, 'n')");
    const params = (photoIds: number[], faceIndex: number, tx: number, extra: object = {}) =>
      JSON.stringify({ fitter: 'coarse-lm-6', jointPhotoIds: photoIds, faceIndex, shape: [0.5, -0.25], expression: [0.1], rotation: [0, 0.2, 0], jaw: [0.05, 0, 0], camera: { scale: 900, tx, ty: 500 }, light: [1, 2, 3], photometricRefinement: true, ...extra });
    // An older solve of photo 1 alone, then Ann's two photos jointly on the starter head; Ann on ICT; Bo.
    rec.run(1, 'starter-head', params([1], 0, 1), '{"nme":0.09,"nmeSingle":0.09,"secondsPerPhoto":1}');
    rec.run(1, 'starter-head', params([1, 2], 0, 100), '{"nme":0.03,"nmeSingle":0.02,"secondsPerPhoto":1,"photometricRms":0.04}');
    rec.run(2, 'starter-head', params([1, 2], 1, 200), '{"nme":0.04,"nmeSingle":0.03,"secondsPerPhoto":1}');
    rec.run(1, 'ict-facekit', params([1], 0, 300, { init: 'encoder', refined: false, encoderLight: [9] }), '{"nme":0.05,"nmeSingle":0.05,"secondsPerPhoto":2}');
    rec.run(3, 'starter-head', params([3], 0, 400), '{"nme":0.06,"nmeSingle":0.06,"secondsPerPhoto":3}');
    db.prepare("INSERT INTO subject_albedos (subject_id, pack_id, photo_ids, size, png, vertex_rgb, created_at) VALUES (1, 'starter-head', '[1,2]', 2, ?, ?, 'n')").run(Buffer.from([137, 80, 78, 71]), Buffer.from([1, 2, 3, 4, 5, 6]));
    db.prepare("INSERT INTO jobs (kind, state, payload, created_at, updated_at) VALUES ('import', 'done', '{\"subjectId\":2}', 'n', 'n'), ('export', 'done', '{}', 'n', 'n'), ('reconstruct', 'done', '{\"subjectId\":9}', 'n', 'n')").run();
    const item = db.prepare("INSERT INTO job_items (job_id, seq, source, outcome, photo_id, code, message) VALUES (?, ?, ?, ?, ?, ?, ?)");
    item.run(1, 1, '/p/b1.jpg', 'imported', 3, null, null);
    item.run(1, 2, '/p/x.jpg', 'failed', null, 'not-an-image', 'not an image');
    item.run(2, 1, '/out/ann.glb', 'imported', null, null, 'GLB, 1 MiB');
    item.run(3, 1, 'a1.jpg', 'failed', 1, 'unreadable', 'gone');

    migrate(db, 6);
    expect(schemaVersion(db)).toBe(6);
    expect(tables()).toEqual(expect.arrayContaining(['subject_reconstructions', 'photo_fits', 'reconstruction_maps', 'job_items']));
    expect(tables()).not.toContain('reconstructions');
    expect(tables()).not.toContain('subject_albedos');
    const recs = db.prepare('SELECT id, subject_id, pack_id, fitter, options, shape, photo_ids FROM subject_reconstructions ORDER BY id').all() as Record<string, unknown>[];
    // Photo 1's older solve was replaced by the joint one (only each photo's newest row per pack is carried).
    expect(recs.map((r) => [r.subject_id, r.pack_id, r.photo_ids])).toEqual([
      [1, 'starter-head', '[1,2]'],
      [1, 'ict-facekit', '[1]'],
      [2, 'starter-head', '[3]'],
    ]);
    expect(JSON.parse(recs[0]!.shape as string)).toEqual([0.5, -0.25]);
    expect(JSON.parse(recs[1]!.options as string)).toMatchObject({ init: 'encoder', refine: false });
    const fits = db.prepare('SELECT reconstruction_id, photo_id, face_index, fit, metrics FROM photo_fits ORDER BY reconstruction_id, photo_id').all() as Record<string, unknown>[];
    expect(fits.map((f) => [f.reconstruction_id, f.photo_id, f.face_index])).toEqual([
      [recs[0]!.id, 1, 0],
      [recs[0]!.id, 2, 1],
      [recs[1]!.id, 1, 0],
      [recs[2]!.id, 3, 0],
    ]);
    expect(JSON.parse(fits[1]!.fit as string)).toMatchObject({ camera: { scale: 900, tx: 200, ty: 500 }, light: [1, 2, 3], expression: [0.1] });
    expect(JSON.parse(fits[0]!.metrics as string)).toEqual({ nme: 0.03, nmeSingle: 0.02, secondsPerPhoto: 1, photometricRms: 0.04 });
    expect(JSON.parse(fits[2]!.fit as string)).toMatchObject({ encoderLight: [9] });
    const maps = db.prepare('SELECT reconstruction_id, kind, width, height, format, data FROM reconstruction_maps ORDER BY kind').all() as Record<string, unknown>[];
    expect(maps.map((m) => [m.reconstruction_id, m.kind, m.width, m.height, m.format])).toEqual([
      [recs[0]!.id, 'albedo', 2, 2, 'png'],
      [recs[0]!.id, 'vertex-albedo', 2, 1, 'rgb8'],
    ]);
    expect(maps[1]!.data).toEqual(Buffer.from([1, 2, 3, 4, 5, 6]));
    expect(db.prepare('SELECT kind, name, outcome, photo_id, code FROM job_items ORDER BY job_id, seq').all()).toEqual([
      { kind: 'file', name: '/p/b1.jpg', outcome: 'done', photo_id: 3, code: null },
      { kind: 'file', name: '/p/x.jpg', outcome: 'failed', photo_id: null, code: 'not-an-image' },
      { kind: 'output', name: '/out/ann.glb', outcome: 'done', photo_id: null, code: null },
      { kind: 'photo', name: 'a1.jpg', outcome: 'failed', photo_id: 1, code: 'unreadable' },
    ]);
    // Jobs learn their subject from the payload when that subject still exists.
    expect(db.prepare('SELECT id, subject_id FROM jobs ORDER BY id').all()).toEqual([
      { id: 1, subject_id: 2 },
      { id: 2, subject_id: null },
      { id: 3, subject_id: null },
    ]);
    // Checks and cascades of the new tables.
    expect(() => db.prepare("INSERT INTO job_items (job_id, seq, kind, name, outcome) VALUES (1, 9, 'file', 'x', 'imported')").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO photo_fits (reconstruction_id, photo_id, face_index, fit) VALUES (?, 1, 0, '[]')").run(recs[0]!.id)).toThrow(/CHECK|UNIQUE|PRIMARY/);
    expect(() => db.prepare("INSERT INTO reconstruction_maps (reconstruction_id, kind, width, height, format, data) VALUES (?, 'x', 1, 1, 'gif', x'00')").run(recs[0]!.id)).toThrow(/CHECK/);
    db.prepare('DELETE FROM photos WHERE id = 2').run();
    expect(db.prepare('SELECT count(*) AS n FROM photo_fits').get()).toEqual({ n: 3 });
    db.prepare('DELETE FROM subjects WHERE id = 1').run();
    expect(db.prepare('SELECT count(*) AS n FROM subject_reconstructions').get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT count(*) AS n FROM reconstruction_maps').get()).toEqual({ n: 0 });
  });

  it('is idempotent and keeps data across re-runs', () => {
    migrate(db);
    db.prepare("INSERT INTO subjects (name, created_at) VALUES ('Ann', 'now')").run();
    migrate(db);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.prepare('SELECT name FROM subjects').all()).toEqual([{ name: 'Ann' }]);
  });

  it('refuses a database from a newer build without touching it', () => {
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    expect(() => migrate(db)).toThrow(/newer DECA Studio/);
    expect(tables()).toEqual([]);
  });
});
