import type { Database } from 'better-sqlite3';
import type { FaceJson } from '../../core/perception/face-json';

/** A photo's stored analysis (table `face_analyses`, migration 004). */
export interface StoredFaceAnalysis {
  photoId: number;
  analyzerVersion: string;
  selectedFace: number | null;
  faces: FaceJson[];
  analyzedAt: string;
}

interface Row {
  photo_id: number;
  analyzer_version: string;
  selected_face: number | null;
  faces: string;
  analyzed_at: string;
}

/**
 * Reads and writes of per-photo face analyses (detection, 68 landmarks, mesh, pose, embedding), as
 * prepared statements.
 *
 * ```ts
 * library.faces.save(photo.id, faces.map(faceToJson), selected, ANALYZER_VERSION);
 * const stored = library.faces.get(photo.id);
 * ```
 */
export class FaceAnalysesTable {
  private readonly q;

  constructor(private readonly db: Database) {
    this.q = {
      upsert: db.prepare(
        `INSERT INTO face_analyses (photo_id, analyzer_version, face_count, selected_face, faces, analyzed_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (photo_id) DO UPDATE SET analyzer_version = excluded.analyzer_version, face_count = excluded.face_count,
           selected_face = excluded.selected_face, faces = excluded.faces, analyzed_at = excluded.analyzed_at`,
      ),
      markAnalyzed: db.prepare<[number]>(`UPDATE photos SET status = 'analyzed' WHERE id = ? AND status = 'imported'`),
      get: db.prepare<[number], Row>('SELECT photo_id, analyzer_version, selected_face, faces, analyzed_at FROM face_analyses WHERE photo_id = ?'),
      analyzedBy: db.prepare<[string], { photo_id: number }>('SELECT photo_id FROM face_analyses WHERE analyzer_version = ?'),
      select: db.prepare<[number, number]>('UPDATE face_analyses SET selected_face = ? WHERE photo_id = ?'),
    };
  }

  /** Saves (or replaces) a photo's analysis and marks a freshly imported photo 'analyzed', in one transaction. */
  save(photoId: number, faces: readonly FaceJson[], selected: number | null, analyzerVersion: string): void {
    this.db.transaction(() => {
      this.q.upsert.run(photoId, analyzerVersion, faces.length, selected, JSON.stringify(faces), new Date().toISOString());
      this.q.markAnalyzed.run(photoId);
    })();
  }

  /** A photo's stored analysis, or undefined when it has none. */
  get(photoId: number): StoredFaceAnalysis | undefined {
    const row = this.q.get.get(photoId);
    if (!row) return undefined;
    return { photoId: row.photo_id, analyzerVersion: row.analyzer_version, selectedFace: row.selected_face, faces: JSON.parse(row.faces) as FaceJson[], analyzedAt: row.analyzed_at };
  }

  /** Ids of photos analysed by exactly this analyzer version (to skip them on a re-run). */
  analyzedPhotoIds(analyzerVersion: string): Set<number> {
    return new Set(this.q.analyzedBy.all(analyzerVersion).map((r) => r.photo_id));
  }

  /**
   * Makes another detected face the photo's selected one (the user picked it); the face must have
   * usable points. Returns the updated analysis.
   */
  selectFace(photoId: number, faceIndex: number): StoredFaceAnalysis {
    const stored = this.get(photoId);
    if (!stored) throw new Error(`Photo ${photoId} has not been analysed yet`);
    const face = stored.faces[faceIndex];
    if (!face) throw new Error(`Photo ${photoId} has ${stored.faces.length} face(s); there is no face ${faceIndex}`);
    if (face.status !== 'ok') throw new Error(`Face ${faceIndex} cannot be used: ${face.status.replace(/_/g, ' ')}`);
    this.q.select.run(faceIndex, photoId);
    return { ...stored, selectedFace: faceIndex };
  }
}
