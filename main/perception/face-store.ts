import type { Database } from 'better-sqlite3';
import type { PhotoFaces } from '../../core/perception/face-analysis';
import { faceToJson, type FaceJson } from './face-json';

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
 * Saves (or replaces) a photo's face analysis and marks a freshly imported photo 'analyzed', in one
 * transaction.
 *
 * ```ts
 * saveFaceAnalysis(project.library.db, photo.id, await analyzer.analyzeFile(file), ANALYZER_VERSION);
 * ```
 */
export function saveFaceAnalysis(db: Database, photoId: number, result: PhotoFaces, analyzerVersion: string): void {
  const faces = JSON.stringify(result.faces.map(faceToJson));
  db.transaction(() => {
    db.prepare(
      `INSERT INTO face_analyses (photo_id, analyzer_version, face_count, selected_face, faces, analyzed_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (photo_id) DO UPDATE SET analyzer_version = excluded.analyzer_version, face_count = excluded.face_count,
         selected_face = excluded.selected_face, faces = excluded.faces, analyzed_at = excluded.analyzed_at`,
    ).run(photoId, analyzerVersion, result.faces.length, result.selected, faces, new Date().toISOString());
    db.prepare(`UPDATE photos SET status = 'analyzed' WHERE id = ? AND status = 'imported'`).run(photoId);
  })();
}

/** A photo's stored analysis, or undefined when it has none. */
export function getFaceAnalysis(db: Database, photoId: number): StoredFaceAnalysis | undefined {
  const row = db.prepare<[number], Row>('SELECT photo_id, analyzer_version, selected_face, faces, analyzed_at FROM face_analyses WHERE photo_id = ?').get(photoId);
  if (!row) return undefined;
  return { photoId: row.photo_id, analyzerVersion: row.analyzer_version, selectedFace: row.selected_face, faces: JSON.parse(row.faces) as FaceJson[], analyzedAt: row.analyzed_at };
}

/** Ids of photos analysed by exactly this analyzer version (to skip them on a re-run). */
export function analyzedPhotoIds(db: Database, analyzerVersion: string): Set<number> {
  const rows = db.prepare<[string], { photo_id: number }>('SELECT photo_id FROM face_analyses WHERE analyzer_version = ?').all(analyzerVersion);
  return new Set(rows.map((r) => r.photo_id));
}

/**
 * Makes another detected face the photo's selected one (the user picked it); the face must have
 * usable points. Returns the updated analysis.
 *
 * ```ts
 * selectFace(db, photoId, 1);
 * ```
 */
export function selectFace(db: Database, photoId: number, faceIndex: number): StoredFaceAnalysis {
  const stored = getFaceAnalysis(db, photoId);
  if (!stored) throw new Error(`Photo ${photoId} has not been analysed yet`);
  const face = stored.faces[faceIndex];
  if (!face) throw new Error(`Photo ${photoId} has ${stored.faces.length} face(s); there is no face ${faceIndex}`);
  if (face.status !== 'ok') throw new Error(`Face ${faceIndex} cannot be used: ${face.status.replace(/_/g, ' ')}`);
  db.prepare<[number, number]>('UPDATE face_analyses SET selected_face = ? WHERE photo_id = ?').run(faceIndex, photoId);
  return { ...stored, selectedFace: faceIndex };
}
