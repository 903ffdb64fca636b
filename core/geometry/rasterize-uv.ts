import type { HeadModel } from '../head-model/head-model';
import { rasterizeTriangles, type Raster, type RasterizeOptions } from './rasterize-triangles';

/**
 * The texels of a `size × size` texture in the model's UV layout that each UV triangle covers, by
 * the one rasteriser: texel (x, y) is row y from the top (v = 1, as images are stored), its centre
 * at u = (x + ½) / size, v = 1 − (y + ½) / size. `triangle` indexes both the UV and the vertex
 * triangle lists, so a texel's barycentrics give its point on the mesh. Triangles sharing UV space
 * keep the texel in list order (pass `bakeableTriangles` as the mask to keep only owners).
 *
 * ```ts
 * const texels = rasterizeUv(model.uv!, 1024, { triangleMask: bakeableTriangles(model), grow: 0.01 });
 * ```
 */
export function rasterizeUv(uv: NonNullable<HeadModel['uv']>, size: number, options: Partial<RasterizeOptions> = {}): Raster {
  const { coords, triangles } = uv;
  const points = new Float64Array(coords.length);
  for (let i = 0; i < coords.length; i += 2) {
    points[i] = coords[i]! * size;
    points[i + 1] = (1 - coords[i + 1]!) * size;
  }
  return rasterizeTriangles(points, null, triangles, { width: size, height: size, step: 1, originX: 0, originY: 0 }, options);
}
