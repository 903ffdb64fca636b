export interface ViewCacheOptions {
  /** Bytes kept (least recently used go first). */
  maxBytes: number;
}

export const VIEW_CACHE_DEFAULTS: ViewCacheOptions = { maxBytes: 128 * 2 ** 20 };

/**
 * What the viewer was already shown — rendered overlays, 3D-view meshes — keyed by what they were
 * made from (a reconstruction's id never changes meaning, so nothing needs invalidating; closing the
 * project clears it). A second request for the same view is answered without work.
 *
 * ```ts
 * const png = await views.get(`fit:${fit.reconstructionId}:${photoId}:shaded`, () => renderIt(), (b) => b.length);
 * ```
 */
export class ViewCache {
  private readonly entries = new Map<string, { bytes: number; value: Promise<unknown> }>();
  private bytes = 0;
  private readonly options: ViewCacheOptions;

  constructor(options: Partial<ViewCacheOptions> = {}) {
    this.options = { ...VIEW_CACHE_DEFAULTS, ...options };
  }

  get<T>(key: string, make: () => Promise<T>, size: (value: T) => number): Promise<T> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value as Promise<T>;
    }
    const value = make();
    const entry = { bytes: 0, value: value as Promise<unknown> };
    this.entries.set(key, entry);
    value.then(
      (v) => {
        if (this.entries.get(key) !== entry) return;
        entry.bytes = size(v);
        this.bytes += entry.bytes;
        while (this.bytes > this.options.maxBytes && this.entries.size > 1) this.drop(this.entries.keys().next().value!);
      },
      () => this.drop(key),
    );
    return value;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private drop(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.bytes -= e.bytes;
  }
}
