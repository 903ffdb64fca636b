import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clipFromRecords } from '../../../core/expression/expression-clip';
import type { ExpressionRecord } from '../../../core/expression/expression-record';
import { ClipsTable } from '../../../main/library/clips-table';
import { migrate, schemaVersion } from '../../../main/library/migrations/index';

let db: Database.Database;
beforeEach(() => {
  db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
});
afterEach(() => db.close());

const rec = (jaw: number): ExpressionRecord => {
  const arkit = new Float32Array(52);
  arkit[17] = jaw; // jawOpen
  return { name: `jaw ${jaw}`, arkit, jawPose: [jaw / 4, 0, 0], eyePose: null, source: { photoId: 1, packId: 'ict-facekit' } };
};

describe('migration 008: clips', () => {
  it('carries version 6 rows across and adds a clips table with checked names, fps and keys', () => {
    migrate(db, 6);
    db.prepare("INSERT INTO subjects (name, created_at) VALUES ('Ann', 'n')").run();
    db.prepare("INSERT INTO photos (subject_id, sha256, original_name, width, height, format, byte_size, imported_at) VALUES (1, ?, 'a.jpg', 10, 10, 'jpeg', 5, 'n')").run('a'.repeat(64));
    db.prepare("INSERT INTO subject_reconstructions (subject_id, pack_id, fitter, shape, photo_ids, created_at) VALUES (1, 'ict-facekit', 'coarse', '[0.5]', '[1]', 'n')").run();
    db.prepare("INSERT INTO photo_fits (reconstruction_id, photo_id, face_index, fit) VALUES (1, 1, 0, '{\"expression\":[0.25],\"jaw\":[0.1,0,0]}')").run();

    migrate(db, 8);
    expect(schemaVersion(db)).toBe(8);
    // Earlier rows are untouched.
    expect(db.prepare('SELECT name FROM subjects').all()).toEqual([{ name: 'Ann' }]);
    expect(db.prepare('SELECT reconstruction_id, photo_id, fit FROM photo_fits').all()).toEqual([{ reconstruction_id: 1, photo_id: 1, fit: '{"expression":[0.25],"jaw":[0.1,0,0]}' }]);

    const clips = new ClipsTable(db);
    const id = clips.create(clipFromRecords('Talk', [rec(0), rec(0.5), rec(1)], { fps: 4 }), 'photos 1', '2026-01-01T00:00:00Z');
    expect(() => clips.create(clipFromRecords('talk', [rec(0)]), 'x')).toThrow(/already exists/);
    expect(clips.list()).toEqual([{ id, name: 'Talk', fps: 4, keyCount: 3, duration: 0.5, source: 'photos 1', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' }]);
    const stored = clips.getByName('TALK')!;
    expect(stored.clip.keys.map((k) => [k.time, k.expression.arkit[17], k.expression.jawPose[0]])).toEqual([[0, 0, 0], [0.25, 0.5, 0.125], [0.5, 1, 0.25]]);
    expect(stored.clip.keys[1]!.expression.source).toEqual({ photoId: 1, packId: 'ict-facekit' });
    clips.update(id, { ...stored.clip, keys: stored.clip.keys.slice(1) });
    expect(clips.get(id)!.keyCount).toBe(2);

    // The table's own checks hold whatever code writes.
    const raw = db.prepare("INSERT INTO clips (name, fps, keys, created_at, updated_at) VALUES (?, ?, ?, 'n', 'n')");
    expect(() => raw.run(' ', 2, '[{}]')).toThrow(/CHECK/);
    expect(() => raw.run('a', 0, '[{}]')).toThrow(/CHECK/);
    expect(() => raw.run('b', 2, '[]')).toThrow(/CHECK/);
    expect(() => raw.run('c', 2, '{"t":0}')).toThrow(/CHECK/);
    expect(() => raw.run('d', 2, 'not json')).toThrow(/CHECK/);
    clips.remove(id);
    expect(clips.list()).toEqual([]);
    expect(() => clips.remove(id)).toThrow(/No clip/);
  });
});
