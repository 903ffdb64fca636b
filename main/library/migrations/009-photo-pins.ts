import type { Migration } from './index';

/**
 * The artist's pins per photo (landmark overrides and surface points, see core/reconstruct/photo-pins.ts)
 * as a stack of revisions: each set or clear adds one, undo removes the newest, so the photo's pins
 * are its newest revision. AUTOINCREMENT: an undone revision's id is never given to a later one.
 */
export const migration009PhotoPins: Migration = {
  version: 9,
  name: 'photo-pins',
  up(db) {
    db.exec(`
      CREATE TABLE photo_pin_revisions (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        photo_id   INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        pack_id    TEXT CHECK (pack_id IS NULL OR length(pack_id) > 0),
        pins       TEXT NOT NULL CHECK (json_valid(pins) AND json_type(pins) = 'array'),
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX photo_pin_revisions_by_photo ON photo_pin_revisions (photo_id, id);
    `);
  },
};
