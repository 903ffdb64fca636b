import type { PhotoSummary } from '../../core/api/contract';
import type { RgbImage } from '../../core/perception/image-warp';
import type { ComputePool } from '../compute/compute-pool';
import type { Project } from '../project/project';
import { ViewCache } from './view-cache';

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
  // The same least-recently-used, byte-bounded cache as the viewer's (a decode is accounted once it is done).
  private readonly cache: ViewCache;
  /** Decodes started (tests count them). */
  decodes = 0;

  constructor(
    private readonly pool: ComputePool,
    options: Partial<PhotoCacheOptions> = {},
  ) {
    this.cache = new ViewCache({ ...PHOTO_CACHE_DEFAULTS, ...options });
  }

  /** The photo decoded at most `maxSide` pixels on its longest side (null: full size). */
  get(project: Project, photo: PhotoSummary, maxSide: number | null = null, signal?: AbortSignal): Promise<DecodedPhoto> {
    // A limit the photo is within is no limit: both share one decode.
    const side = maxSide !== null && maxSide < Math.max(photo.width, photo.height) ? maxSide : null;
    return this.cache.get(
      `${photo.sha256}:${side ?? 'full'}`,
      () => {
        this.decodes++;
        return this.pool.run('photo.decode', { path: project.store.originalPath(photo.sha256, photo.format), maxSide: side, width: photo.width, height: photo.height }, { signal });
      },
      (d) => d.image.data.byteLength,
    );
  }

  /** Forgets everything (a project was closed). */
  clear(): void {
    this.cache.clear();
  }
}
