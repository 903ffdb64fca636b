import { rasterMaskFromMesh } from '../geometry/mesh-mask';
import type { OrthoCamera } from '../geometry/ortho-camera';
import { depthAt, type photoDepth } from '../geometry/photo-depth';
import { rasterGrid } from '../geometry/rasterize-triangles';
import { sampleRgb, type RgbPixels } from '../geometry/sample-rgb';
import { foldShLight, shadeGradientRgb, shadeRgb } from '../geometry/sh-basis';
import type { UvTexture } from '../reconstruct/photometric-samples';
import type { DetailTexels } from './detail-texels';
import type { TexelFrames } from './texel-frames';

/**
 * One photo as the detail solve sees it, per detail texel: how much the photo says there (0 where
 * the texel is hidden, turned away or outside perception's face mesh), what the coarse render leaves
 * unexplained (photo − albedo ⊙ shading), and how the rendered colour answers a displacement's UV
 * gradient: colour change of channel c ≈ k_c · (∂D/∂u, ∂D/∂v). The albedo is the one solved with the
 * coarse normals, so the detail explains only what light and albedo do not.
 */
export interface DetailObservation {
  /** Per compact texel (0 = no evidence). */
  weight: Float32Array;
  /** Per compact texel: photo − albedo ⊙ shading, 3 channels, 0…1. */
  residual: Float32Array;
  /** Per compact texel: k_r, k_g, k_b (2 each: u then v), colour per unit UV gradient of D (metres). */
  k: Float32Array;
  /** Per compact texel: the photo's colour and the albedo there, 3 channels each, 0…1. */
  photo: Float32Array;
  albedo: Float32Array;
}

export interface DetailObservationOptions {
  /** Texels seen more obliquely than this (normal·view) carry no evidence. */
  minFacing: number;
  /** Depth tolerance (metres) of the visibility test. */
  depthTolerance: number;
  /**
   * Texels this many steps from the region's edge carry no evidence: next to the eyes, nostrils and
   * lips the photo mixes lashes, eye white and shadow into the skin, which is not detail.
   */
  edgeRing: number;
}

export const DETAIL_OBSERVATION_DEFAULTS: DetailObservationOptions = { minFacing: 0.3, depthTolerance: 0.003, edgeRing: 2 };

/** A photo for the detail stage: the image pyramid (level 0 = the photo), camera, depth and face mesh. */
export interface DetailView {
  /** Level l is the photo halved l times (2×2 means); the texels sample the level nearest their footprint. */
  pyramid: readonly RgbPixels[];
  camera: OrthoCamera;
  depth: ReturnType<typeof photoDepth>;
  /** Perception's 468 FaceMesh points in photo pixels (x, y pairs) and the canonical triangles; null: no face-mesh mask. */
  mesh: { points: ArrayLike<number>; triangles: ArrayLike<number> } | null;
}

/**
 * The photo's evidence for the detail solve (see {@link DetailObservation}).
 *
 * ```ts
 * const obs = detailObservation(texels, frames, view, albedo, light);
 * ```
 */
export function detailObservation(
  texels: DetailTexels,
  frames: TexelFrames,
  view: DetailView,
  albedo: UvTexture,
  light: ArrayLike<number>,
  options: Partial<DetailObservationOptions> = {},
): DetailObservation {
  const o = { ...DETAIL_OBSERVATION_DEFAULTS, ...options };
  const K = texels.texel.length, N = texels.size;
  const weight = new Float32Array(K), residual = new Float32Array(K * 3), k = new Float32Array(K * 6), photoRgb = new Float32Array(K * 3), albedoRgb = new Float32Array(K * 3);
  const cam = view.camera, photo = view.pyramid[0]!;
  const level = pyramidLevel(frames, cam.scale, N, view.pyramid.length);
  const img = view.pyramid[level]!, f = 1 / 2 ** level;
  const mask = view.mesh ? faceMeshMask(view, photo.width, photo.height) : null;
  const light9 = foldShLight(light);
  const rgb = new Float64Array(3), shade = new Float64Array(3), grad = new Float64Array(9), a = new Float64Array(3);
  const { position: P, normal: Nm, gradient: M } = frames;
  const inner = innerTexels(texels, o.edgeRing);
  for (let t = 0; t < K; t++) {
    const nz = Nm[t * 3 + 2]!;
    if (nz < o.minFacing || !inner[t]) continue;
    const x = cam.scale * P[t * 3]! + cam.tx, y = -cam.scale * P[t * 3 + 1]! + cam.ty;
    if (x < 1 || y < 1 || x > photo.width - 1 || y > photo.height - 1) continue;
    if (P[t * 3 + 2]! < depthAt(view.depth, x, y) - o.depthTolerance) continue;
    if (mask && !mask.at(x, y)) continue;
    const texel = texels.texel[t]!;
    albedoAt(albedo, ((texel % N) + 0.5) / N, 1 - (Math.floor(texel / N) + 0.5) / N, a);
    const nx = Nm[t * 3]!, ny = Nm[t * 3 + 1]!;
    shadeRgb(light9, nx, ny, nz, shade);
    shadeGradientRgb(light9, nx, ny, nz, grad);
    sampleRgb(img, x * f, y * f, rgb);
    for (let c = 0; c < 3; c++) {
      photoRgb[t * 3 + c] = rgb[c]! / 255;
      albedoRgb[t * 3 + c] = a[c]!;
      residual[t * 3 + c] = rgb[c]! / 255 - a[c]! * shade[c]!;
      // δshade_c = grad_c · δn, δn = −M·∇D  ⇒  k_c = −a_c · Mᵀ grad_c
      const g0 = grad[c * 3]!, g1 = grad[c * 3 + 1]!, g2 = grad[c * 3 + 2]!;
      k[t * 6 + c * 2] = -a[c]! * (M[t * 6]! * g0 + M[t * 6 + 2]! * g1 + M[t * 6 + 4]! * g2);
      k[t * 6 + c * 2 + 1] = -a[c]! * (M[t * 6 + 1]! * g0 + M[t * 6 + 3]! * g1 + M[t * 6 + 5]! * g2);
    }
    // Squarely seen surfaces say most (as the texture bake weighs them).
    weight[t] = nz * nz;
  }
  return { weight, residual, k, photo: photoRgb, albedo: albedoRgb };
}

/**
 * The pyramid level whose pixels are about one texel wide on the face: sampling finer than the
 * texel grid would alias the photo's pores into the map, coarser would blur wrinkles away.
 */
function pyramidLevel(frames: TexelFrames, scale: number, size: number, levels: number): number {
  const K = frames.gradient.length / 6;
  const widths: number[] = [];
  for (let t = 0; t < K; t += 17) {
    // |J| per UV unit ≈ 1 / |M|: a texel spans |J|/size metres, scale·|J|/size pixels.
    const m = Math.hypot(frames.gradient[t * 6]!, frames.gradient[t * 6 + 2]!, frames.gradient[t * 6 + 4]!);
    if (m > 0) widths.push(scale / (m * size));
  }
  if (!widths.length) return 0;
  widths.sort((p, q) => p - q);
  const px = widths[widths.length >> 1]!;
  // One level finer than the footprint: the level's box filter and the bilinear lookup together blur
  // about as wide as a texel, no wider (a coarser level attenuates the wrinkles the solve looks for).
  return Math.max(0, Math.min(levels - 1, Math.floor(Math.log2(Math.max(1, px))) - 1));
}

/** Perception's face mesh as a mask over the photo (at most 512 pixels a side), queried in photo pixels. */
function faceMeshMask(view: DetailView, width: number, height: number): { at(x: number, y: number): boolean } {
  const grid = rasterGrid(width, height, { maxSide: 512 });
  const m = rasterMaskFromMesh(grid, view.mesh!.points, view.mesh!.triangles);
  return {
    at: (x, y) => {
      const gx = Math.floor((x - grid.originX) / grid.step), gy = Math.floor((y - grid.originY) / grid.step);
      return gx >= 0 && gy >= 0 && gx < grid.width && gy < grid.height && m[gy * grid.width + gx] === 1;
    },
  };
}

/** Bilinear albedo (0…1) at a UV (row 0 at v = 1, as the bake stores it). */
function albedoAt(tex: UvTexture, u: number, v: number, out: Float64Array): void {
  const S = tex.size;
  sampleRgb({ width: S, height: S, data: tex.rgb }, u * S, (1 - v) * S, out);
  for (let c = 0; c < 3; c++) out[c] = out[c]! / 255;
}

/** 1 for texels at least `ring` neighbour steps from the region's edge. */
function innerTexels(texels: DetailTexels, ring: number): Uint8Array {
  const K = texels.texel.length, nb = texels.neighbours;
  let inner = new Uint8Array(K).fill(1);
  for (let t = 0; t < K; t++) for (let q = 0; q < 4; q++) if (nb[t * 4 + q]! < 0) inner[t] = 0;
  for (let r = 1; r < ring; r++) {
    const next = Uint8Array.from(inner);
    for (let t = 0; t < K; t++) for (let q = 0; q < 4; q++) if (!inner[nb[t * 4 + q]!]) next[t] = 0;
    inner = next;
  }
  return inner;
}
