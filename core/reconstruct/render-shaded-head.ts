import { drawnTriangles } from '../geometry/opaque-triangles';
import type { OrthoCamera } from '../geometry/ortho-camera';
import { rasterizeFit } from '../geometry/rasterize-fit';
import { interpolateAt } from '../geometry/rasterize-triangles';
import { sampleRgb } from '../geometry/sample-rgb';
import { foldShLight, shadeRgb } from '../geometry/sh-basis';
import type { HeadModel } from '../head-model/head-model';
import type { RgbImage } from '../perception/image-warp';
import { bakeableTriangles } from '../texture/bakeable-triangles';
import type { UvTexture } from './photometric-samples';

export interface RenderShadedOptions {
  /** Longest side of the internal raster (the head is drawn at photo resolution up to this). */
  maxSide: number;
  /** 1 for each triangle to draw; null: all but the see-through overlays. */
  triangleMask: Uint8Array | null;
  /**
   * Detail: a UV map (size × size × 3, row 0 at v = 1) of how much a displacement tilts the posed
   * normal there (added, then renormalised) — DECA's detailed render. Null: the coarse normals.
   */
  detailTilt: { size: number; tilt: Float32Array } | null;
}

const WHITE = [1, 1, 1] as const;

export const RENDER_SHADED_DEFAULTS: RenderShadedOptions = { maxSide: 2048, triangleMask: null, detailTilt: null };

/**
 * DECA's rendered image: the posed head drawn with the photo's camera, coloured albedo ⊙ SH shading
 * (albedo from the UV texture — or per vertex for parts outside it, see `bakeableTriangles` — or 1
 * when there is none and the light carries the colour), pasted over a copy of the photo. Returns RGB of the photo's size,
 * the head's pixels (mask) and their count.
 *
 * ```ts
 * const { rgb } = renderShadedHead(model, out.vertices, out.normals, fit.camera, photo, albedo, light, {}, vertexAlbedo);
 * ```
 */
export function renderShadedHead(
  model: HeadModel,
  vertices: Float32Array,
  normals: Float32Array,
  camera: OrthoCamera,
  photo: RgbImage,
  albedo: UvTexture | null,
  light: ArrayLike<number>,
  options: Partial<RenderShadedOptions> = {},
  vertexAlbedo: Float32Array | null = null,
): { rgb: Uint8Array; drawn: number; mask: Uint8Array } {
  const o = { ...RENDER_SHADED_DEFAULTS, ...options };
  const W = photo.width, H = photo.height;
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let v = 0; v < vertices.length / 3; v++) {
    const u = camera.scale * vertices[v * 3]! + camera.tx, w = -camera.scale * vertices[v * 3 + 1]! + camera.ty;
    x0 = Math.min(x0, u), x1 = Math.max(x1, u), y0 = Math.min(y0, w), y1 = Math.max(y1, w);
  }
  const win: [number, number, number, number] = [Math.max(0, Math.floor(x0)), Math.max(0, Math.floor(y0)), Math.min(W, Math.ceil(x1) + 1), Math.min(H, Math.ceil(y1) + 1)];
  const rgb = Uint8Array.from(photo.data);
  const mask = new Uint8Array(W * H);
  if (win[2] <= win[0] || win[3] <= win[1]) return { rgb, drawn: 0, mask };
  const tris = model.triangles, uvTris = model.uv?.triangles;
  const triangleMask = o.triangleMask ?? drawnTriangles(model);
  const raster = rasterizeFit(vertices, tris, camera, W, H, { window: win, maxSide: Math.min(o.maxSide, Math.max(win[2] - win[0], win[3] - win[1])), triangleMask });
  const n = new Float64Array(3), t2 = new Float64Array(2), va = new Float64Array(3), texel = new Float64Array(3);
  const f = foldShLight(light), shade = new Float64Array(3);
  const texture = albedo && { width: albedo.size, height: albedo.size, data: albedo.rgb };
  const bakeable = bakeableTriangles(model);
  const colour = new Float64Array(raster.triangle.length * 3);
  const drawnMask = new Uint8Array(raster.triangle.length);
  const tilt = o.detailTilt, d = new Float64Array(3);
  for (let i = 0; i < raster.triangle.length; i++) {
    if (!interpolateAt(raster, tris, normals, 3, i, n)) continue;
    let len = Math.hypot(n[0]!, n[1]!, n[2]!) || 1;
    let nx = n[0]! / len, ny = n[1]! / len, nz = n[2]! / len;
    let a: ArrayLike<number> = WHITE;
    const t = raster.triangle[i]!;
    if (tilt && uvTris && model.uv && bakeable[t]) {
      interpolateAt(raster, uvTris, model.uv.coords, 2, i, t2);
      sampleTilt(tilt, t2[0]!, t2[1]!, d);
      nx += d[0]!, ny += d[1]!, nz += d[2]!;
      len = Math.hypot(nx, ny, nz) || 1;
      (nx /= len), (ny /= len), (nz /= len);
    }
    if (vertexAlbedo && !bakeable[t]) {
      a = interpolateAt(raster, tris, vertexAlbedo, 3, i, va) ? va : a;
    } else if (texture && model.uv && uvTris) {
      interpolateAt(raster, uvTris, model.uv.coords, 2, i, t2);
      // Texel centres at (x + ½) / N, rows from v = 1 (see `rasterizeUv`); colours 0…1.
      sampleRgb(texture, t2[0]! * texture.width, (1 - t2[1]!) * texture.height, texel);
      for (let c = 0; c < 3; c++) texel[c] = texel[c]! / 255;
      a = texel;
    }
    shadeRgb(f, nx, ny, nz, shade);
    for (let c = 0; c < 3; c++) colour[i * 3 + c] = a[c]! * shade[c]!;
    drawnMask[i] = 1;
  }
  let drawn = 0;
  for (let y = win[1]; y < win[3]; y++) {
    const ry = Math.min(raster.height - 1, Math.floor((y + 0.5 - raster.originY) / raster.step));
    for (let x = win[0]; x < win[2]; x++) {
      const rx = Math.min(raster.width - 1, Math.floor((x + 0.5 - raster.originX) / raster.step));
      const r = ry * raster.width + rx;
      if (!drawnMask[r]) continue;
      drawn++;
      mask[y * W + x] = 1;
      for (let c = 0; c < 3; c++) rgb[(y * W + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(colour[r * 3 + c]! * 255)));
    }
  }
  return { rgb, drawn, mask };
}

/** Bilinear sample of a 3-channel float UV map (row 0 at v = 1, texel centres at (x + ½)/N). */
function sampleTilt(map: { size: number; tilt: Float32Array }, u: number, v: number, out: Float64Array): void {
  const N = map.size, m = map.tilt;
  const fx = u * N - 0.5, fy = (1 - v) * N - 0.5;
  const x0 = Math.max(0, Math.min(N - 2, Math.floor(fx))), y0 = Math.max(0, Math.min(N - 2, Math.floor(fy)));
  const ax = Math.min(1, Math.max(0, fx - x0)), ay = Math.min(1, Math.max(0, fy - y0));
  const i00 = (y0 * N + x0) * 3, i10 = i00 + 3, i01 = i00 + N * 3, i11 = i01 + 3;
  for (let c = 0; c < 3; c++) out[c] = (m[i00 + c]! * (1 - ax) + m[i10 + c]! * ax) * (1 - ay) + (m[i01 + c]! * (1 - ax) + m[i11 + c]! * ax) * ay;
}
