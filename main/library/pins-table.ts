import type { Database } from 'better-sqlite3';
import type { Pin, PhotoPins } from '../../core/reconstruct/photo-pins';

/** A photo's pins as stored: the newest revision of table `photo_pin_revisions` (migration 009). */
export interface StoredPins extends PhotoPins {
  photoId: number;
  /** The revision's id (increases with every set; an undone id is never reused). */
  revision: number;
  /** Changes undo can take back (the revisions stored, this one included). */
  undoable: number;
  createdAt: string;
}

interface Row {
  id: number;
  photo_id: number;
  pack_id: string | null;
  pins: string;
  created_at: string;
}

/**
 * Reads and writes of the artist's pins per photo, with undo: each `set` (and `clear`, a set of
 * none) adds a revision; `undo` removes the newest, restoring the one before. Pins are validated
 * before they get here (core/reconstruct/photo-pins.ts `parsePhotoPins`).
 *
 * ```ts
 * library.pins.set(photo.id, { pack: null, pins: [{ landmark: 8, x: 412, y: 610 }] });
 * library.pins.undo(photo.id); // back to the pins before
 * ```
 */
export class PinsTable {
  private prepared: ReturnType<typeof prepareStatements> | null = null;

  constructor(private readonly db: Database) {}

  /** Statements are prepared on first use: a read-only library of an older schema opens without this table. */
  private get q() {
    return (this.prepared ??= prepareStatements(this.db));
  }

  /** The photo's pins (undefined when it never had any, or every revision was undone). */
  get(photoId: number): StoredPins | undefined {
    const row = this.q.newest.get(photoId);
    if (!row) return undefined;
    return { photoId, revision: row.id, undoable: this.q.count.get(photoId)!.n, pack: row.pack_id, pins: JSON.parse(row.pins) as Pin[], createdAt: row.created_at };
  }

  /** The photo's pins as a fit takes them: none when it has none. */
  current(photoId: number): PhotoPins | null {
    const s = this.get(photoId);
    return s && s.pins.length ? { pack: s.pack, pins: s.pins } : null;
  }

  /** Stores a new revision of the photo's pins and returns it. */
  set(photoId: number, pins: PhotoPins): StoredPins {
    return this.db.transaction(() => {
      this.q.insert.run(photoId, pins.pack, JSON.stringify(pins.pins), new Date().toISOString());
      return this.get(photoId)!;
    })();
  }

  /** Removes every pin of the photo (a revision of none, so it can be undone). */
  clear(photoId: number): StoredPins {
    return this.set(photoId, { pack: null, pins: [] });
  }

  /** Removes the newest revision and returns the photo's pins now; throws when there is nothing to undo. */
  undo(photoId: number): StoredPins | undefined {
    return this.db.transaction(() => {
      const row = this.q.newest.get(photoId);
      if (!row) throw new Error(`Photo ${photoId} has no pin changes to undo`);
      this.q.remove.run(row.id);
      return this.get(photoId);
    })();
  }
}

function prepareStatements(db: Database) {
  return {
    insert: db.prepare<[number, string | null, string, string]>('INSERT INTO photo_pin_revisions (photo_id, pack_id, pins, created_at) VALUES (?, ?, ?, ?)'),
    newest: db.prepare<[number], Row>('SELECT id, photo_id, pack_id, pins, created_at FROM photo_pin_revisions WHERE photo_id = ? ORDER BY id DESC LIMIT 1'),
    count: db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM photo_pin_revisions WHERE photo_id = ?'),
    remove: db.prepare<[number]>('DELETE FROM photo_pin_revisions WHERE id = ?'),
  };
}
