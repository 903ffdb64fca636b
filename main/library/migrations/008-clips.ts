import type { Database } from 'better-sqlite3';
import type { Migration } from './index';

/**
 * Animation clips: a named, timed sequence of expressions (ARKit weights, jaw and eye pose per key)
 * made from photos or video frames, stored with the project so any subject's head can play or export
 * it. `keys` is the JSON list core/expression/clip-json.ts writes, bounded here as well as in code
 * (at most 36,000 keys, the `clipKeys` limit; 64 MiB of text). Names are unique regardless of case.
 * Nothing to carry: the table is new.
 */
export const migration008Clips: Migration = {
  version: 8,
  name: 'clips',
  up(db: Database) {
    db.exec(`
      CREATE TABLE clips (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(trim(name)) BETWEEN 1 AND 200),
        fps        REAL NOT NULL CHECK (fps > 0 AND fps <= 240),
        keys       TEXT NOT NULL CHECK (length(keys) <= 67108864 AND json_valid(keys) AND json_type(keys) = 'array' AND json_array_length(keys) BETWEEN 1 AND 36000),
        source     TEXT NOT NULL DEFAULT '' CHECK (length(source) <= 2000),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
    `);
  },
};
