import type { Database } from 'better-sqlite3';
import type { OrthoCamera } from '../../core/geometry/ortho-camera';

/** How a reconstruction was asked for (stored with it: a run with other options does not reuse it). */
export interface ReconstructionOptions {
  /** 'encoder': DECA's coarse encoder gave each photo's start; 'landmarks': the fitter's rigid guess. */
  init: 'landmarks' | 'encoder';
  /** With an encoder start: whether fitting refined it (false keeps the encoder's values). */
  refine: boolean;
  /** DECA's photometric term refined the joint fit. */
  photometric: boolean;
  /** Lighting and albedo were solved. */
  lighting: boolean;
  /** The identity distance of the textured render was measured. */
  identity: boolean;
  /** Digest of the artist's pins the fit joined ('' or absent: none); see reconstruct-pipeline.ts. */
  pins?: string;
}

/** One stage's outcome in a reconstruction (see core/reconstruct/stages). */
export interface StageOutcome {
  stage: string;
  outcome: 'done' | 'skipped' | 'failed';
  seconds: number;
  message: string | null;
}

/** A subject's reconstruction on one pack (table `subject_reconstructions`, migration 006). */
export interface StoredReconstruction {
  id: number;
  subjectId: number;
  packId: string;
  /** The pack's manifest hash when it was solved ('' for rows carried from version 5). */
  packHash: string;
  fitter: string;
  options: Partial<ReconstructionOptions>;
  /** The shape β its photos share. */
  shape: number[];
  /** The photos solved together, sorted. */
  photoIds: number[];
  stages: StageOutcome[];
  jobId: number | null;
  createdAt: string;
}

/** A photo's part of a reconstruction: its pose, expression, camera and lighting. */
export interface PhotoFitValues {
  /** Axis-angle (radians) of the global rotation and of the jaw. */
  rotation: number[];
  jaw: number[];
  expression: number[];
  /** DECA's orthographic camera in photo pixels: u = s·x + tx, v = −s·y + ty. */
  camera: OrthoCamera;
  /** 27 SH coefficients (DECA's order) against the reconstruction's albedo, when lighting was solved. */
  light?: number[];
  /** With an encoder start: DECA's own 27 SH coefficients (relative to DECA's albedo model). */
  encoderLight?: number[];
  /** The fitted head's 68 landmarks projected into the photo (pixels); absent in rows from version 5. */
  modelLandmarks68?: number[][];
}

export interface PhotoFitMetrics {
  /** Mean 68-landmark error ÷ outer-eye-corner distance with the shared β. */
  nme: number;
  /** The same for this photo fitted on its own (its own β). */
  nmeSingle: number;
  /** Seconds the subject's fit took, divided over its photos. */
  secondsPerPhoto: number;
  /** RMS (0…1) of photo − albedo ⊙ SH shading in the face mask, when lighting was solved. */
  photometricRms?: number;
  /** The same with a constant albedo (lighting alone). */
  photometricRmsConstantAlbedo?: number;
  /** Recognition distance between the textured render and the photo's face, when measured. */
  identityDistance?: number;
  /**
   * After the detail stage: the photometric RMS (0…1) over the detail texels the photo shows, with
   * the coarse normals and with its own detail F(δ_photo, ψ, θ_jaw) — the same mask and light.
   */
  detail?: { photometricRmsCoarse: number; photometricRmsDetail: number };
}

export interface StoredPhotoFit {
  reconstructionId: number;
  photoId: number;
  faceIndex: number;
  fit: PhotoFitValues;
  metrics: PhotoFitMetrics;
}

/** A photo fit together with the reconstruction it belongs to. */
export interface PhotoFitWithReconstruction extends StoredPhotoFit {
  reconstruction: StoredReconstruction;
}

export type NewReconstruction = Omit<StoredReconstruction, 'id' | 'createdAt'>;

interface RecRow {
  id: number;
  subject_id: number;
  pack_id: string;
  pack_hash: string;
  fitter: string;
  options: string;
  shape: string;
  photo_ids: string;
  stages: string;
  job_id: number | null;
  created_at: string;
}

interface FitRow {
  reconstruction_id: number;
  photo_id: number;
  face_index: number;
  fit: string;
  metrics: string;
}

const toRec = (r: RecRow): StoredReconstruction => ({
  id: r.id,
  subjectId: r.subject_id,
  packId: r.pack_id,
  packHash: r.pack_hash,
  fitter: r.fitter,
  options: JSON.parse(r.options) as Partial<ReconstructionOptions>,
  shape: JSON.parse(r.shape) as number[],
  photoIds: JSON.parse(r.photo_ids) as number[],
  stages: JSON.parse(r.stages) as StageOutcome[],
  jobId: r.job_id,
  createdAt: r.created_at,
});

const toFit = (r: FitRow): StoredPhotoFit => ({
  reconstructionId: r.reconstruction_id,
  photoId: r.photo_id,
  faceIndex: r.face_index,
  fit: JSON.parse(r.fit) as PhotoFitValues,
  metrics: JSON.parse(r.metrics) as PhotoFitMetrics,
});

/**
 * Reads and writes of subject reconstructions and their photo fits (migration 006), as prepared
 * statements; "latest for subject and pack" and "latest for photo" go through indexes.
 *
 * ```ts
 * const rec = library.reconstructions.latestForSubject(subjectId, 'ict-facekit');
 * const fits = rec && library.reconstructions.fitsOf(rec.id);
 * ```
 */
export class ReconstructionsTable {
  private readonly q;

  constructor(private readonly db: Database) {
    this.q = {
      insert: db.prepare(
        `INSERT INTO subject_reconstructions (subject_id, pack_id, pack_hash, fitter, options, shape, photo_ids, stages, job_id, created_at)
         VALUES (@subjectId, @packId, @packHash, @fitter, @options, @shape, @photoIds, @stages, @jobId, @createdAt)`,
      ),
      insertFit: db.prepare('INSERT INTO photo_fits (reconstruction_id, photo_id, face_index, fit, metrics) VALUES (?, ?, ?, ?, ?)'),
      markPhoto: db.prepare<[number]>(`UPDATE photos SET status = 'reconstructed' WHERE id = ?`),
      byId: db.prepare<[number], RecRow>('SELECT * FROM subject_reconstructions WHERE id = ?'),
      latestForSubjectPack: db.prepare<[number, string], RecRow>('SELECT * FROM subject_reconstructions WHERE subject_id = ? AND pack_id = ? ORDER BY id DESC LIMIT 1'),
      latestForSubject: db.prepare<[number], RecRow>('SELECT * FROM subject_reconstructions WHERE subject_id = ? ORDER BY id DESC LIMIT 1'),
      listForSubject: db.prepare<[number], RecRow>(
        `SELECT * FROM subject_reconstructions WHERE id IN (SELECT max(id) FROM subject_reconstructions WHERE subject_id = ? GROUP BY pack_id) ORDER BY id DESC`,
      ),
      fitsOf: db.prepare<[number], FitRow>('SELECT * FROM photo_fits WHERE reconstruction_id = ? ORDER BY photo_id'),
      fit: db.prepare<[number, number], FitRow>('SELECT * FROM photo_fits WHERE reconstruction_id = ? AND photo_id = ?'),
      latestFitOfPhoto: db.prepare<[number], FitRow>('SELECT * FROM photo_fits WHERE photo_id = ? ORDER BY reconstruction_id DESC LIMIT 1'),
      latestFitOfPhotoOnPack: db.prepare<[number, string], FitRow>(
        `SELECT f.* FROM photo_fits f JOIN subject_reconstructions r ON r.id = f.reconstruction_id
         WHERE f.photo_id = ? AND r.pack_id = ? ORDER BY f.reconstruction_id DESC LIMIT 1`,
      ),
      latestFitsAll: db.prepare<[], FitRow>(
        `SELECT f.* FROM photo_fits f WHERE f.reconstruction_id = (
           SELECT max(g.reconstruction_id) FROM photo_fits g JOIN subject_reconstructions r ON r.id = g.reconstruction_id
           WHERE g.photo_id = f.photo_id AND r.pack_id = (SELECT pack_id FROM subject_reconstructions WHERE id = f.reconstruction_id))
         ORDER BY f.photo_id, f.reconstruction_id`,
      ),
      count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM subject_reconstructions'),
      setMetrics: db.prepare<[string, number, number]>('UPDATE photo_fits SET metrics = ? WHERE reconstruction_id = ? AND photo_id = ?'),
    };
  }

  /**
   * Stores a reconstruction with its photo fits in one transaction and marks the photos
   * 'reconstructed'; returns its id. Earlier reconstructions stay (the newest is the one shown).
   */
  save(rec: NewReconstruction, fits: readonly Omit<StoredPhotoFit, 'reconstructionId'>[]): number {
    return this.db.transaction(() => {
      const id = Number(
        this.q.insert.run({
          subjectId: rec.subjectId,
          packId: rec.packId,
          packHash: rec.packHash,
          fitter: rec.fitter,
          options: JSON.stringify(rec.options),
          shape: JSON.stringify(rec.shape),
          photoIds: JSON.stringify(rec.photoIds),
          stages: JSON.stringify(rec.stages),
          jobId: rec.jobId,
          createdAt: new Date().toISOString(),
        }).lastInsertRowid,
      );
      for (const f of fits) {
        this.q.insertFit.run(id, f.photoId, f.faceIndex, JSON.stringify(f.fit), JSON.stringify(f.metrics));
        this.q.markPhoto.run(f.photoId);
      }
      return id;
    })();
  }

  get(id: number): StoredReconstruction | undefined {
    const r = this.q.byId.get(id);
    return r && toRec(r);
  }

  /** The subject's newest reconstruction on a pack (any pack when none is named). */
  latestForSubject(subjectId: number, packId?: string): StoredReconstruction | undefined {
    const r = packId === undefined ? this.q.latestForSubject.get(subjectId) : this.q.latestForSubjectPack.get(subjectId, packId);
    return r && toRec(r);
  }

  /** The subject's newest reconstruction per pack, newest first. */
  listForSubject(subjectId: number): StoredReconstruction[] {
    return this.q.listForSubject.all(subjectId).map(toRec);
  }

  fitsOf(reconstructionId: number): StoredPhotoFit[] {
    return this.q.fitsOf.all(reconstructionId).map(toFit);
  }

  fit(reconstructionId: number, photoId: number): StoredPhotoFit | undefined {
    const r = this.q.fit.get(reconstructionId, photoId);
    return r && toFit(r);
  }

  /** A photo's newest fit (on a pack, or any), with its reconstruction. */
  latestFitOfPhoto(photoId: number, packId?: string): PhotoFitWithReconstruction | undefined {
    const r = packId === undefined ? this.q.latestFitOfPhoto.get(photoId) : this.q.latestFitOfPhotoOnPack.get(photoId, packId);
    if (!r) return undefined;
    return { ...toFit(r), reconstruction: this.get(r.reconstruction_id)! };
  }

  /** Every photo's newest fit per pack, with its reconstruction (for `metrics`). */
  latestFits(): PhotoFitWithReconstruction[] {
    const recs = new Map<number, StoredReconstruction>();
    return this.q.latestFitsAll.all().map((r) => {
      let rec = recs.get(r.reconstruction_id);
      if (!rec) recs.set(r.reconstruction_id, (rec = this.get(r.reconstruction_id)!));
      return { ...toFit(r), reconstruction: rec };
    });
  }

  /** Merges later stages' measures (the detail stage's) into photo fits' metrics, in one transaction. */
  addMetrics(reconstructionId: number, byPhoto: ReadonlyMap<number, Partial<PhotoFitMetrics>>): void {
    this.db.transaction(() => {
      for (const [photoId, patch] of byPhoto) {
        const f = this.fit(reconstructionId, photoId);
        if (!f) throw new Error(`Photo ${photoId} is not part of reconstruction ${reconstructionId}`);
        this.q.setMetrics.run(JSON.stringify({ ...f.metrics, ...patch }), reconstructionId, photoId);
      }
    })();
  }

  count(): number {
    return this.q.count.get()!.n;
  }
}
