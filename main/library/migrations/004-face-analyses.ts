import type { Migration } from './index';

/**
 * Per-photo face analysis (detection, 68 landmarks, mesh, pose, embedding) as the `landmarks` CLI
 * prints it: one row per photo, replaced when the photo is analysed again.
 */
export const migration004FaceAnalyses: Migration = {
  version: 4,
  name: 'face-analyses',
  up(db) {
    db.exec(`
      CREATE TABLE face_analyses (
        photo_id         INTEGER PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE,
        analyzer_version TEXT NOT NULL,
        face_count       INTEGER NOT NULL CHECK (face_count >= 0),
        selected_face    INTEGER CHECK (selected_face IS NULL OR (selected_face >= 0 AND selected_face < face_count)),
        faces            TEXT NOT NULL CHECK (json_valid(faces) AND json_type(faces) = 'array'),
        analyzed_at      TEXT NOT NULL
      ) STRICT;
    `);
  },
};
