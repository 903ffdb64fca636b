import type { Database } from 'better-sqlite3';
import type { Migration } from './index';

/**
 * The results repository: one row per reconstruction of a subject on a pack (its shared shape,
 * options and each stage's outcome), one fit per photo of it, and its maps (albedo texture, per-vertex
 * albedo; later detail maps) — so export, viewers and the CLI read what a reconstruction stored
 * instead of solving it again. Job items become one model for every kind of job (a file, a photo, a
 * stage, an output) instead of import outcomes; jobs record their subject.
 *
 * Rows carried from version 5: each photo's newest reconstruction per pack is grouped with the
 * photos it was solved with (`jointPhotoIds`) into one subject reconstruction; the subject's albedo
 * joins its newest reconstruction on that pack; job items keep their outcome ('imported' → 'done').
 */
export const migration006ResultsRepository: Migration = {
  version: 6,
  name: 'results-repository',
  up(db) {
    db.exec(`
      CREATE TABLE subject_reconstructions (
        id         INTEGER PRIMARY KEY,
        subject_id INTEGER NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
        pack_id    TEXT NOT NULL,
        pack_hash  TEXT NOT NULL DEFAULT '',
        fitter     TEXT NOT NULL,
        options    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(options) AND json_type(options) = 'object'),
        shape      TEXT NOT NULL CHECK (json_valid(shape) AND json_type(shape) = 'array'),
        photo_ids  TEXT NOT NULL CHECK (json_valid(photo_ids) AND json_type(photo_ids) = 'array'),
        stages     TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(stages) AND json_type(stages) = 'array'),
        job_id     INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX subject_reconstructions_latest ON subject_reconstructions(subject_id, pack_id, id);

      CREATE TABLE photo_fits (
        reconstruction_id INTEGER NOT NULL REFERENCES subject_reconstructions(id) ON DELETE CASCADE,
        photo_id          INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        face_index        INTEGER NOT NULL CHECK (face_index >= 0),
        fit               TEXT NOT NULL CHECK (json_valid(fit) AND json_type(fit) = 'object'),
        metrics           TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metrics) AND json_type(metrics) = 'object'),
        PRIMARY KEY (reconstruction_id, photo_id)
      ) STRICT;
      CREATE INDEX photo_fits_by_photo ON photo_fits(photo_id, reconstruction_id);

      CREATE TABLE reconstruction_maps (
        reconstruction_id INTEGER NOT NULL REFERENCES subject_reconstructions(id) ON DELETE CASCADE,
        kind              TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 64),
        width             INTEGER NOT NULL CHECK (width > 0),
        height            INTEGER NOT NULL CHECK (height > 0),
        format            TEXT NOT NULL CHECK (format IN ('png', 'rgb8', 'f32')),
        data              BLOB NOT NULL,
        meta              TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(meta) AND json_type(meta) = 'object'),
        PRIMARY KEY (reconstruction_id, kind)
      ) STRICT;

      CREATE TABLE job_items_v6 (
        job_id     INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        seq        INTEGER NOT NULL,
        kind       TEXT NOT NULL CHECK (kind IN ('file', 'photo', 'stage', 'output')),
        name       TEXT NOT NULL,
        outcome    TEXT NOT NULL CHECK (outcome IN ('done', 'skipped', 'failed')),
        subject_id INTEGER REFERENCES subjects(id) ON DELETE SET NULL,
        photo_id   INTEGER REFERENCES photos(id) ON DELETE SET NULL,
        code       TEXT,
        message    TEXT,
        data       TEXT CHECK (data IS NULL OR json_valid(data)),
        PRIMARY KEY (job_id, seq)
      ) STRICT;
      INSERT INTO job_items_v6 (job_id, seq, kind, name, outcome, photo_id, code, message)
        SELECT i.job_id, i.seq,
               CASE j.kind WHEN 'import' THEN 'file' WHEN 'export' THEN 'output' ELSE 'photo' END,
               i.source,
               CASE i.outcome WHEN 'imported' THEN 'done' ELSE i.outcome END,
               i.photo_id, i.code, i.message
        FROM job_items i JOIN jobs j ON j.id = i.job_id;
      DROP TABLE job_items;
      ALTER TABLE job_items_v6 RENAME TO job_items;

      ALTER TABLE jobs ADD COLUMN subject_id INTEGER REFERENCES subjects(id) ON DELETE SET NULL;
      UPDATE jobs SET subject_id = json_extract(payload, '$.subjectId')
        WHERE json_valid(payload) AND json_type(payload, '$.subjectId') = 'integer'
          AND json_extract(payload, '$.subjectId') IN (SELECT id FROM subjects);
    `);
    carryReconstructions(db);
    db.exec('DROP TABLE reconstructions; DROP TABLE subject_albedos;');
  },
};

interface OldReconstruction {
  id: number;
  photo_id: number;
  subject_id: number;
  pack_id: string;
  parameters: string;
  metrics: string;
  created_at: string;
}

/** Version 5's per-photo rows grouped into subject reconstructions, with the albedos attached. */
function carryReconstructions(db: Database): void {
  const rows = db
    .prepare<[], OldReconstruction>(
      `SELECT r.id, r.photo_id, p.subject_id, r.pack_id, r.parameters, r.metrics, r.created_at
       FROM reconstructions r JOIN photos p ON p.id = r.photo_id
       WHERE r.id IN (SELECT max(id) FROM reconstructions GROUP BY photo_id, pack_id)
       ORDER BY r.id`,
    )
    .all();
  const groups = new Map<string, OldReconstruction[]>();
  for (const row of rows) {
    const p = JSON.parse(row.parameters) as { jointPhotoIds?: number[]; fitter?: string };
    const key = `${row.subject_id}\u0000${row.pack_id}\u0000${p.fitter ?? ''}\u0000${JSON.stringify(p.jointPhotoIds ?? [row.photo_id])}`;
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(row);
  }
  const insertRec = db.prepare(
    `INSERT INTO subject_reconstructions (subject_id, pack_id, fitter, options, shape, photo_ids, stages, created_at)
     VALUES (?, ?, ?, ?, ?, ?, '[]', ?)`,
  );
  const insertFit = db.prepare('INSERT INTO photo_fits (reconstruction_id, photo_id, face_index, fit, metrics) VALUES (?, ?, ?, ?, ?)');
  // Groups in the order their newest row was written, so ids keep "newer is larger".
  const ordered = [...groups.values()].sort((a, b) => a[a.length - 1]!.id - b[b.length - 1]!.id);
  for (const group of ordered) {
    const newest = group[group.length - 1]!;
    const p = JSON.parse(newest.parameters) as Record<string, unknown>;
    const options = { init: p.init ?? 'landmarks', refine: p.refined ?? true, photometric: p.photometricRefinement ?? false, carriedFromVersion: 5 };
    const recId = Number(
      insertRec.run(newest.subject_id, newest.pack_id, String(p.fitter ?? 'unknown'), JSON.stringify(options), JSON.stringify(p.shape ?? []), JSON.stringify(p.jointPhotoIds ?? group.map((r) => r.photo_id)), newest.created_at).lastInsertRowid,
    );
    for (const row of group) {
      const q = JSON.parse(row.parameters) as Record<string, unknown>;
      const { fitter: _f, jointPhotoIds: _j, faceIndex, shape: _s, ...fit } = q;
      insertFit.run(recId, row.photo_id, typeof faceIndex === 'number' ? faceIndex : 0, JSON.stringify(fit), row.metrics);
    }
  }
  const albedos = db.prepare<[], { subject_id: number; pack_id: string; size: number; png: Buffer; vertex_rgb: Buffer | null; photo_ids: string }>('SELECT * FROM subject_albedos').all();
  const latest = db.prepare<[number, string], { id: number }>('SELECT max(id) AS id FROM subject_reconstructions WHERE subject_id = ? AND pack_id = ?');
  const insertMap = db.prepare('INSERT INTO reconstruction_maps (reconstruction_id, kind, width, height, format, data, meta) VALUES (?, ?, ?, ?, ?, ?, ?)');
  for (const a of albedos) {
    const rec = latest.get(a.subject_id, a.pack_id)?.id;
    // An albedo without any reconstruction cannot be shown or exported: there is nothing to attach it to.
    if (!rec) continue;
    insertMap.run(rec, 'albedo', a.size, a.size, 'png', a.png, JSON.stringify({ photoIds: JSON.parse(a.photo_ids) as number[] }));
    if (a.vertex_rgb) insertMap.run(rec, 'vertex-albedo', a.vertex_rgb.length / 3, 1, 'rgb8', a.vertex_rgb, '{}');
  }
}
