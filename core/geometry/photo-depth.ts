import type { OrthoCamera } from './ortho-camera';
import { rasterizeFit } from './rasterize-fit';
import type { Raster } from './rasterize-triangles';

export interface PhotoDepthOptions {
  /** Longest side of the depth buffer in pixels (never finer than the photo). */
  maxSide: number;
  /** 1 for each triangle that may hide others (`opaqueTriangles`); all when null. */
  triangleMask: Uint8Array | null;
}

export const PHOTO_DEPTH_DEFAULTS: PhotoDepthOptions = { maxSide: 512, triangleMask: null };

/**
 * The posed mesh's depth (camera-space z, larger is nearer) as the photo's orthographic camera sees
 * it, over the whole photo at a reduced size, so baking and the photometric term can tell visible
 * points from hidden ones. Compute it once per posed view and reuse it.
 *
 * ```ts
 * const depth = photoDepth(vertices, triangles, fit.camera, photo.width, photo.height, { triangleMask: opaque });
 * ```
 */
export function photoDepth(vertices: ArrayLike<number>, triangles: ArrayLike<number>, camera: OrthoCamera, width: number, height: number, options: Partial<PhotoDepthOptions> = {}): Raster {
  const o = { ...PHOTO_DEPTH_DEFAULTS, ...options };
  return rasterizeFit(vertices, triangles, camera, width, height, { maxSide: Math.min(o.maxSide, Math.max(width, height)), triangleMask: o.triangleMask });
}

/**
 * The depth buffer's value at a photo position (the pixel containing it); −∞ where no surface is.
 *
 * ```ts
 * const hidden = z < depthAt(depth, u, v) - 0.004;
 * ```
 */
export function depthAt(d: Pick<Raster, 'width' | 'height' | 'step' | 'originX' | 'originY' | 'depth'>, u: number, v: number): number {
  const x = Math.floor((u - d.originX) / d.step), y = Math.floor((v - d.originY) / d.step);
  if (x < 0 || y < 0 || x >= d.width || y >= d.height || !d.depth) return -Infinity;
  return d.depth[y * d.width + x]!;
}
