import type { Database, Statement } from 'better-sqlite3';
import { ApiError } from '../../core/api/api-error';

/** A saved expression (table `expressions`, migration 007). */
export interface SavedExpression {
  id: number;
  name: string;
  /** ARKit's 52 weights in ARKIT_BLENDSHAPES order, each 0…1. */
  arkit: number[];
  /** The jaw's axis-angle (radians). */
  jawPose: [number, number, number];
  /** Both eyes' axis-angles, when known. */
  eyePose: { left: [number, number, number]; right: [number, number, number] } | null;
  /** The photo it was captured from, while that photo exists; null for one made by hand. */
  sourcePhotoId: number | null;
  sourcePackId: string | null;
  createdAt: string;
}

export type NewSavedExpression = Omit<SavedExpression, 'id' | 'createdAt'>;

interface Row {
  id: number;
  name: string;
  arkit: string;
  jaw_pose: string;
  eye_pose: string | null;
  source_photo_id: number | null;
  source_pack_id: string | null;
  created_at: string;
}

const toSaved = (r: Row): SavedExpression => ({
  id: r.id,
  name: r.name,
  arkit: JSON.parse(r.arkit) as number[],
  jawPose: JSON.parse(r.jaw_pose) as [number, number, number],
  eyePose: r.eye_pose === null ? null : (JSON.parse(r.eye_pose) as SavedExpression['eyePose']),
  sourcePhotoId: r.source_photo_id,
  sourcePackId: r.source_pack_id,
  createdAt: r.created_at,
});

/**
 * Reads and writes of saved expressions (migration 007). A library opened read-only at an older
 * schema has no table yet: it lists none and refuses writes with a clear error.
 *
 * ```ts
 * const id = library.expressions.save({ name: 'big smile', arkit, jawPose: [0.1, 0, 0], eyePose: null, sourcePhotoId: null, sourcePackId: null });
 * library.expressions.list(); // [{ id, name: 'big smile', … }]
 * ```
 */
export class ExpressionsTable {
  private q: { insert: Statement; all: Statement<[], Row>; byId: Statement<[number], Row>; byName: Statement<[string], Row>; remove: Statement<[number]> } | null = null;

  constructor(private readonly db: Database) {}

  /** Statements prepared on first use, when the table exists. */
  private statements() {
    if (this.q) return this.q;
    const exists = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'expressions'").get();
    if (!exists) return null;
    const db = this.db;
    this.q = {
      insert: db.prepare(
        `INSERT INTO expressions (name, arkit, jaw_pose, eye_pose, source_photo_id, source_pack_id, created_at)
         VALUES (@name, @arkit, @jawPose, @eyePose, @sourcePhotoId, @sourcePackId, @createdAt)`,
      ),
      all: db.prepare<[], Row>('SELECT * FROM expressions ORDER BY name COLLATE NOCASE, id'),
      byId: db.prepare<[number], Row>('SELECT * FROM expressions WHERE id = ?'),
      byName: db.prepare<[string], Row>('SELECT * FROM expressions WHERE name = ?'),
      remove: db.prepare<[number]>('DELETE FROM expressions WHERE id = ?'),
    };
    return this.q;
  }

  list(): SavedExpression[] {
    return this.statements()?.all.all().map(toSaved) ?? [];
  }

  get(id: number): SavedExpression | undefined {
    const r = this.statements()?.byId.get(id);
    return r && toSaved(r);
  }

  findByName(name: string): SavedExpression | undefined {
    const r = this.statements()?.byName.get(name);
    return r && toSaved(r);
  }

  /** Stores a new expression; a `conflict` error when the name is taken. Returns its id. */
  save(e: NewSavedExpression): number {
    const q = this.statements();
    if (!q) throw new ApiError('conflict', 'This project was opened read-only at an older schema: open it in the studio once to add saved expressions');
    const name = e.name.trim();
    if (this.findByName(name)) throw new ApiError('conflict', `An expression named “${name}” already exists`);
    return Number(
      q.insert.run({
        name,
        arkit: JSON.stringify(e.arkit),
        jawPose: JSON.stringify(e.jawPose),
        eyePose: e.eyePose === null ? null : JSON.stringify(e.eyePose),
        sourcePhotoId: e.sourcePhotoId,
        sourcePackId: e.sourcePackId,
        createdAt: new Date().toISOString(),
      }).lastInsertRowid,
    );
  }

  /** Deletes one; false when there was none with that id. */
  delete(id: number): boolean {
    const q = this.statements();
    return q ? q.remove.run(id).changes > 0 : false;
  }
}
