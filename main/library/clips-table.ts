import type { Database } from 'better-sqlite3';
import { ApiError } from '../../core/api/api-error';
import type { ClipSummary } from '../../core/api/contract';
import { clipKeysFromJson, clipKeysToJson } from '../../core/expression/clip-json';
import { checkClip, clipDuration, type ExpressionClip } from '../../core/expression/expression-clip';

export type { ClipSummary };

/** A stored clip with its keys. */
export interface StoredClip extends ClipSummary {
  clip: ExpressionClip;
}

interface Row {
  id: number;
  name: string;
  fps: number;
  keys: string;
  source: string;
  created_at: string;
  updated_at: string;
}

/**
 * Reads and writes of the `clips` table (migration 008): named expression clips, their keys as
 * checked JSON (see core/expression/clip-json.ts).
 *
 * ```ts
 * const id = library.clips.create(clip, 'photos 1,2,3');
 * const stored = library.clips.getByName('hello');
 * ```
 */
export class ClipsTable {
  private statements: ReturnType<ClipsTable['prepare']> | null = null;

  constructor(private readonly db: Database) {}

  /** Prepared on first use: a project opened read-only before migration 008 has no table yet. */
  private get q() {
    return (this.statements ??= this.prepare());
  }

  private prepare() {
    const db = this.db;
    return {
      insert: db.prepare('INSERT INTO clips (name, fps, keys, source, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)'),
      update: db.prepare('UPDATE clips SET name = ?, fps = ?, keys = ?, updated_at = ? WHERE id = ?'),
      remove: db.prepare('DELETE FROM clips WHERE id = ?'),
      byId: db.prepare<[number], Row>('SELECT * FROM clips WHERE id = ?'),
      byName: db.prepare<[string], Row>('SELECT * FROM clips WHERE name = ?'),
      // Counted in SQL: a list does not parse every clip's keys.
      list: db.prepare<[], ListRow>(
        `SELECT id, name, fps, source, created_at, updated_at, json_array_length(keys) AS key_count,
                json_extract(keys, '$[#-1].t') - json_extract(keys, '$[0].t') AS duration
         FROM clips ORDER BY name COLLATE NOCASE, id`,
      ),
    };
  }

  /** Stores a new clip; a name already used (in any case) is a `conflict`. */
  create(clip: ExpressionClip, source: string, now = new Date().toISOString()): number {
    checkClip(clip);
    if (this.q.byName.get(clip.name.trim())) throw new ApiError('conflict', `A clip named "${clip.name.trim()}" already exists`);
    return Number(this.q.insert.run(clip.name.trim(), clip.fps, clipKeysToJson(clip.keys), source.slice(0, 2000), now, now).lastInsertRowid);
  }

  /** Replaces a clip's name, fps and keys (after an edit). */
  update(id: number, clip: ExpressionClip, now = new Date().toISOString()): void {
    checkClip(clip);
    const clash = this.q.byName.get(clip.name.trim());
    if (clash && clash.id !== id) throw new ApiError('conflict', `A clip named "${clip.name.trim()}" already exists`);
    if (this.q.update.run(clip.name.trim(), clip.fps, clipKeysToJson(clip.keys), now, id).changes === 0) throw new ApiError('not-found', `No clip with id ${id}`);
  }

  remove(id: number): void {
    if (this.q.remove.run(id).changes === 0) throw new ApiError('not-found', `No clip with id ${id}`);
  }

  get(id: number): StoredClip | undefined {
    const r = this.q.byId.get(id);
    return r && toStored(r);
  }

  /** By name, regardless of case. */
  getByName(name: string): StoredClip | undefined {
    const r = this.q.byName.get(name.trim());
    return r && toStored(r);
  }

  list(): ClipSummary[] {
    return this.q.list.all().map((r) => ({ id: r.id, name: r.name, fps: r.fps, keyCount: r.key_count, duration: r.duration, source: r.source, createdAt: r.created_at, updatedAt: r.updated_at }));
  }
}

type ListRow = Omit<Row, 'keys'> & { key_count: number; duration: number };

function toStored(r: Row): StoredClip {
  const clip = clipKeysFromJson(r.keys, { name: r.name, fps: r.fps });
  return { id: r.id, name: r.name, fps: r.fps, keyCount: clip.keys.length, duration: clipDuration(clip), source: r.source, createdAt: r.created_at, updatedAt: r.updated_at, clip };
}
