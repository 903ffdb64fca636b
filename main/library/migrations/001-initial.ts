import type { Migration } from './index';

/** Subjects (people) and their photos, stored content-addressed by SHA-256. */
export const migration001Initial: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE project_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE subjects (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL COLLATE NOCASE UNIQUE,
        notes      TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE photos (
        id            INTEGER PRIMARY KEY,
        subject_id    INTEGER NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
        sha256        TEXT NOT NULL CHECK (length(sha256) = 64),
        original_name TEXT NOT NULL,
        width         INTEGER NOT NULL CHECK (width > 0),
        height        INTEGER NOT NULL CHECK (height > 0),
        format        TEXT NOT NULL CHECK (format IN ('jpeg', 'png', 'webp', 'tiff')),
        byte_size     INTEGER NOT NULL,
        imported_at   TEXT NOT NULL,
        status        TEXT NOT NULL DEFAULT 'imported'
                      CHECK (status IN ('imported', 'analyzed', 'reconstructed', 'failed')),
        UNIQUE (subject_id, sha256)
      ) STRICT;
      CREATE INDEX photos_by_sha ON photos(sha256);
    `);
  },
};
