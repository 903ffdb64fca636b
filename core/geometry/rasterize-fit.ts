import type { OrthoCamera } from './ortho-camera';
import { rasterGrid, rasterizeTriangles, type Raster, type RasterGridOptions } from './rasterize-triangles';

export interface RasterizeFitOptions extends RasterGridOptions {
  /** 1 for each triangle to draw (see-through overlays left out: `opaqueTriangles`); all when null. Indices stay the full list's. */
  triangleMask: Uint8Array | null;
}

export const RASTERIZE_FIT_DEFAULTS: RasterizeFitOptions = { window: null, maxSide: 512, triangleMask: null };

/**
 * A posed head as a photo's orthographic camera sees it (u = s·x + tx, v = −s·y + ty, depth z):
 * per pixel the visible triangle and its barycentric coordinates, from which UV, normal and colour
 * follow. The raster covers a window of the photo (`originX/Y`, `step` photo pixels per raster
 * pixel), so the face can be rendered at DECA's 224-pixel scale whatever the photo's size. See
 * `rasterizeTriangles` for the pixel convention.
 *
 * ```ts
 * const r = rasterizeFit(out.vertices, model.triangles, fit.camera, photo.width, photo.height, { window: [x0, y0, x1, y1], maxSide: 224 });
 * ```
 */
export function rasterizeFit(
  vertices: ArrayLike<number>,
  triangles: ArrayLike<number>,
  camera: OrthoCamera,
  photoWidth: number,
  photoHeight: number,
  options: Partial<RasterizeFitOptions> = {},
): Raster {
  const o = { ...RASTERIZE_FIT_DEFAULTS, ...options };
  const V = vertices.length / 3;
  const points = new Float64Array(V * 2), depth = new Float32Array(V);
  for (let v = 0; v < V; v++) {
    points[v * 2] = camera.scale * vertices[v * 3]! + camera.tx;
    points[v * 2 + 1] = -camera.scale * vertices[v * 3 + 1]! + camera.ty;
    depth[v] = vertices[v * 3 + 2]!;
  }
  return rasterizeTriangles(points, depth, triangles, rasterGrid(photoWidth, photoHeight, o), { triangleMask: o.triangleMask });
}
