import type { Database } from 'better-sqlite3';

/** Image-like results of a reconstruction (table `reconstruction_maps`, migration 006). */
export type MapKind = 'albedo' | 'vertex-albedo' | (string & {});

export interface StoredMap {
  reconstructionId: number;
  kind: MapKind;
  width: number;
  height: number;
  /** 'png' (encoded image), 'rgb8' (raw bytes, width × height × 3) or 'f32' (raw little-endian floats). */
  format: 'png' | 'rgb8' | 'f32';
  data: Buffer;
  meta: Record<string, unknown>;
}

interface Row {
  reconstruction_id: number;
  kind: string;
  width: number;
  height: number;
  format: StoredMap['format'];
  data: Buffer;
  meta: string;
}

/**
 * Reads and writes of a reconstruction's maps: the albedo texture (PNG in the pack's UV layout) and
 * per-vertex albedo now; detail maps join them under their own kinds.
 *
 * ```ts
 * library.maps.put({ reconstructionId, kind: 'albedo', width: 1024, height: 1024, format: 'png', data: png, meta: {} });
 * const albedo = library.maps.get(reconstructionId, 'albedo');
 * ```
 */
export class MapsTable {
  private readonly q;

  constructor(db: Database) {
    this.q = {
      put: db.prepare(
        `INSERT INTO reconstruction_maps (reconstruction_id, kind, width, height, format, data, meta) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (reconstruction_id, kind) DO UPDATE SET width = excluded.width, height = excluded.height, format = excluded.format, data = excluded.data, meta = excluded.meta`,
      ),
      get: db.prepare<[number, string], Row>('SELECT * FROM reconstruction_maps WHERE reconstruction_id = ? AND kind = ?'),
      has: db.prepare<[number, string], { one: number }>('SELECT 1 AS one FROM reconstruction_maps WHERE reconstruction_id = ? AND kind = ?'),
      kinds: db.prepare<[number], { kind: string }>('SELECT kind FROM reconstruction_maps WHERE reconstruction_id = ? ORDER BY kind'),
    };
  }

  put(map: StoredMap): void {
    this.q.put.run(map.reconstructionId, map.kind, map.width, map.height, map.format, map.data, JSON.stringify(map.meta));
  }

  get(reconstructionId: number, kind: MapKind): StoredMap | undefined {
    const r = this.q.get.get(reconstructionId, kind);
    return r && { reconstructionId: r.reconstruction_id, kind: r.kind, width: r.width, height: r.height, format: r.format, data: r.data, meta: JSON.parse(r.meta) as Record<string, unknown> };
  }

  has(reconstructionId: number, kind: MapKind): boolean {
    return this.q.has.get(reconstructionId, kind) !== undefined;
  }

  kinds(reconstructionId: number): string[] {
    return this.q.kinds.all(reconstructionId).map((r) => r.kind);
  }
}
