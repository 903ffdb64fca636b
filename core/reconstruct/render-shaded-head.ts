import { opaqueTriangles } from '../geometry/opaque-triangles';
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
}

const WHITE = [1, 1, 1] as const;

export const RENDER_SHADED_DEFAULTS: RenderShadedOptions = { maxSide: 2048, triangleMask: null };

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
  const triangleMask = o.triangleMask ?? opaqueTriangles(tris, model.regions.overlays);
  const raster = rasterizeFit(vertices, tris, camera, W, H, { window: win, maxSide: Math.min(o.maxSide, Math.max(win[2] - win[0], win[3] - win[1])), triangleMask });
  const n = new Float64Array(3), t2 = new Float64Array(2), va = new Float64Array(3), texel = new Float64Array(3);
  const f = foldShLight(light), shade = new Float64Array(3);
  const texture = albedo && { width: albedo.size, height: albedo.size, data: albedo.rgb };
  const bakeable = bakeableTriangles(model);
  const colour = new Float64Array(raster.triangle.length * 3);
  const drawnMask = new Uint8Array(raster.triangle.length);
  for (let i = 0; i < raster.triangle.length; i++) {
    if (!interpolateAt(raster, tris, normals, 3, i, n)) continue;
    const len = Math.hypot(n[0]!, n[1]!, n[2]!) || 1;
    const nx = n[0]! / len, ny = n[1]! / len, nz = n[2]! / len;
    let a: ArrayLike<number> = WHITE;
    const t = raster.triangle[i]!;
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
