import type { PhotoSummary } from '../../core/api/contract';
import type { RgbImage } from '../../core/perception/image-warp';
import type { ComputePool } from '../compute/compute-pool';
import type { Project } from '../project/project';

export interface PhotoCacheOptions {
  /** Decoded bytes kept (least recently used go first). */
  maxBytes: number;
}

export const PHOTO_CACHE_DEFAULTS: PhotoCacheOptions = { maxBytes: 384 * 2 ** 20 };

/** A decoded photo: RGB in shared memory and the scale from photo pixels to its pixels. */
export interface DecodedPhoto {
  image: RgbImage;
  k: number;
}

/**
 * Decoded photos, each decoded once (in a worker, into shared memory) however many stages and
 * viewers read it: perception, the light/albedo solve, the photometric refinement and renders over
 * the photo all get the same bytes.
 *
 * ```ts
 * const { image, k } = await studio.photoCache.get(project, photo, 2048);
 * ```
 */
export class PhotoCache {
  private readonly entries = new Map<string, { bytes: number; value: Promise<DecodedPhoto> }>();
  private bytes = 0;
  private readonly options: PhotoCacheOptions;
  /** Decodes started (tests count them). */
  decodes = 0;

  constructor(
    private readonly pool: ComputePool,
    options: Partial<PhotoCacheOptions> = {},
  ) {
    this.options = { ...PHOTO_CACHE_DEFAULTS, ...options };
  }

  /** The photo decoded at most `maxSide` pixels on its longest side (null: full size). */
  get(project: Project, photo: PhotoSummary, maxSide: number | null = null, signal?: AbortSignal): Promise<DecodedPhoto> {
    // A limit the photo is within is no limit: both share one decode.
    const side = maxSide !== null && maxSide < Math.max(photo.width, photo.height) ? maxSide : null;
    const key = `${photo.sha256}:${side ?? 'full'}`;
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value;
    }
    this.decodes++;
    const value = this.pool.run('photo.decode', { path: project.store.originalPath(photo.sha256, photo.format), maxSide: side, width: photo.width, height: photo.height }, { signal });
    const scale = side === null ? 1 : side / Math.max(photo.width, photo.height);
    const entry = { bytes: Math.round(photo.width * scale) * Math.round(photo.height * scale) * 3, value };
    this.entries.set(key, entry);
    this.bytes += entry.bytes;
    value.catch(() => this.drop(key));
    while (this.bytes > this.options.maxBytes && this.entries.size > 1) this.drop(this.entries.keys().next().value!);
    return value;
  }

  /** Forgets everything (a project was closed). */
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
