import type { Migration } from './index';

/** Long-running work (imports, later analysis and reconstruction) and its per-item outcomes. */
export const migration002Jobs: Migration = {
  version: 2,
  name: 'jobs',
  up(db) {
    db.exec(`
      CREATE TABLE jobs (
        id         INTEGER PRIMARY KEY,
        kind       TEXT NOT NULL,
        state      TEXT NOT NULL
                   CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled', 'interrupted')),
        done       INTEGER NOT NULL DEFAULT 0,
        total      INTEGER NOT NULL DEFAULT 0,
        error      TEXT,
        payload    TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE job_items (
        job_id   INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        seq      INTEGER NOT NULL,
        source   TEXT NOT NULL,
        outcome  TEXT NOT NULL CHECK (outcome IN ('imported', 'skipped', 'failed')),
        photo_id INTEGER REFERENCES photos(id) ON DELETE SET NULL,
        code     TEXT,
        message  TEXT,
        PRIMARY KEY (job_id, seq)
      ) STRICT;
    `);
  },
};
