import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../main/library/migrations/index';
import { PinsTable } from '../../../main/library/pins-table';

let db: Database.Database;
beforeEach(() => {
  db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
});
afterEach(() => db.close());

describe('photo pins (migration 009, pins-table.ts)', () => {
  it('009 carries version 6 rows and adds pin revisions that follow their photo', () => {
    migrate(db, 6);
    db.prepare("INSERT INTO subjects (name, created_at) VALUES ('Ann', 'n')").run();
    const photo = db.prepare("INSERT INTO photos (subject_id, sha256, original_name, width, height, format, byte_size, imported_at) VALUES (1, ?, ?, 640, 480, 'jpeg', 5, 'n')");
    photo.run('a'.repeat(64), 'a1.jpg');
    photo.run('b'.repeat(64), 'a2.jpg');
    db.prepare("INSERT INTO subject_reconstructions (subject_id, pack_id, pack_hash, fitter, options, shape, photo_ids, stages, created_at) VALUES (1, 'starter-head', 'h', 'coarse-lm-7', '{}', '[0.5]', '[1,2]', '[]', 'n')").run();

    migrate(db, 9);
    expect(schemaVersion(db)).toBe(9);
    // Version 6's rows are all there.
    expect(db.prepare('SELECT original_name FROM photos ORDER BY id').all()).toEqual([{ original_name: 'a1.jpg' }, { original_name: 'a2.jpg' }]);
    expect(db.prepare('SELECT photo_ids FROM subject_reconstructions').all()).toEqual([{ photo_ids: '[1,2]' }]);

    const pins = new PinsTable(db);
    expect(pins.get(1)).toBeUndefined();
    expect(pins.current(1)).toBeNull();
    const first = pins.set(1, { pack: null, pins: [{ landmark: 8, x: 320, y: 400 }] });
    expect(first).toMatchObject({ photoId: 1, undoable: 1, pack: null, pins: [{ landmark: 8, x: 320, y: 400 }] });
    const second = pins.set(1, { pack: 'ict-facekit', pins: [{ landmark: 8, x: 321, y: 420 }, { triangle: 12, barycentric: [0.2, 0.3, 0.5], x: 300, y: 200 }] });
    expect(second.revision).toBeGreaterThan(first.revision);
    expect(second.undoable).toBe(2);
    expect(pins.current(1)).toEqual({ pack: 'ict-facekit', pins: second.pins });
    pins.set(2, { pack: null, pins: [{ landmark: 30, x: 1, y: 2 }] });
    // Clear is a revision of none, undone like any other.
    expect(pins.clear(1)).toMatchObject({ pins: [], undoable: 3 });
    expect(pins.current(1)).toBeNull();
    expect(pins.undo(1)).toMatchObject({ revision: second.revision, pins: second.pins });
    expect(pins.undo(1)).toMatchObject({ revision: first.revision, pins: first.pins, undoable: 1 });
    // An undone revision's id is never reused (a reconstruction made with it must not look current).
    const third = pins.set(1, { pack: null, pins: [{ landmark: 9, x: 5, y: 5 }] });
    expect(third.revision).toBeGreaterThan(second.revision + 1);
    pins.undo(1);
    expect(pins.undo(1)).toBeUndefined();
    expect(() => pins.undo(1)).toThrow(/no pin changes to undo/);
    // The other photo's pins were untouched.
    expect(pins.current(2)).toEqual({ pack: null, pins: [{ landmark: 30, x: 1, y: 2 }] });

    // Checks and cascades.
    const raw = db.prepare("INSERT INTO photo_pin_revisions (photo_id, pack_id, pins, created_at) VALUES (?, ?, ?, 'n')");
    expect(() => raw.run(1, null, '{"pins":1}')).toThrow(/CHECK/);
    expect(() => raw.run(1, '', '[]')).toThrow(/CHECK/);
    expect(() => raw.run(99, null, '[]')).toThrow(/FOREIGN KEY/);
    db.prepare('DELETE FROM photos WHERE id = 2').run();
    expect(db.prepare('SELECT count(*) AS n FROM photo_pin_revisions').get()).toEqual({ n: 0 });
  });
});
