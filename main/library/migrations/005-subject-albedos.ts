import type { Migration } from './index';

/**
 * A person's albedo texture per head-model pack (the coarse stage's shared albedo, PNG in the pack's
 * UV layout, plus per-vertex RGB bytes for parts outside the texture) with the photos it was solved
 * from; it follows its subject.
 */
export const migration005SubjectAlbedos: Migration = {
  version: 5,
  name: 'subject-albedos',
  up(db) {
    db.exec(`
      CREATE TABLE subject_albedos (
        subject_id INTEGER NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
        pack_id    TEXT NOT NULL,
        photo_ids  TEXT NOT NULL CHECK (json_valid(photo_ids) AND json_type(photo_ids) = 'array'),
        size       INTEGER NOT NULL CHECK (size > 0),
        png        BLOB NOT NULL,
        vertex_rgb BLOB,
        created_at TEXT NOT NULL,
        PRIMARY KEY (subject_id, pack_id)
      ) STRICT;
    `);
  },
};
