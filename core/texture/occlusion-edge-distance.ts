import { chamferDistance } from '../geometry/chamfer-distance';
import type { Raster } from '../geometry/rasterize-triangles';

export interface OcclusionEdgeOptions {
  /**
   * Depth difference (metres) between neighbouring depth-buffer pixels that counts as an occlusion
   * edge: the jaw in front of the neck, the nose in front of the far cheek. A continuous surface,
   * even one seen at a grazing angle, changes depth by far less from one pixel to the next.
   */
  depthJump: number;
  /**
   * Distance (depth-buffer pixels) beyond which the caller needs no exact value: pixels this far or
   * farther from every edge hold 1e9 or their exact distance, so only the window round the edges
   * (their bounding box grown by it) is measured — a bake, which trusts photo pixels fully from its
   * margin on, skips the background round the head. Infinity (the default) measures every pixel.
   */
  maxDistance: number;
}

export const OCCLUSION_EDGE_DEFAULTS: OcclusionEdgeOptions = { depthJump: 0.01, maxDistance: Infinity };

/**
 * Per pixel of a view's depth buffer (`photoDepth`): the distance, in depth-buffer pixels, to the
 * nearest occlusion edge — where the head's silhouette meets the background, or one part of the
 * head hides another (both sides of the step are edge pixels). Baking trusts photo pixels less the
 * nearer they are to one: a fitted head never lines up with the photo to the pixel, so a point just
 * below the model's jaw contour is, in the photo, often still the shadowed jaw line, and a point at
 * the silhouette is often backdrop, hair or collar.
 *
 * Edge pixels are surface pixels, so only the surface's bounding box is searched for them; with a
 * finite `maxDistance` the chamfer sweeps run over that box grown by it. Every pixel inside the
 * window gets the value a sweep over the whole buffer gives, value for value: a chamfer path that
 * leaves the window and comes back, clamped to the window, is a path inside it that is no longer
 * step by step (each step's float32 sum only shrinks), so the sweeps' minima inside are the same.
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
  // The surface's bounding box: edges lie on surface pixels only.
  let x0 = W, x1 = -1, y0 = H, y1 = -1;
  for (let y = 0; y < H; y++) {
    for (let x = 0, i = y * W; x < W; x++, i++) {
      if (!(z[i]! > -Infinity)) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      y1 = y;
    }
  }
  const out = new Float32Array(W * H).fill(1e9);
  if (x1 < 0) return out;
  // The window measured: the box grown by maxDistance (the whole buffer when that is infinite).
  const grow = Math.min(Math.max(W, H), Math.ceil(o.maxDistance));
  const wx0 = Math.max(0, x0 - grow), wy0 = Math.max(0, y0 - grow), wx1 = Math.min(W - 1, x1 + grow), wy1 = Math.min(H - 1, y1 + grow);
  const ww = wx1 - wx0 + 1, wh = wy1 - wy0 + 1;
  const edge = new Uint8Array(ww * wh);
  // Each pair of 4-neighbours once (right and down): a step in depth or between surface and background
  // marks both. Pairs outside the box join two background pixels and mark nothing.
  const jump = o.depthJump;
  for (let y = Math.max(0, y0 - 1); y <= y1; y++) {
    for (let x = Math.max(0, x0 - 1); x <= x1; x++) {
      const i = y * W + x, e = (y - wy0) * ww + (x - wx0);
      const a = z[i]!, fa = a > -Infinity;
      if (x + 1 < W) {
        const b = z[i + 1]!, fb = b > -Infinity;
        if (fa && fb) {
          if (Math.abs(a - b) > jump) edge[e] = edge[e + 1] = 1;
        } else if (fa) edge[e] = 1;
        else if (fb) edge[e + 1] = 1;
      }
      if (y + 1 < H) {
        const b = z[i + W]!, fb = b > -Infinity;
        if (fa && fb) {
          if (Math.abs(a - b) > jump) edge[e] = edge[e + ww] = 1;
        } else if (fa) edge[e] = 1;
        else if (fb) edge[e + ww] = 1;
      }
    }
  }
  const d = chamferDistance(edge, ww, wh);
  for (let y = 0; y < wh; y++) out.set(d.subarray(y * ww, (y + 1) * ww), (y + wy0) * W + wx0);
  return out;
}
