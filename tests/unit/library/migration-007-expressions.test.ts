import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../main/library/migrations/index';
import { ExpressionsTable } from '../../../main/library/expressions-table';
import { ReconstructionsTable } from '../../../main/library/reconstructions-table';

let db: Database.Database;
beforeEach(() => {
  db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
});
afterEach(() => db.close());

const arkit = (v: number) => Array.from({ length: 52 }, (_, k) => (k === 23 ? v : 0));

describe('migration 007 (saved expressions)', () => {
  it('carries version 6 rows across and adds a checked expressions table whose source photo may go away', () => {
    migrate(db, 6);
    db.prepare("INSERT INTO subjects (name, created_at) VALUES ('Ann', 'n')").run();
    const photo = db.prepare("INSERT INTO photos (subject_id, sha256, original_name, width, height, format, byte_size, imported_at) VALUES (1, ?, ?, 10, 10, 'jpeg', 5, 'n')");
    photo.run('a'.repeat(64), 'a1.jpg');
    photo.run('b'.repeat(64), 'a2.jpg');
    const v6 = new ReconstructionsTable(db);
    const fit = (tx: number) => ({ rotation: [0, 0.1, 0], jaw: [0.05, 0, 0], expression: [0.2, 0.4], camera: { scale: 900, tx, ty: 500 } });
    const recId = v6.save(
      { subjectId: 1, packId: 'ict-facekit', packHash: 'h', fitter: 'coarse-lm-6', options: { photometric: true }, shape: [0.5], photoIds: [1, 2], stages: [], jobId: null },
      [{ photoId: 1, faceIndex: 0, fit: fit(100), metrics: { nme: 0.02, nmeSingle: 0.02, secondsPerPhoto: 1 } }, { photoId: 2, faceIndex: 0, fit: fit(200), metrics: { nme: 0.03, nmeSingle: 0.03, secondsPerPhoto: 1 } }],
    );
    const before = { recs: db.prepare('SELECT * FROM subject_reconstructions').all(), fits: db.prepare('SELECT * FROM photo_fits ORDER BY photo_id').all(), photos: db.prepare('SELECT * FROM photos').all() };
    // At version 6 there is no table yet: the reader lists nothing and refuses writes.
    const early = new ExpressionsTable(db);
    expect(early.list()).toEqual([]);
    expect(() => early.save({ name: 'x', arkit: arkit(0), jawPose: [0, 0, 0], eyePose: null, sourcePhotoId: null, sourcePackId: null })).toThrow(/older schema/);

    migrate(db, 7);
    expect(schemaVersion(db)).toBe(7);
    expect({ recs: db.prepare('SELECT * FROM subject_reconstructions').all(), fits: db.prepare('SELECT * FROM photo_fits ORDER BY photo_id').all(), photos: db.prepare('SELECT * FROM photos').all() }).toEqual(before);
    expect(new ReconstructionsTable(db).latestFitOfPhoto(2)?.fit.camera.tx).toBe(200);
    expect(new ReconstructionsTable(db).get(recId)?.photoIds).toEqual([1, 2]);

    const table = new ExpressionsTable(db);
    const smile = table.save({ name: ' smile ', arkit: arkit(0.8), jawPose: [0.1, 0, 0], eyePose: null, sourcePhotoId: 2, sourcePackId: 'ict-facekit' });
    const blink = table.save({ name: 'Blink', arkit: arkit(0), jawPose: [0, 0, 0], eyePose: { left: [0.1, 0, 0], right: [0.1, 0, 0] }, sourcePhotoId: null, sourcePackId: null });
    expect(table.list().map((e) => e.name)).toEqual(['Blink', 'smile']);
    expect(table.get(smile)).toMatchObject({ name: 'smile', jawPose: [0.1, 0, 0], eyePose: null, sourcePhotoId: 2, sourcePackId: 'ict-facekit' });
    expect(table.get(smile)!.arkit[23]).toBe(0.8);
    expect(table.get(blink)!.eyePose).toEqual({ left: [0.1, 0, 0], right: [0.1, 0, 0] });
    // Names are unique in the project; the schema checks the weights' and jaw's lengths.
    expect(() => table.save({ name: 'smile', arkit: arkit(0), jawPose: [0, 0, 0], eyePose: null, sourcePhotoId: null, sourcePackId: null })).toThrow(/already exists/);
    expect(() => db.prepare("INSERT INTO expressions (name, arkit, jaw_pose, created_at) VALUES ('smile', ?, '[0,0,0]', 'n')").run(JSON.stringify(arkit(0)))).toThrow(/UNIQUE/);
    expect(() => db.prepare("INSERT INTO expressions (name, arkit, jaw_pose, created_at) VALUES ('short', '[0, 1]', '[0,0,0]', 'n')").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO expressions (name, arkit, jaw_pose, created_at) VALUES ('jaw', ?, '[0,0]', 'n')").run(JSON.stringify(arkit(0)))).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO expressions (name, arkit, jaw_pose, created_at) VALUES ('  ', ?, '[0,0,0]', 'n')").run(JSON.stringify(arkit(0)))).toThrow(/CHECK/);
    // The captured expression outlives its photo.
    db.prepare('DELETE FROM photos WHERE id = 2').run();
    expect(table.get(smile)).toMatchObject({ name: 'smile', sourcePhotoId: null });
    expect(table.delete(smile)).toBe(true);
    expect(table.delete(smile)).toBe(false);
    expect(table.list().map((e) => e.name)).toEqual(['Blink']);
  });
});
