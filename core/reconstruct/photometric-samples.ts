import { rasterMaskFromMesh } from '../geometry/mesh-mask';
import { opaqueTriangles } from '../geometry/opaque-triangles';
import type { OrthoCamera } from '../geometry/ortho-camera';
import { rasterizeFit } from '../geometry/rasterize-fit';
import { interpolateAt, type Raster } from '../geometry/rasterize-triangles';
import { sampleRgb } from '../geometry/sample-rgb';
import { foldShLight, shadeRgb } from '../geometry/sh-basis';
import type { HeadModel } from '../head-model/head-model';
import type { RgbImage } from '../perception/image-warp';

/** One photo with the head posed by its fit, for the photometric terms. */
export interface PhotometricView {
  photo: RgbImage;
  /** Posed vertices and normals in the camera frame (V×3); the camera maps them to photo pixels. */
  vertices: Float32Array;
  normals: Float32Array;
  camera: OrthoCamera;
  /** Perception's 468-point face mesh in photo pixels (x, y pairs), which bounds the face mask; null: the model's face region alone. */
  meshPoints: ArrayLike<number> | null;
}

/** The mask pixels of one view: photo colour, unit normal and UV of the visible model surface. */
export interface PhotometricSamples {
  raster: Raster;
  /** Raster pixel index of every sample. */
  pixels: Int32Array;
  normals: Float64Array;
  /** Photo colours 0…1 (M×3). */
  colors: Float64Array;
  /** Texture coordinates (M×2), when the model has UVs. */
  uv: Float64Array | null;
}

export interface PhotometricSampleOptions {
  /** Raster size of the face window (DECA renders 224). */
  rasterSide: number;
  /**
   * Surfaces seen more obliquely than this (normal·view) are left out: silhouettes mix in background,
   * and the albedo bake leaves them to other photos (keep this ≥ its `minFacing`).
   */
  minFacing: number;
  /** Name of the model region that is "face" (triangles with all corners inside); first found is used. */
  regions: readonly string[];
}

export const PHOTOMETRIC_SAMPLE_DEFAULTS: PhotometricSampleOptions = { rasterSide: 224, minFacing: 0.3, regions: ['face', 'mediapipe468'] };

/**
 * 1 for each triangle whose three corners lie in the model's face region (the mask's model side).
 *
 * ```ts
 * const faceTris = faceTriangleMask(model);
 * ```
 */
export function faceTriangleMask(model: HeadModel, regions: readonly string[] = PHOTOMETRIC_SAMPLE_DEFAULTS.regions): Uint8Array {
  const name = regions.find((r) => model.regions[r]?.length);
  const T = model.triangles.length / 3;
  const mask = new Uint8Array(T);
  if (!name) return mask.fill(1);
  const inRegion = new Uint8Array(model.template.length / 3);
  for (const v of model.regions[name]!) inRegion[v] = 1;
  for (let t = 0; t < T; t++) mask[t] = inRegion[model.triangles[t * 3]!]! & inRegion[model.triangles[t * 3 + 1]!]! & inRegion[model.triangles[t * 3 + 2]!]!;
  return mask;
}

/**
 * The face window of a view in photo pixels: the projected face-region vertices' box grown by 10 %.
 *
 * ```ts
 * const win = faceWindow(model, view);
 * ```
 */
export function faceWindow(view: Pick<PhotometricView, 'vertices' | 'camera' | 'photo'>, faceVertices: ArrayLike<number>): [number, number, number, number] {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let i = 0; i < faceVertices.length; i++) {
    const v = faceVertices[i]!;
    const u = view.camera.scale * view.vertices[v * 3]! + view.camera.tx, w = -view.camera.scale * view.vertices[v * 3 + 1]! + view.camera.ty;
    x0 = Math.min(x0, u), x1 = Math.max(x1, u), y0 = Math.min(y0, w), y1 = Math.max(y1, w);
  }
  const mx = (x1 - x0) * 0.1, my = (y1 - y0) * 0.1;
  return [Math.max(0, Math.floor(x0 - mx)), Math.max(0, Math.floor(y0 - my)), Math.min(view.photo.width, Math.ceil(x1 + mx)), Math.min(view.photo.height, Math.ceil(y1 + my))];
}

/**
 * DECA's photometric mask sampled at 224-pixel scale: pixels where a face-region triangle of the
 * posed head is visible, facing the camera, and inside perception's face mesh, with the photo's
 * colour there and the surface normal and UV.
 *
 * ```ts
 * const s = samplePhotometric(model, view, faceTriangleMask(model));
 * const { light } = estimateShLighting(s.normals, s.colors);
 * ```
 */
export function samplePhotometric(model: HeadModel, view: PhotometricView, faceTriangles: Uint8Array, meshTriangles: ArrayLike<number> | null, options: Partial<PhotometricSampleOptions> = {}): PhotometricSamples {
  const o = { ...PHOTOMETRIC_SAMPLE_DEFAULTS, ...options };
  const region = model.regions[o.regions.find((r) => model.regions[r]?.length) ?? ''] ?? new Uint32Array(Array.from({ length: model.template.length / 3 }, (_, i) => i));
  const raster = rasterizeFit(view.vertices, model.triangles, view.camera, view.photo.width, view.photo.height, {
    window: faceWindow(view, region),
    maxSide: o.rasterSide,
    triangleMask: opaqueTriangles(model.triangles, model.regions.overlays),
  });
  const meshMask = view.meshPoints && meshTriangles ? rasterMaskFromMesh(raster, view.meshPoints, meshTriangles) : null;
  const pixels: number[] = [], normals: number[] = [], colors: number[] = [], uv: number[] = [];
  const n = new Float64Array(3), t2 = new Float64Array(2), rgb = new Float64Array(3);
  const { width: W, step, originX, originY } = raster;
  for (let i = 0; i < raster.triangle.length; i++) {
    const t = raster.triangle[i]!;
    if (t < 0 || !faceTriangles[t] || (meshMask && !meshMask[i])) continue;
    interpolateAt(raster, model.triangles, view.normals, 3, i, n);
    const len = Math.hypot(n[0]!, n[1]!, n[2]!);
    if (!(len > 0) || n[2]! / len < o.minFacing) continue;
    const u = originX + ((i % W) + 0.5) * step, v = originY + (Math.floor(i / W) + 0.5) * step;
    if (u < 0.5 || v < 0.5 || u > view.photo.width - 1.5 || v > view.photo.height - 1.5) continue;
    pixels.push(i);
    normals.push(n[0]! / len, n[1]! / len, n[2]! / len);
    sampleRgb(view.photo, u, v, rgb);
    colors.push(rgb[0]! / 255, rgb[1]! / 255, rgb[2]! / 255);
    if (model.uv) {
      interpolateAt(raster, model.uv.triangles, model.uv.coords, 2, i, t2);
      uv.push(t2[0]!, t2[1]!);
    }
  }
  return { raster, pixels: Int32Array.from(pixels), normals: Float64Array.from(normals), colors: Float64Array.from(colors), uv: model.uv ? Float64Array.from(uv) : null };
}

/** A texture in the model's UV layout: RGB bytes, size × size, row 0 at v = 1. */
export interface UvTexture {
  size: number;
  rgb: Uint8Array;
}

/**
 * Samples a UV texture (bilinear, 0…1 colours) at M texture coordinates.
 *
 * ```ts
 * const albedo = sampleUvTexture(texture, samples.uv!);
 * ```
 */
export function sampleUvTexture(texture: UvTexture, uv: ArrayLike<number>): Float64Array {
  const M = uv.length / 2, N = texture.size;
  const out = new Float64Array(M * 3);
  const img = { width: N, height: N, data: texture.rgb };
  const rgb = new Float64Array(3);
  for (let i = 0; i < M; i++) {
    // Texel centres at (x + ½) / N, rows from v = 1 (see `rasterizeUv`).
    sampleRgb(img, uv[i * 2]! * N, (1 - uv[i * 2 + 1]!) * N, rgb);
    for (let c = 0; c < 3; c++) out[i * 3 + c] = rgb[c]! / 255;
  }
  return out;
}

/**
 * RMS of photo − albedo ⊙ shading over the samples (0…1 colour units).
 *
 * ```ts
 * const rms = photometricRms(samples, albedo, light);
 * ```
 */
export function photometricRms(samples: Pick<PhotometricSamples, 'normals' | 'colors'>, albedo: ArrayLike<number> | null, light: ArrayLike<number>): number {
  const M = samples.normals.length / 3;
  if (M === 0) return 0;
  const f = foldShLight(light), shade = new Float64Array(3);
  let se = 0;
  for (let i = 0; i < M; i++) {
    shadeRgb(f, samples.normals[i * 3]!, samples.normals[i * 3 + 1]!, samples.normals[i * 3 + 2]!, shade);
    for (let c = 0; c < 3; c++) se += (samples.colors[i * 3 + c]! - (albedo ? albedo[i * 3 + c]! : 1) * shade[c]!) ** 2;
  }
  return Math.sqrt(se / (3 * M));
}
