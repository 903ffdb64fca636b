import { opaqueTriangles } from '../geometry/opaque-triangles';
import type { OrthoCamera } from '../geometry/ortho-camera';
import { photoDepth } from '../geometry/photo-depth';
import { rasterizeUv } from '../geometry/rasterize-uv';
import type { Raster } from '../geometry/rasterize-triangles';
import { sampleRgb } from '../geometry/sample-rgb';
import { shBasis } from '../geometry/sh-basis';
import type { HeadModel } from '../head-model/head-model';
import type { RgbImage } from '../perception/image-warp';
import { bakeableTriangles } from './bakeable-triangles';

/** One photo with the head posed as its reconstruction says. */
export interface TextureView {
  photo: RgbImage;
  /** Posed vertices and normals in the camera's frame (V×3), the camera mapping them to pixels. */
  vertices: Float32Array;
  normals: Float32Array;
  camera: OrthoCamera;
  /**
   * The photo's SH lighting (27 coefficients, see sh-lighting.ts): when given, each sample is divided
   * by its shading, so the texture bakes albedo rather than the photo's light.
   */
  light?: ArrayLike<number> | null;
  /** The view's depth buffer (`photoDepth` of the opaque triangles) when the caller keeps one; made here otherwise. */
  depth?: Raster | null;
}

export interface BakeTextureOptions {
  size: number;
  /** Surfaces seen more obliquely than this (normal·view) are left to other photos. */
  minFacing: number;
  /** Depth tolerance for visibility, in model units (metres). */
  depthTolerance: number;
}

export const BAKE_TEXTURE_DEFAULTS: BakeTextureOptions = { size: 1024, minFacing: 0.25, depthTolerance: 0.004 };

/** A texture in the model's UV layout (row 0 at v = 1, as images are stored) with per-texel confidence. */
export interface BakedTexture {
  size: number;
  /** RGB bytes, size × size × 3. */
  rgb: Uint8Array;
  /** Sum of the views' weights per texel; 0 where no photo saw the surface. */
  weight: Float32Array;
  /** The template (unposed) position of every covered texel, for filling by symmetry. */
  position: Float32Array;
  covered: Uint8Array;
}

/**
 * Samples a person's photos into the model's UV space: every texel the UV raster (`rasterizeUv` of
 * the bakeable triangles) covers is traced to its point on the posed head, projected into each
 * photo, kept where that point is visible and faces the camera, and the colours are averaged with
 * weight = facing², so frontal views dominate.
 *
 * ```ts
 * const baked = bakePhotoTexture(model, views, { size: 1024 });
 * ```
 */
export function bakePhotoTexture(model: HeadModel, views: readonly TextureView[], options: Partial<BakeTextureOptions> = {}): BakedTexture {
  const o = { ...BAKE_TEXTURE_DEFAULTS, ...options };
  if (!model.uv) throw new Error(`head model "${model.id}" has no UVs to bake a texture into`);
  const N = o.size;
  const texels = rasterizeUv(model.uv, N, { triangleMask: bakeableTriangles(model), grow: UV_GROW });
  const sum = new Float32Array(N * N * 3);
  const weight = new Float32Array(N * N);
  const position = new Float32Array(N * N * 3);
  const covered = new Uint8Array(N * N);
  const tri = model.triangles, tpl = model.template;
  for (let i = 0; i < N * N; i++) {
    const t = texels.triangle[i]!;
    if (t < 0) continue;
    covered[i] = 1;
    const wb = texels.bary[i * 2]!, wc = texels.bary[i * 2 + 1]!, wa = 1 - wb - wc;
    const a = tri[t * 3]! * 3, b = tri[t * 3 + 1]! * 3, c = tri[t * 3 + 2]! * 3;
    for (let k = 0; k < 3; k++) position[i * 3 + k] = wa * tpl[a + k]! + wb * tpl[b + k]! + wc * tpl[c + k]!;
  }
  const opaque = views.some((v) => !v.depth) ? opaqueTriangles(tri, model.regions.overlays) : null;
  for (const view of views) {
    const depth = view.depth ?? photoDepth(view.vertices, tri, view.camera, view.photo.width, view.photo.height, { triangleMask: opaque });
    accumulateView(tri, texels, view, depth, o, sum, weight);
  }
  const rgb = new Uint8Array(N * N * 3);
  for (let i = 0; i < N * N; i++) {
    if (weight[i]! > 0) for (let c = 0; c < 3; c++) rgb[i * 3 + c] = Math.round(sum[i * 3 + c]! / weight[i]!);
  }
  return { size: N, rgb, weight, position, covered };
}

/** Adds one view's de-lit samples (colour × weight) and weights to the texels it sees. */
function accumulateView(tri: Uint32Array, texels: Raster, view: TextureView, depth: Raster, o: BakeTextureOptions, sum: Float32Array, weight: Float32Array): void {
  const { vertices: P, normals: Nrm, camera, photo, light } = view;
  const { scale, tx, ty } = camera;
  const umax = photo.width - 1, vmax = photo.height - 1;
  const zbuf = depth.depth!, dW = depth.width, dH = depth.height, dStep = depth.step, dx0 = depth.originX, dy0 = depth.originY;
  const rgb = new Float64Array(3), basis = new Float64Array(9);
  const T = texels.triangle, B = texels.bary;
  for (let i = 0, n = T.length; i < n; i++) {
    const t = T[i]!;
    if (t < 0) continue;
    const wb = B[i * 2]!, wc = B[i * 2 + 1]!, wa = 1 - wb - wc;
    const a = tri[t * 3]! * 3, b = tri[t * 3 + 1]! * 3, c = tri[t * 3 + 2]! * 3;
    const nz = wa * Nrm[a + 2]! + wb * Nrm[b + 2]! + wc * Nrm[c + 2]!;
    if (nz < o.minFacing) continue;
    const px = wa * P[a]! + wb * P[b]! + wc * P[c]!, py = wa * P[a + 1]! + wb * P[b + 1]! + wc * P[c + 1]!;
    const u = scale * px + tx, v = -scale * py + ty;
    if (u < 0 || v < 0 || u >= umax || v >= vmax) continue;
    // Something nearer hides the point: the depth buffer pixel holding (u, v) is more than the tolerance in front.
    const dx = Math.floor((u - dx0) / dStep), dy = Math.floor((v - dy0) / dStep);
    if (dx >= 0 && dy >= 0 && dx < dW && dy < dH) {
      const pz = wa * P[a + 2]! + wb * P[b + 2]! + wc * P[c + 2]!;
      if (pz < zbuf[dy * dW + dx]! - o.depthTolerance) continue;
    }
    sampleRgb(photo, u, v, rgb);
    let wt = nz * nz;
    if (light) {
      const nx = wa * Nrm[a]! + wb * Nrm[b]! + wc * Nrm[c]!, ny = wa * Nrm[a + 1]! + wb * Nrm[b + 1]! + wc * Nrm[c + 1]!;
      const len = Math.hypot(nx, ny, nz) || 1;
      shBasis(nx / len, ny / len, nz / len, basis);
      let meanShade = 0;
      for (let ch = 0; ch < 3; ch++) {
        let shade = 0;
        for (let k = 0; k < 9; k++) shade += light[k * 3 + ch]! * basis[k]!;
        // Deep shadow says little about albedo: floor the divisor so noise is not amplified into white…
        rgb[ch] = Math.min(255, rgb[ch]! / Math.max(shade, MIN_SHADING));
        meanShade += shade / 3;
      }
      // …and let better-lit views of the same texel outweigh it.
      wt *= Math.min(1, Math.max(0.05, meanShade / WELL_LIT));
    }
    sum[i * 3] += rgb[0]! * wt;
    sum[i * 3 + 1] += rgb[1]! * wt;
    sum[i * 3 + 2] += rgb[2]! * wt;
    weight[i] += wt;
  }
}

/**
 * Barycentric growth of the UV triangles when baking: texels whose centres lie just outside an
 * island's border triangles still bake (rather than being filled), so bilinear lookups at the
 * island's edge see photo colour on both sides.
 */
const UV_GROW = 0.01;

/** Lowest shading a sample is divided by when baking albedo. */
const MIN_SHADING = 0.15;
/** Shading (relative to the face's mean of 1) from which a sample counts fully when baking albedo. */
const WELL_LIT = 0.5;
