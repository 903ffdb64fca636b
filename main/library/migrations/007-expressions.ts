import type { Database } from 'better-sqlite3';
import type { Migration } from './index';

/**
 * Saved expressions: named expressions made by hand (sliders) or kept from a photo, as data
 * independent of any head model — ARKit's 52 weights (ARKIT_BLENDSHAPES order, 0…1), the jaw's
 * axis-angle and optionally both eyes' — so that any subject's head can be posed with them. A name
 * is unique in the project; the source photo is remembered while it exists.
 */
export const migration007Expressions: Migration = {
  version: 7,
  name: 'expressions',
  up(db: Database) {
    db.exec(`
      CREATE TABLE expressions (
        id              INTEGER PRIMARY KEY,
        name            TEXT NOT NULL UNIQUE CHECK (length(trim(name)) BETWEEN 1 AND 200),
        arkit           TEXT NOT NULL CHECK (json_valid(arkit) AND json_type(arkit) = 'array' AND json_array_length(arkit) = 52),
        jaw_pose        TEXT NOT NULL CHECK (json_valid(jaw_pose) AND json_type(jaw_pose) = 'array' AND json_array_length(jaw_pose) = 3),
        eye_pose        TEXT CHECK (eye_pose IS NULL OR (json_valid(eye_pose) AND json_type(eye_pose) = 'object')),
        source_photo_id INTEGER REFERENCES photos(id) ON DELETE SET NULL,
        source_pack_id  TEXT,
        created_at      TEXT NOT NULL
      ) STRICT;
    `);
  },
};
