import type { Database } from 'better-sqlite3';
import type { OrthoCamera } from '../../core/geometry/ortho-camera';

/** A photo's stored coarse fit (table `reconstructions`, migration 003: parameters and metrics JSON). */
export interface ReconstructionParameters {
  /** Fitter version; a result from another version is solved again. */
  fitter: string;
  /** The photos solved together with this one (one shared β), sorted. */
  jointPhotoIds: number[];
  faceIndex: number;
  shape: number[];
  expression: number[];
  /** Axis-angle (radians) of the global rotation and of the jaw. */
  rotation: number[];
  jaw: number[];
  /** DECA's orthographic camera in photo pixels: u = s·x + tx, v = −s·y + ty. */
  camera: OrthoCamera;
  /** 27 SH lighting coefficients (DECA's convention): photo ≈ albedo ⊙ shading with the subject's albedo texture, when estimated. */
  light?: number[];
  /** True when DECA's photometric term refined the joint fit (see photometric-refine.ts). */
  photometricRefinement?: boolean;
  /** 'encoder' when DECA's coarse encoder gave the fit's start (absent: the fitter's rigid guess from landmarks). */
  init?: 'encoder';
  /** With an encoder start: whether fitting refined it (false: the encoder's values as they are). */
  refined?: boolean;
  /** With an encoder start: DECA's 27 SH coefficients as predicted (relative to DECA's albedo model, not the subject's texture). */
  encoderLight?: number[];
}

export interface ReconstructionMetrics {
  /** Mean 68-landmark error ÷ outer-eye-corner distance with the shared β (joint fit). */
  nme: number;
  /** The same for this photo fitted on its own (its own β): the shared β's cost is nme − nmeSingle. */
  nmeSingle: number;
  /** Seconds the subject's joint fit took, divided over its photos. */
  secondsPerPhoto: number;
  /** RMS (0…1 colour units) of photo − albedo ⊙ SH shading in the face mask, when estimated. */
  photometricRms?: number;
  /** The same with a constant albedo (lighting alone), for comparison. */
  photometricRmsConstantAlbedo?: number;
  /** Recognition-embedding distance between the rendered head (albedo ⊙ shading, over the photo) and the photo's face, when measured. */
  identityDistance?: number;
}

export interface StoredReconstruction {
  id: number;
  photoId: number;
  packId: string;
  parameters: ReconstructionParameters;
  metrics: ReconstructionMetrics;
  createdAt: string;
}

interface Row {
  id: number;
  photo_id: number;
  pack_id: string;
  parameters: string;
  metrics: string;
  created_at: string;
}

const toStored = (r: Row): StoredReconstruction => ({
  id: r.id,
  photoId: r.photo_id,
  packId: r.pack_id,
  parameters: JSON.parse(r.parameters) as ReconstructionParameters,
  metrics: JSON.parse(r.metrics) as ReconstructionMetrics,
  createdAt: r.created_at,
});

/**
 * Replaces the photos' reconstructions on one pack in a single transaction and marks them
 * 'reconstructed'.
 *
 * ```ts
 * saveReconstructions(db, 'ict-facekit', [{ photoId, parameters, metrics }]);
 * ```
 */
export function saveReconstructions(db: Database, packId: string, rows: { photoId: number; parameters: ReconstructionParameters; metrics: ReconstructionMetrics }[]): void {
  const now = new Date().toISOString();
  db.transaction(() => {
    const del = db.prepare<[number, string]>('DELETE FROM reconstructions WHERE photo_id = ? AND pack_id = ?');
    const ins = db.prepare<[number, string, string, string, string]>('INSERT INTO reconstructions (photo_id, pack_id, parameters, metrics, created_at) VALUES (?, ?, ?, ?, ?)');
    const mark = db.prepare<[number]>(`UPDATE photos SET status = 'reconstructed' WHERE id = ?`);
    for (const r of rows) {
      del.run(r.photoId, packId);
      ins.run(r.photoId, packId, JSON.stringify(r.parameters), JSON.stringify(r.metrics), now);
      mark.run(r.photoId);
    }
  })();
}

/**
 * The latest reconstruction of a photo on a pack, or undefined.
 *
 * ```ts
 * const rec = getReconstruction(db, photoId, 'starter-head');
 * ```
 */
export function getReconstruction(db: Database, photoId: number, packId: string): StoredReconstruction | undefined {
  const row = db.prepare<[number, string], Row>('SELECT * FROM reconstructions WHERE photo_id = ? AND pack_id = ? ORDER BY id DESC LIMIT 1').get(photoId, packId);
  return row ? toStored(row) : undefined;
}

/**
 * Every photo's latest reconstruction (any pack), newest first per photo and pack.
 *
 * ```ts
 * for (const rec of listReconstructions(db)) console.log(rec.photoId, rec.metrics.nme);
 * ```
 */
export function listReconstructions(db: Database, packId?: string): StoredReconstruction[] {
  const rows = db.prepare<[], Row>('SELECT * FROM reconstructions WHERE id IN (SELECT MAX(id) FROM reconstructions GROUP BY photo_id, pack_id) ORDER BY photo_id, pack_id').all();
  return rows.map(toStored).filter((r) => packId === undefined || r.packId === packId);
}
