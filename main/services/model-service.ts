import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../core/api/api-error';
import type { ComputePool } from '../compute/compute-pool';
import type { FitTables, PackRef } from '../compute/compute-tasks';
import type { PackStore } from '../packs/pack-store';

export interface ModelServiceOptions {
  /** Packs kept loaded (least recently used goes first). */
  maxPacks: number;
  /**
   * Called before a pack is read: installs a pack the studio makes itself (the generated starter
   * head) when it is missing or stale. Every reader goes through here, so a project opened with a
   * fresh settings folder (another machine, a new user) renders its starter-head fits without a
   * reconstruct or export having generated the pack first.
   */
  ensure: (id: string) => Promise<void>;
}

export const MODEL_SERVICE_DEFAULTS: ModelServiceOptions = { maxPacks: 3, ensure: async () => undefined };

interface Entry {
  key: string;
  pack: Promise<PackRef>;
  tables: Promise<FitTables> | null;
}

/**
 * The studio's one owner of head models: a pack is read, SHA-256-verified and decoded once per
 * process (in a worker, into shared memory), keyed by its manifest's hash — the manifest lists
 * every file's hash, so a re-imported pack gets a new key and is loaded again — and its fitter
 * tables are built once; jobs, viewers and exports all get the same shared arrays. The ONNX
 * sessions' owner is the pool's inference worker.
 *
 * ```ts
 * const pack = await studio.models.pack('ict-facekit');
 * const tables = await studio.models.tables(pack);
 * ```
 */
export class ModelService {
  private readonly entries = new Map<string, Entry>();
  private readonly options: ModelServiceOptions;
  /** Pack loads and table builds started by this process (tests count them). */
  readonly counts = { packLoads: 0, tableBuilds: 0 };

  constructor(
    private readonly store: PackStore,
    private readonly pool: ComputePool,
    options: Partial<ModelServiceOptions> = {},
  ) {
    this.options = { ...MODEL_SERVICE_DEFAULTS, ...options };
  }

  /** The pack, loaded once per content; a clear not-found error when it is not installed or is damaged. */
  async pack(id: string): Promise<PackRef> {
    await this.options.ensure(id);
    const key = await this.manifestKey(id);
    const cached = this.entries.get(id);
    if (cached?.key === key) {
      // Most recently used last.
      this.entries.delete(id);
      this.entries.set(id, cached);
      return cached.pack;
    }
    this.counts.packLoads++;
    const pack = this.pool.run('pack.load', { dir: this.store.dir, id, key }).then(
      (model) => ({ key, model }),
      (error: Error) => {
        if (this.entries.get(id)?.key === key) this.entries.delete(id);
        throw new ApiError('not-found', error.message);
      },
    );
    // Nobody may be waiting (a reused reconstruction, a closed pool): a failure must not go unhandled.
    pack.catch(() => undefined);
    this.entries.delete(id);
    this.entries.set(id, { key, pack, tables: null });
    while (this.entries.size > this.options.maxPacks) this.entries.delete(this.entries.keys().next().value!);
    return pack;
  }

  /** The pack's fitter tables, built once per content. */
  tables(pack: PackRef): Promise<FitTables> {
    const entry = [...this.entries.values()].find((e) => e.key === pack.key);
    if (entry?.tables) return entry.tables;
    this.counts.tableBuilds++;
    const tables = this.pool.run('pack.tables', { pack });
    if (entry) entry.tables = tables;
    tables.catch(() => {
      if (entry?.tables === tables) entry.tables = null;
    });
    return tables;
  }

  /** Forgets a pack (after it was removed or replaced). */
  forget(id: string): void {
    this.entries.delete(id);
  }

  private async manifestKey(id: string): Promise<string> {
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(id)) throw new ApiError('bad-request', `"${id}" is not a pack id`);
    const bytes = await fs.readFile(path.join(this.store.dir, id, 'manifest.json')).catch(() => null);
    if (!bytes) throw new ApiError('not-found', `No model pack "${id}" is installed (see: deca-studio packs list)`);
    return createHash('sha256').update(bytes).digest('hex');
  }
}
