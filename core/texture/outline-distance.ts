import { chamferDistance } from '../geometry/chamfer-distance';

const cache = new WeakMap<Uint8Array, { width: number; distance: Float32Array }>();

/**
 * Per pixel of a view's depth buffer: the distance (depth-buffer pixels) to the nearest pixel of its
 * backdrop mask (`backdropMask`: where the photo shows the wall inside the model's silhouette) — to
 * the person's own outline where the model reaches past it; 1e9 where the mask is empty. Baking
 * treats that outline like one of the model's occlusion edges (see `outlineMargin` in
 * `bakePhotoTexture`): beside it the photo shows the person's surface turned away at a grazing angle
 * (darker than the model's normal, which faces the camera there, explains) and pixels mixing them
 * with the wall. Cut there hard, London p002's profiles bake the side of the starter head's neck
 * 1.3× darker than the front photos bake its front, in an oval with a sharp outline (the starter
 * head's neck is wider than hers, so the profiles see the wall over its front).
 * Computed once per mask (a bake's views keep theirs for every bake of a solve).
 *
 * ```ts
 * const d = outlineDistance(mask, depth.width, depth.height); // d[dy * depth.width + dx] in depth-buffer pixels
 * ```
 */
export function outlineDistance(mask: Uint8Array, width: number, height: number): Float32Array {
  if (mask.length !== width * height) throw new Error(`outlineDistance: mask of ${mask.length} pixels for a ${width} × ${height} buffer`);
  const hit = cache.get(mask);
  if (hit && hit.width === width) return hit.distance;
  const distance = chamferDistance(mask, width, height);
  cache.set(mask, { width, distance });
  return distance;
}
