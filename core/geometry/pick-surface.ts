import type { OrthoCamera } from './ortho-camera';
import { rasterizeFit } from './rasterize-fit';

/** A point of a mesh's surface: a triangle and the barycentric weights of its three corners. */
export interface SurfacePoint {
  triangle: number;
  barycentric: [number, number, number];
}

export interface PickSurfaceOptions {
  /** 1 for each triangle that can be picked (see-through overlays left out); all when null. */
  triangleMask: Uint8Array | null;
}

export const PICK_SURFACE_DEFAULTS: PickSurfaceOptions = { triangleMask: null };

/**
 * The surface point a posed head shows at photo pixel (x, y) through an orthographic camera (the
 * nearest one, as the fit's render draws it), or null where the photo shows no head: a one-pixel
 * raster centred on (x, y), then the exact barycentric weights of (x, y) in that triangle's
 * projection — so the point projects back onto (x, y).
 *
 * ```ts
 * const hit = pickSurface(posed.vertices, model.triangles, fit.camera, photo.width, photo.height, 412, 455);
 * ```
 */
export function pickSurface(
  vertices: ArrayLike<number>,
  triangles: ArrayLike<number>,
  camera: OrthoCamera,
  width: number,
  height: number,
  x: number,
  y: number,
  options: Partial<PickSurfaceOptions> = {},
): SurfacePoint | null {
  const o = { ...PICK_SURFACE_DEFAULTS, ...options };
  const r = rasterizeFit(vertices, triangles, camera, width, height, { window: [x - 0.5, y - 0.5, x + 0.5, y + 0.5], maxSide: 1, triangleMask: o.triangleMask });
  const t = r.triangle[0]!;
  if (t < 0) return null;
  const p = [0, 1, 2].map((c) => {
    const v = triangles[t * 3 + c]!;
    return [camera.scale * vertices[v * 3]! + camera.tx, -camera.scale * vertices[v * 3 + 1]! + camera.ty] as const;
  });
  const [a, b, c] = p as [readonly [number, number], readonly [number, number], readonly [number, number]];
  const det = (b[0] - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (b[1] - a[1]);
  if (det === 0) return { triangle: t, barycentric: [1 / 3, 1 / 3, 1 / 3] };
  const wb = ((x - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (y - a[1])) / det;
  const wc = ((b[0] - a[0]) * (y - a[1]) - (x - a[0]) * (b[1] - a[1])) / det;
  // The raster's edges are inclusive: clamp the last rounding into the triangle.
  const w = [1 - wb - wc, wb, wc].map((v) => Math.max(0, v));
  const s = w[0]! + w[1]! + w[2]!;
  return { triangle: t, barycentric: [w[0]! / s, w[1]! / s, w[2]! / s] };
}
