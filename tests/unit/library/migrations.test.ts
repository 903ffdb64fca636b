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
  it('are numbered 1..n without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(LATEST_SCHEMA_VERSION).toBe(MIGRATIONS.length);
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
