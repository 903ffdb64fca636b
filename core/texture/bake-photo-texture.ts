import type { HeadModel } from '../head-model/head-model';
import type { RgbImage } from '../perception/image-warp';
import type { OrthoCamera } from '../geometry/ortho-camera';
import { shBasis } from '../geometry/sh-basis';
import { bakeableTriangles } from './bakeable-triangles';
import { depthAt, photoDepth } from './photo-depth';

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
 * Samples a person's photos into the model's UV space: every texel inside a UV triangle is traced
 * to its point on the posed head, projected into each photo, kept where that point is visible and
 * faces the camera, and the colours are averaged with weight = facing², so frontal views dominate.
 *
 * ```ts
 * const baked = bakePhotoTexture(model, views, { size: 1024 });
 * ```
 */
export function bakePhotoTexture(model: HeadModel, views: readonly TextureView[], options: Partial<BakeTextureOptions> = {}): BakedTexture {
  const o = { ...BAKE_TEXTURE_DEFAULTS, ...options };
  if (!model.uv) throw new Error(`head model "${model.id}" has no UVs to bake a texture into`);
  const N = o.size;
  const sum = new Float32Array(N * N * 3);
  const weight = new Float32Array(N * N);
  const position = new Float32Array(N * N * 3);
  const covered = new Uint8Array(N * N);
  const depths = views.map((v) => photoDepth(v.vertices, model.triangles, v.camera, v.photo.width, v.photo.height));
  const { coords, triangles: uvTris } = model.uv;
  const tri = model.triangles;
  const tpl = model.template;
  const basis = new Float64Array(9);
  const bakeable = bakeableTriangles(model);
  for (let t = 0; t < tri.length; t += 3) {
    if (!bakeable[t / 3]) continue;
    const vi = [tri[t]!, tri[t + 1]!, tri[t + 2]!];
    const ui = [uvTris[t]!, uvTris[t + 1]!, uvTris[t + 2]!];
    const tx = ui.map((u) => coords[u * 2]! * N), ty = ui.map((u) => (1 - coords[u * 2 + 1]!) * N);
    const area = (tx[1]! - tx[0]!) * (ty[2]! - ty[0]!) - (ty[1]! - ty[0]!) * (tx[2]! - tx[0]!);
    if (Math.abs(area) < 1e-9) continue;
    const x0 = Math.max(0, Math.floor(Math.min(...tx))), x1 = Math.min(N - 1, Math.ceil(Math.max(...tx)));
    const y0 = Math.max(0, Math.floor(Math.min(...ty))), y1 = Math.min(N - 1, Math.ceil(Math.max(...ty)));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const sx = x + 0.5, sy = y + 0.5;
        const w0 = ((tx[2]! - tx[1]!) * (sy - ty[1]!) - (ty[2]! - ty[1]!) * (sx - tx[1]!)) / area;
        const w1 = ((tx[0]! - tx[2]!) * (sy - ty[2]!) - (ty[0]! - ty[2]!) * (sx - tx[2]!)) / area;
        const w2 = 1 - w0 - w1;
        // A small tolerance closes hairline gaps between neighbouring UV triangles.
        if (w0 < -0.01 || w1 < -0.01 || w2 < -0.01) continue;
        const texel = y * N + x;
        const w = [w0, w1, w2];
        covered[texel] = 1;
        for (let c = 0; c < 3; c++) position[texel * 3 + c] = w0 * tpl[vi[0]! * 3 + c]! + w1 * tpl[vi[1]! * 3 + c]! + w2 * tpl[vi[2]! * 3 + c]!;
        views.forEach((view, k) => {
          let px = 0, py = 0, pz = 0, nx = 0, ny = 0, nz = 0;
          for (let j = 0; j < 3; j++) {
            const v = vi[j]!;
            px += w[j]! * view.vertices[v * 3]!;
            py += w[j]! * view.vertices[v * 3 + 1]!;
            pz += w[j]! * view.vertices[v * 3 + 2]!;
            nx += w[j]! * view.normals[v * 3]!;
            ny += w[j]! * view.normals[v * 3 + 1]!;
            nz += w[j]! * view.normals[v * 3 + 2]!;
          }
          if (nz < o.minFacing) return;
          const u = view.camera.scale * px + view.camera.tx;
          const vv = -view.camera.scale * py + view.camera.ty;
          if (u < 0 || vv < 0 || u >= view.photo.width - 1 || vv >= view.photo.height - 1) return;
          if (pz < depthAt(depths[k]!, u, vv) - o.depthTolerance) return; // something nearer hides it
          const rgb = sampleBilinear(view.photo, u - 0.5, vv - 0.5);
          let wt = nz * nz;
          if (view.light) {
            const len = Math.hypot(nx, ny, nz) || 1;
            shBasis(nx / len, ny / len, nz / len, basis);
            let meanShade = 0;
            for (let c = 0; c < 3; c++) {
              let shade = 0;
              for (let k = 0; k < 9; k++) shade += view.light[k * 3 + c]! * basis[k]!;
              // Deep shadow says little about albedo: floor the divisor so noise is not amplified into white…
              rgb[c] = Math.min(255, rgb[c]! / Math.max(shade, MIN_SHADING));
              meanShade += shade / 3;
            }
            // …and let better-lit views of the same texel outweigh it.
            wt *= Math.min(1, Math.max(0.05, meanShade / WELL_LIT));
          }
          for (let c = 0; c < 3; c++) sum[texel * 3 + c] += rgb[c]! * wt;
          weight[texel] += wt;
        });
      }
    }
  }
  const rgb = new Uint8Array(N * N * 3);
  for (let i = 0; i < N * N; i++) {
    if (weight[i]! > 0) for (let c = 0; c < 3; c++) rgb[i * 3 + c] = Math.round(sum[i * 3 + c]! / weight[i]!);
  }
  return { size: N, rgb, weight, position, covered };
}

/** Lowest shading a sample is divided by when baking albedo. */
const MIN_SHADING = 0.15;
/** Shading (relative to the face's mean of 1) from which a sample counts fully when baking albedo. */
const WELL_LIT = 0.5;

/**
 * Bilinear RGB sample (0…255) at continuous pixel coordinates (pixel centres at integers), clamped to the image.
 *
 * ```ts
 * const [r, g, b] = sampleBilinear(photo, u - 0.5, v - 0.5);
 * ```
 */
export function sampleBilinear(img: RgbImage, x: number, y: number): [number, number, number] {
  const x0 = Math.max(0, Math.min(img.width - 2, Math.floor(x))), y0 = Math.max(0, Math.min(img.height - 2, Math.floor(y)));
  const fx = Math.min(1, Math.max(0, x - x0)), fy = Math.min(1, Math.max(0, y - y0));
  const out: [number, number, number] = [0, 0, 0];
  const i00 = (y0 * img.width + x0) * 3, i10 = i00 + 3, i01 = i00 + img.width * 3, i11 = i01 + 3;
  for (let c = 0; c < 3; c++) {
    out[c] = (img.data[i00 + c]! * (1 - fx) + img.data[i10 + c]! * fx) * (1 - fy) + (img.data[i01 + c]! * (1 - fx) + img.data[i11 + c]! * fx) * fy;
  }
  return out;
}
