import type { Migration } from './index';

/** Per-photo reconstructions on a head-model pack (parameters and metrics as JSON; filled by later stages). */
export const migration003Reconstructions: Migration = {
  version: 3,
  name: 'reconstructions',
  up(db) {
    db.exec(`
      CREATE TABLE reconstructions (
        id         INTEGER PRIMARY KEY,
        photo_id   INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        pack_id    TEXT NOT NULL,
        parameters TEXT NOT NULL CHECK (json_valid(parameters)),
        metrics    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metrics)),
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX reconstructions_by_photo ON reconstructions(photo_id);
    `);
  },
};
