import { chamferDistance } from '../geometry/chamfer-distance';
import type { Raster } from '../geometry/rasterize-triangles';

export interface OcclusionEdgeOptions {
  /**
   * Depth difference (metres) between neighbouring depth-buffer pixels that counts as an occlusion
   * edge: the jaw in front of the neck, the nose in front of the far cheek. A continuous surface,
   * even one seen at a grazing angle, changes depth by far less from one pixel to the next.
   */
  depthJump: number;
}

export const OCCLUSION_EDGE_DEFAULTS: OcclusionEdgeOptions = { depthJump: 0.01 };

/**
 * Per pixel of a view's depth buffer (`photoDepth`): the distance, in depth-buffer pixels, to the
 * nearest occlusion edge — where the head's silhouette meets the background, or one part of the
 * head hides another (both sides of the step are edge pixels). Baking trusts photo pixels less the
 * nearer they are to one: a fitted head never lines up with the photo to the pixel, so a point just
 * below the model's jaw contour is, in the photo, often still the shadowed jaw line, and a point at
 * the silhouette is often backdrop, hair or collar.
 *
 * ```ts
 * const edge = occlusionEdgeDistance(depth); // edge[y * depth.width + x]: pixels; × depth.step for photo pixels
 * ```
 */
export function occlusionEdgeDistance(depth: Raster, options: Partial<OcclusionEdgeOptions> = {}): Float32Array {
  const o = { ...OCCLUSION_EDGE_DEFAULTS, ...options };
  const { width: W, height: H } = depth;
  const z = depth.depth;
  if (!z) throw new Error('occlusionEdgeDistance needs a raster with depth (photoDepth)');
  const edge = new Uint8Array(W * H);
  // Each pair of 4-neighbours once (right and down): a step in depth or between surface and background marks both.
  const step = (i: number, j: number) => {
    const a = z[i]!, b = z[j]!;
    const fa = a > -Infinity, fb = b > -Infinity;
    if (fa && fb) {
      if (Math.abs(a - b) > o.depthJump) edge[i] = edge[j] = 1;
    } else if (fa) edge[i] = 1;
    else if (fb) edge[j] = 1;
  };
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      if (x + 1 < W) step(i, i + 1);
      if (y + 1 < H) step(i, i + W);
    }
  }
  return chamferDistance(edge, W, H);
}
