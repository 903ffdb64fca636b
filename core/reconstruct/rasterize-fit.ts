import type { OrthoCamera } from '../geometry/ortho-camera';

/**
 * A posed head rasterised through a photo's orthographic camera: per pixel the visible triangle and
 * its barycentric coordinates, from which UV, normal and colour follow. The raster covers a window of
 * the photo (`originX/Y`, `step` photo pixels per raster pixel), so the face can be rendered at
 * DECA's 224-pixel scale whatever the photo's size.
 */
export interface FitRaster {
  width: number;
  height: number;
  /** Photo pixels per raster pixel. */
  step: number;
  /** Photo position of the raster's top-left corner. */
  originX: number;
  originY: number;
  /** Visible triangle per pixel (index into the triangle list, not ×3); −1 for background. */
  triangle: Int32Array;
  /** Barycentric weights of the triangle's second and third corner per pixel (the first is 1 − both). */
  bary: Float32Array;
  /** Camera-space depth (larger is nearer); −∞ for background. */
  depth: Float32Array;
}

export interface RasterizeFitOptions {
  /** Photo window [x0, y0, x1, y1] to render; the whole photo when null. */
  window: readonly [number, number, number, number] | null;
  /** Longest side of the raster in pixels (the window is sampled more coarsely when larger). */
  maxSide: number;
  /** 1 for each triangle to draw (see-through overlays left out); all when null. Indices stay the full list's. */
  triangleMask: Uint8Array | null;
}

export const RASTERIZE_FIT_DEFAULTS: RasterizeFitOptions = { window: null, maxSide: 512, triangleMask: null };

/**
 * Z-buffered rasterisation of a posed mesh with the fit's camera (u = s·x + tx, v = −s·y + ty;
 * pixel i covers [i, i + 1)), sampling pixel centres. Both windings are drawn: the z-buffer decides.
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
): FitRaster {
  const o = { ...RASTERIZE_FIT_DEFAULTS, ...options };
  const [wx0, wy0, wx1, wy1] = o.window ?? [0, 0, photoWidth, photoHeight];
  const winW = Math.max(1, wx1 - wx0), winH = Math.max(1, wy1 - wy0);
  const step = Math.max(winW, winH) / o.maxSide;
  const W = Math.max(1, Math.ceil(winW / step)), H = Math.max(1, Math.ceil(winH / step));
  const triangle = new Int32Array(W * H).fill(-1);
  const bary = new Float32Array(W * H * 2);
  const depth = new Float32Array(W * H).fill(-Infinity);
  const V = vertices.length / 3;
  const px = new Float64Array(V), py = new Float64Array(V);
  for (let v = 0; v < V; v++) {
    px[v] = (camera.scale * vertices[v * 3]! + camera.tx - wx0) / step;
    py[v] = (-camera.scale * vertices[v * 3 + 1]! + camera.ty - wy0) / step;
  }
  for (let t = 0; t < triangles.length / 3; t++) {
    if (o.triangleMask && !o.triangleMask[t]) continue;
    const a = triangles[t * 3]!, b = triangles[t * 3 + 1]!, c = triangles[t * 3 + 2]!;
    const ax = px[a]!, ay = py[a]!, bx = px[b]!, by = py[b]!, cx = px[c]!, cy = py[c]!;
    const area = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
    if (Math.abs(area) < 1e-12) continue;
    const x0 = Math.max(0, Math.ceil(Math.min(ax, bx, cx) - 0.5)), x1 = Math.min(W - 1, Math.floor(Math.max(ax, bx, cx) - 0.5));
    const y0 = Math.max(0, Math.ceil(Math.min(ay, by, cy) - 0.5)), y1 = Math.min(H - 1, Math.floor(Math.max(ay, by, cy) - 0.5));
    if (x0 > x1 || y0 > y1) continue;
    const za = vertices[a * 3 + 2]!, zb = vertices[b * 3 + 2]!, zc = vertices[c * 3 + 2]!;
    for (let y = y0; y <= y1; y++) {
      const sy = y + 0.5;
      for (let x = x0; x <= x1; x++) {
        const sx = x + 0.5;
        const wb = ((sx - ax) * (cy - ay) - (sy - ay) * (cx - ax)) / area;
        const wc = ((bx - ax) * (sy - ay) - (by - ay) * (sx - ax)) / area;
        const wa = 1 - wb - wc;
        if (wa < 0 || wb < 0 || wc < 0) continue;
        const z = wa * za + wb * zb + wc * zc;
        const i = y * W + x;
        if (z <= depth[i]!) continue;
        depth[i] = z;
        triangle[i] = t;
        bary[i * 2] = wb;
        bary[i * 2 + 1] = wc;
      }
    }
  }
  return { width: W, height: H, step, originX: wx0, originY: wy0, triangle, bary, depth };
}

/**
 * Marks the raster pixels inside a 2-D triangulated point set given in photo pixels — the face mask
 * from perception's 468-point mesh and its canonical triangles.
 *
 * ```ts
 * const mask = rasterMaskFromMesh(raster, face.mesh468.flat(), canonicalTriangles);
 * ```
 */
export function rasterMaskFromMesh(raster: FitRaster, points: ArrayLike<number>, triangles: ArrayLike<number>): Uint8Array {
  const { width: W, height: H, step, originX, originY } = raster;
  const mask = new Uint8Array(W * H);
  const X = (i: number) => (points[i * 2]! - originX) / step, Y = (i: number) => (points[i * 2 + 1]! - originY) / step;
  for (let t = 0; t < triangles.length; t += 3) {
    const a = triangles[t]!, b = triangles[t + 1]!, c = triangles[t + 2]!;
    const ax = X(a), ay = Y(a), bx = X(b), by = Y(b), cx = X(c), cy = Y(c);
    const area = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
    if (Math.abs(area) < 1e-12) continue;
    const x0 = Math.max(0, Math.ceil(Math.min(ax, bx, cx) - 0.5)), x1 = Math.min(W - 1, Math.floor(Math.max(ax, bx, cx) - 0.5));
    const y0 = Math.max(0, Math.ceil(Math.min(ay, by, cy) - 0.5)), y1 = Math.min(H - 1, Math.floor(Math.max(ay, by, cy) - 0.5));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const sx = x + 0.5, sy = y + 0.5;
        const wb = ((sx - ax) * (cy - ay) - (sy - ay) * (cx - ax)) / area;
        const wc = ((bx - ax) * (sy - ay) - (by - ay) * (sx - ax)) / area;
        if (wb >= 0 && wc >= 0 && wb + wc <= 1) mask[y * W + x] = 1;
      }
    }
  }
  return mask;
}

/**
 * Interpolates a per-vertex attribute (k values per vertex) at a raster pixel; false for background.
 *
 * ```ts
 * const n = new Float64Array(3); if (interpolateAt(raster, model.triangles, out.normals, 3, i, n)) …
 * ```
 */
export function interpolateAt(raster: FitRaster, triangles: ArrayLike<number>, attribute: ArrayLike<number>, k: number, pixel: number, out: Float64Array): boolean {
  const t = raster.triangle[pixel]!;
  if (t < 0) return false;
  const wb = raster.bary[pixel * 2]!, wc = raster.bary[pixel * 2 + 1]!, wa = 1 - wb - wc;
  const a = triangles[t * 3]! * k, b = triangles[t * 3 + 1]! * k, c = triangles[t * 3 + 2]! * k;
  for (let j = 0; j < k; j++) out[j] = wa * attribute[a + j]! + wb * attribute[b + j]! + wc * attribute[c + j]!;
  return true;
}

/**
 * 1 for every triangle that is not part of a see-through overlay (the model's `overlays` region:
 * eye wetness, lash shells), which would otherwise hide what lies beneath in a z-buffer.
 *
 * ```ts
 * const r = rasterizeFit(v, model.triangles, cam, w, h, { triangleMask: opaqueTriangles(model.triangles, model.regions.overlays) });
 * ```
 */
export function opaqueTriangles(triangles: ArrayLike<number>, overlays: ArrayLike<number> | undefined): Uint8Array {
  const T = triangles.length / 3;
  const mask = new Uint8Array(T).fill(1);
  if (!overlays?.length) return mask;
  let V = 0;
  for (let i = 0; i < triangles.length; i++) V = Math.max(V, triangles[i]! + 1);
  const hidden = new Uint8Array(V);
  for (let i = 0; i < overlays.length; i++) hidden[overlays[i]!] = 1;
  for (let t = 0; t < T; t++) if (hidden[triangles[t * 3]!] || hidden[triangles[t * 3 + 1]!] || hidden[triangles[t * 3 + 2]!]) mask[t] = 0;
  return mask;
}
