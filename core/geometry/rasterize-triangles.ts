/**
 * The one triangle rasteriser of core/. Every screen-space and UV-space raster goes through it:
 * preview renders, the fit raster and its depth buffer, the face mask from a 2-D mesh, and the
 * texels a UV triangle covers when baking.
 *
 * Pixel convention: a raster covers a window of some 2-D extent (photo pixels, texels) with pixels
 * `step` units wide. Raster pixel (x, y) covers [originX + x·step, originX + (x + 1)·step) × the
 * same in y, and is sampled at its centre, (x + ½, y + ½) in raster units. A pixel belongs to a
 * triangle when all three barycentric coordinates of its centre are ≥ 0 (edges inclusive, so
 * neighbours sharing an edge leave no gap). Both windings are drawn. With depth, the nearer surface
 * (larger z) wins and a tie keeps the earlier triangle; without depth the earlier triangle keeps
 * the pixel.
 */

/** A grid of pixels over a 2-D extent: `width × height` pixels, `step` extent units each, from (originX, originY). */
export interface RasterGrid {
  width: number;
  height: number;
  /** Extent units (photo pixels, texels) per raster pixel. */
  step: number;
  originX: number;
  originY: number;
}

export interface RasterGridOptions {
  /** Window [x0, y0, x1, y1] of the extent to cover; the whole extent when null. */
  window: readonly [number, number, number, number] | null;
  /** Longest side of the raster in pixels (the window is sampled more coarsely when larger). */
  maxSide: number;
}

export const RASTER_GRID_DEFAULTS: RasterGridOptions = { window: null, maxSide: 512 };

/**
 * The grid covering a window of an extent with at most `maxSide` pixels along its longer side.
 *
 * ```ts
 * const grid = rasterGrid(photo.width, photo.height, { window: [x0, y0, x1, y1], maxSide: 224 });
 * ```
 */
export function rasterGrid(extentWidth: number, extentHeight: number, options: Partial<RasterGridOptions> = {}): RasterGrid {
  const o = { ...RASTER_GRID_DEFAULTS, ...options };
  const [wx0, wy0, wx1, wy1] = o.window ?? [0, 0, extentWidth, extentHeight];
  const winW = Math.max(1, wx1 - wx0), winH = Math.max(1, wy1 - wy0);
  const step = Math.max(winW, winH) / o.maxSide;
  return { width: Math.max(1, Math.ceil(winW / step)), height: Math.max(1, Math.ceil(winH / step)), step, originX: wx0, originY: wy0 };
}

/** A rasterised mesh: per pixel the visible triangle and its barycentric coordinates, from which any attribute follows. */
export interface Raster extends RasterGrid {
  /** Visible triangle per pixel (index into the triangle list, not ×3); −1 for background. */
  triangle: Int32Array;
  /** Barycentric weights of the triangle's second and third corner per pixel (the first is 1 − both). */
  bary: Float32Array;
  /** Interpolated depth (larger is nearer) per pixel, −∞ for background; null when rasterised without depth. */
  depth: Float32Array | null;
}

export interface RasterizeOptions {
  /** 1 for each triangle to draw; all when null. Indices stay the full list's. */
  triangleMask: Uint8Array | null;
  /**
   * Grows every triangle by this much in barycentric units (a pixel is inside when all three
   * coordinates are ≥ −grow): UV baking closes the hairline between islands' border texels and their
   * triangles with it. 0 elsewhere.
   */
  grow: number;
}

export const RASTERIZE_DEFAULTS: RasterizeOptions = { triangleMask: null, grow: 0 };

/** Reusable output of {@link coverTriangle}: covered pixel indices and their (wb, wc) barycentrics. */
export interface TriangleCover {
  pixels: Int32Array;
  bary: Float64Array;
}

/**
 * An empty {@link TriangleCover}; it grows as triangles need.
 *
 * ```ts
 * const cover = triangleCover();
 * ```
 */
export function triangleCover(capacity = 1024): TriangleCover {
  return { pixels: new Int32Array(capacity), bary: new Float64Array(capacity * 2) };
}

/**
 * The pixels of a `width × height` raster whose centres a triangle covers (coordinates in raster
 * pixels, see the convention above), written into `cover` with the barycentric weights of the
 * second and third corner; returns how many. Degenerate triangles cover nothing.
 *
 * ```ts
 * const n = coverTriangle(ax, ay, bx, by, cx, cy, 256, 256, 0, cover); // cover.pixels[0…n)
 * ```
 */
export function coverTriangle(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, width: number, height: number, grow: number, cover: TriangleCover): number {
  let minX = ax < bx ? ax : bx, maxX = ax < bx ? bx : ax, minY = ay < by ? ay : by, maxY = ay < by ? by : ay;
  if (cx < minX) minX = cx;
  else if (cx > maxX) maxX = cx;
  if (cy < minY) minY = cy;
  else if (cy > maxY) maxY = cy;
  if (grow > 0) {
    // {all weights ≥ −g} is the triangle scaled by 1 + 3g about its centroid.
    const gx = (ax + bx + cx) / 3, gy = (ay + by + cy) / 3, k = 1 + 3 * grow;
    (minX = gx + (minX - gx) * k), (maxX = gx + (maxX - gx) * k), (minY = gy + (minY - gy) * k), (maxY = gy + (maxY - gy) * k);
  }
  // Most triangles of a dense mesh hold no pixel centre at all: leave before anything else.
  const x0 = Math.max(0, Math.ceil(minX - 0.5)), x1 = Math.min(width - 1, Math.floor(maxX - 0.5));
  if (x0 > x1) return 0;
  const y0 = Math.max(0, Math.ceil(minY - 0.5)), y1 = Math.min(height - 1, Math.floor(maxY - 0.5));
  if (y0 > y1) return 0;
  const area = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  if (!(Math.abs(area) >= 1e-12)) return 0;
  const most = (x1 - x0 + 1) * (y1 - y0 + 1);
  if (most > cover.pixels.length) {
    const n = Math.max(most, cover.pixels.length * 2);
    (cover.pixels = new Int32Array(n)), (cover.bary = new Float64Array(n * 2));
  }
  const { pixels, bary } = cover;
  let count = 0;
  for (let y = y0; y <= y1; y++) {
    const sy = y + 0.5;
    for (let x = x0; x <= x1; x++) {
      const sx = x + 0.5;
      const wb = ((sx - ax) * (cy - ay) - (sy - ay) * (cx - ax)) / area;
      const wc = ((bx - ax) * (sy - ay) - (by - ay) * (sx - ax)) / area;
      const wa = 1 - wb - wc;
      if (wa < -grow || wb < -grow || wc < -grow) continue;
      pixels[count] = y * width + x;
      bary[count * 2] = wb;
      bary[count * 2 + 1] = wc;
      count++;
    }
  }
  return count;
}

/** The module's own cover buffer: rasterising is synchronous, so one per thread suffices. */
const sharedCover = triangleCover(4096);

/**
 * Z-buffered rasterisation of a triangle mesh given as 2-D points in extent units (photo pixels,
 * texels) onto a grid, with per-point depth (larger is nearer) or none.
 *
 * ```ts
 * const grid = rasterGrid(photo.width, photo.height, { maxSide: 512 });
 * const r = rasterizeTriangles(projected, depths, model.triangles, grid);
 * ```
 */
export function rasterizeTriangles(points: ArrayLike<number>, depth: ArrayLike<number> | null, triangles: ArrayLike<number>, grid: RasterGrid, options: Partial<RasterizeOptions> = {}): Raster {
  const o = { ...RASTERIZE_DEFAULTS, ...options };
  const { width: W, height: H, step, originX, originY } = grid;
  const triangle = new Int32Array(W * H).fill(-1);
  const bary = new Float32Array(W * H * 2);
  const zbuf = depth ? new Float32Array(W * H).fill(-Infinity) : null;
  const P = points.length / 2;
  const px = new Float64Array(P), py = new Float64Array(P);
  for (let p = 0; p < P; p++) {
    px[p] = (points[p * 2]! - originX) / step;
    py[p] = (points[p * 2 + 1]! - originY) / step;
  }
  const cover = sharedCover;
  const mask = o.triangleMask;
  for (let t = 0, T = triangles.length / 3; t < T; t++) {
    if (mask && !mask[t]) continue;
    const a = triangles[t * 3]!, b = triangles[t * 3 + 1]!, c = triangles[t * 3 + 2]!;
    const n = coverTriangle(px[a]!, py[a]!, px[b]!, py[b]!, px[c]!, py[c]!, W, H, o.grow, cover);
    if (n === 0) continue;
    const { pixels, bary: w } = cover;
    if (zbuf) {
      const za = depth![a]!, zb = depth![b]!, zc = depth![c]!;
      for (let k = 0; k < n; k++) {
        const i = pixels[k]!, wb = w[k * 2]!, wc = w[k * 2 + 1]!;
        const z = (1 - wb - wc) * za + wb * zb + wc * zc;
        if (z <= zbuf[i]!) continue;
        zbuf[i] = z;
        triangle[i] = t;
        bary[i * 2] = wb;
        bary[i * 2 + 1] = wc;
      }
    } else {
      for (let k = 0; k < n; k++) {
        const i = pixels[k]!;
        if (triangle[i]! >= 0) continue;
        triangle[i] = t;
        bary[i * 2] = w[k * 2]!;
        bary[i * 2 + 1] = w[k * 2 + 1]!;
      }
    }
  }
  return { width: W, height: H, step, originX, originY, triangle, bary, depth: zbuf };
}

/**
 * Interpolates a per-vertex (or per-corner-index) attribute with k values per entry at a raster
 * pixel; false for background.
 *
 * ```ts
 * const n = new Float64Array(3); if (interpolateAt(raster, model.triangles, out.normals, 3, i, n)) …
 * ```
 */
export function interpolateAt(raster: Pick<Raster, 'triangle' | 'bary'>, triangles: ArrayLike<number>, attribute: ArrayLike<number>, k: number, pixel: number, out: Float64Array): boolean {
  const t = raster.triangle[pixel]!;
  if (t < 0) return false;
  const wb = raster.bary[pixel * 2]!, wc = raster.bary[pixel * 2 + 1]!, wa = 1 - wb - wc;
  const a = triangles[t * 3]! * k, b = triangles[t * 3 + 1]! * k, c = triangles[t * 3 + 2]! * k;
  for (let j = 0; j < k; j++) out[j] = wa * attribute[a + j]! + wb * attribute[b + j]! + wc * attribute[c + j]!;
  return true;
}
