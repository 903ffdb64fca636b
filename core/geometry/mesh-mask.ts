import { rasterizeTriangles, type RasterGrid } from './rasterize-triangles';

/**
 * Marks the pixels of a raster grid inside a 2-D triangulated point set given in the grid's extent
 * units (photo pixels) — the face mask from perception's 468-point mesh and its canonical triangles.
 *
 * ```ts
 * const mask = rasterMaskFromMesh(raster, face.mesh468.flat(), canonicalTriangles);
 * ```
 */
export function rasterMaskFromMesh(grid: RasterGrid, points: ArrayLike<number>, triangles: ArrayLike<number>): Uint8Array {
  const { triangle } = rasterizeTriangles(points, null, triangles, grid);
  const mask = new Uint8Array(triangle.length);
  for (let i = 0; i < triangle.length; i++) mask[i] = triangle[i]! >= 0 ? 1 : 0;
  return mask;
}
