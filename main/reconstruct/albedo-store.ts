import sharp from 'sharp';
import type { Database } from 'better-sqlite3';

/** A person's stored albedo texture on one pack (table `subject_albedos`, migration 005). */
export interface StoredAlbedo {
  subjectId: number;
  packId: string;
  /** The photos whose fits it was solved from, sorted. */
  photoIds: number[];
  size: number;
  png: Buffer;
  /** Per-vertex albedo bytes (V×3) for parts outside the texture, when the pack has such parts. */
  vertexRgb: Buffer | null;
  createdAt: string;
}

interface Row {
  subject_id: number;
  pack_id: string;
  photo_ids: string;
  size: number;
  png: Buffer;
  vertex_rgb: Buffer | null;
  created_at: string;
}

/**
 * Stores (replaces) a person's albedo texture on a pack.
 *
 * ```ts
 * saveSubjectAlbedo(db, { subjectId, packId: 'starter-head', photoIds: [1, 2], size: 512, png, vertexRgb: null });
 * ```
 */
export function saveSubjectAlbedo(db: Database, albedo: Omit<StoredAlbedo, 'createdAt'>): void {
  db.prepare<[number, string, string, number, Buffer, Buffer | null, string]>(
    'INSERT OR REPLACE INTO subject_albedos (subject_id, pack_id, photo_ids, size, png, vertex_rgb, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(albedo.subjectId, albedo.packId, JSON.stringify(albedo.photoIds), albedo.size, albedo.png, albedo.vertexRgb, new Date().toISOString());
}

/**
 * A person's albedo texture on a pack, or undefined.
 *
 * ```ts
 * const albedo = getSubjectAlbedo(db, subjectId, 'starter-head');
 * ```
 */
export function getSubjectAlbedo(db: Database, subjectId: number, packId: string): StoredAlbedo | undefined {
  const r = db.prepare<[number, string], Row>('SELECT * FROM subject_albedos WHERE subject_id = ? AND pack_id = ?').get(subjectId, packId);
  return r && { subjectId: r.subject_id, packId: r.pack_id, photoIds: JSON.parse(r.photo_ids) as number[], size: r.size, png: r.png, vertexRgb: r.vertex_rgb, createdAt: r.created_at };
}

/**
 * Whether a person has a stored albedo texture on a pack (without reading it).
 *
 * ```ts
 * if (hasSubjectAlbedo(db, subjectId, 'ict-facekit')) …
 * ```
 */
export function hasSubjectAlbedo(db: Database, subjectId: number, packId: string): boolean {
  return db.prepare<[number, string]>('SELECT 1 FROM subject_albedos WHERE subject_id = ? AND pack_id = ?').get(subjectId, packId) !== undefined;
}

/**
 * The stored albedo decoded for rendering: texture RGB bytes and per-vertex albedo (0…1) if any.
 *
 * ```ts
 * const { texture, vertexAlbedo } = await decodeSubjectAlbedo(stored);
 * ```
 */
export async function decodeSubjectAlbedo(stored: StoredAlbedo): Promise<{ texture: { size: number; rgb: Uint8Array }; vertexAlbedo: Float32Array | null }> {
  const rgb = new Uint8Array(await sharp(stored.png).removeAlpha().raw().toBuffer());
  const vertexAlbedo = stored.vertexRgb ? Float32Array.from(stored.vertexRgb, (b) => b / 255) : null;
  return { texture: { size: stored.size, rgb }, vertexAlbedo };
}
