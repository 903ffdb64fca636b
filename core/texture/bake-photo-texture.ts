import { opaqueTriangles } from '../geometry/opaque-triangles';
import type { OrthoCamera } from '../geometry/ortho-camera';
import { photoDepth } from '../geometry/photo-depth';
import { rasterizeUv } from '../geometry/rasterize-uv';
import type { Raster } from '../geometry/rasterize-triangles';
import { sampleRgb } from '../geometry/sample-rgb';
import { foldShLight, shadeRgb } from '../geometry/sh-basis';
import type { HeadModel } from '../head-model/head-model';
import type { RgbImage } from '../perception/image-warp';
import { backdropMask } from './backdrop-mask';
import { bakeableTriangles } from './bakeable-triangles';
import { occlusionEdgeDistance } from './occlusion-edge-distance';
import { type Backdrop, backdropAt, plainBackdrop } from './plain-backdrop';

/** One photo with the head posed as its reconstruction says. */
export interface TextureView {
  photo: RgbImage;
  /** Posed vertices and normals in the camera's frame (V×3), the camera mapping them to pixels. */
  vertices: Float32Array;
  normals: Float32Array;
  camera: OrthoCamera;
  /**
   * The photo's SH lighting (27 coefficients, see geometry/sh-basis.ts): when given, each sample is divided
   * by its shading, so the texture bakes albedo rather than the photo's light.
   */
  light?: ArrayLike<number> | null;
  /**
   * The view's depth buffer (`photoDepth` of the opaque triangles) when the caller keeps one; made here
   * otherwise. Read only: bakes that share it share its occlusion-edge distances, kept by it.
   */
  depth?: Raster | null;
}

export interface BakeTextureOptions {
  size: number;
  /** Surfaces seen more obliquely than this (normal·view) are left to other photos. */
  minFacing: number;
  /** Depth tolerance for visibility, in model units (metres). */
  depthTolerance: number;
  /**
   * Photo samples within this RGB distance (0…255 units) of a plain backdrop's colour are not baked
   * (see `plainBackdrop`): where the head model is larger than the person (a skull taller than their
   * hair, a neck wider than theirs) the photo shows the studio wall, which is no albedo. 0 turns it off.
   */
  backdropDistance: number;
  /**
   * Distance (metres on the photo's image plane) from an occlusion edge of the view — the head's
   * silhouette, the jaw's contour over the neck, the nose's over the far cheek — within which photo
   * samples weigh less, rising smoothly from 0 at the edge to full weight (see
   * `occlusionEdgeDistance`). A fitted head never lines up with the photo exactly: there the photo
   * shows the shadowed jaw line, hair, a collar or the backdrop rather than the surface baked. Where a
   * plain backdrop is masked inside the head's silhouette (a neck wider than the person's), the
   * person's outline against it counts as such an edge too. 0 turns it off.
   */
  edgeMargin: number;
  /**
   * Samples weigh facing^power (facing = normal·view): 3 lets a view that sees the surface squarely
   * outweigh one that grazes it (60° from the normal: 1/8 against a frontal view's 1), where a few
   * photo pixels stretch over much surface and any misfit of the head shows. (Higher powers leave
   * each photo's own shading less explained: London p025's front photo, 1.33× better explained by
   * the albedo than by a constant at 3, 1.30× at 4.)
   */
  facingPower: number;
}

export const BAKE_TEXTURE_DEFAULTS: BakeTextureOptions = { size: 1024, minFacing: 0.25, depthTolerance: 0.004, backdropDistance: 20, edgeMargin: 0.01, facingPower: 3 };

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
  /** Each texel's triangle (−1 where none) and barycentrics (b, c): where it lies on the mesh, for filling over the surface. */
  triangle: Int32Array;
  bary: Float32Array;
}

/**
 * Samples a person's photos into the model's UV space: every texel the UV raster (`rasterizeUv` of
 * the bakeable triangles) covers is traced to its point on the posed head, projected into each
 * photo, kept where that point is visible and faces the camera, and the colours are averaged with
 * weight = facing³ (frontal views dominate), less near the view's occlusion edges (see `edgeMargin`):
 * what a photo shows at a grazing angle or along a contour is mostly the head's misfit and the light
 * (the jaw line's shadow, hair, a collar), not the person's skin.
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
  // Samples whose de-lit colour is past white, kept apart: a last resort for texels no photo shows in range.
  const past = { sum: new Float32Array(N * N * 3), weight: new Float32Array(N * N) };
  for (const view of views) {
    const depth = view.depth ?? photoDepth(view.vertices, tri, view.camera, view.photo.width, view.photo.height, { triangleMask: opaque });
    accumulateView(tri, texels, view, depth, o, sum, weight, past);
  }
  for (let i = 0; i < N * N; i++) {
    if (weight[i]! > 0 || !(past.weight[i]! > 0)) continue;
    weight[i] = past.weight[i]!;
    for (let k = 0; k < 3; k++) sum[i * 3 + k] = past.sum[i * 3 + k]!;
  }
  const rgb = new Uint8Array(N * N * 3);
  for (let i = 0; i < N * N; i++) {
    if (!(weight[i]! > 0)) continue;
    // Means of non-negative samples: adding ½ and truncating rounds them.
    const k = 1 / weight[i]!;
    rgb[i * 3] = sum[i * 3]! * k + 0.5;
    rgb[i * 3 + 1] = sum[i * 3 + 1]! * k + 0.5;
    rgb[i * 3 + 2] = sum[i * 3 + 2]! * k + 0.5;
  }
  return { size: N, rgb, weight, position, covered, triangle: texels.triangle, bary: texels.bary };
}

/** Per-vertex values of one view that texels interpolate: photo position u, v, depth z, normal x, y, z. */
const REC = 6;

/**
 * Adds one view's de-lit samples (colour × weight) and weights to the texels it sees. What a texel
 * needs from the view is first computed per vertex (projection, depth, normal), so the per-texel
 * work is interpolation, a depth test, one bilinear photo sample and the SH shading of the
 * interpolated normal.
 */
function accumulateView(
  tri: Uint32Array,
  texels: Raster,
  view: TextureView,
  depth: Raster,
  o: BakeTextureOptions,
  sum: Float32Array,
  weight: Float32Array,
  past: { sum: Float32Array; weight: Float32Array },
): void {
  const { vertices: P, normals: Nrm, camera, photo, light } = view;
  const V = P.length / 3;
  const rec = new Float32Array(V * REC);
  const f = light ? foldShLight(light) : null;
  for (let v = 0; v < V; v++) {
    const r = v * REC;
    rec[r] = camera.scale * P[v * 3]! + camera.tx;
    rec[r + 1] = -camera.scale * P[v * 3 + 1]! + camera.ty;
    rec[r + 2] = P[v * 3 + 2]!;
    (rec[r + 3] = Nrm[v * 3]!), (rec[r + 4] = Nrm[v * 3 + 1]!), (rec[r + 5] = Nrm[v * 3 + 2]!);
  }
  // A texel's barycentrics are ≥ −UV_GROW (float32-rounded), so its interpolated facing is at most
  // max + 2·grow·(max − min) of its triangle's corners: texels of a triangle below minFacing there
  // are skipped on one byte.
  const T = tri.length / 3, g2 = 2 * (UV_GROW + 1e-6);
  const facing = new Uint8Array(T);
  for (let t = 0; t < T; t++) {
    const na = rec[tri[t * 3]! * REC + 5]!, nb = rec[tri[t * 3 + 1]! * REC + 5]!, nc = rec[tri[t * 3 + 2]! * REC + 5]!;
    const hi = Math.max(na, nb, nc), lo = Math.min(na, nb, nc);
    facing[t] = hi + g2 * (hi - lo) >= o.minFacing ? 1 : 0;
  }
  const umax = photo.width - 1, vmax = photo.height - 1;
  const backdrop = o.backdropDistance > 0 ? plainBackdrop(photo) : null;
  const bd2 = o.backdropDistance ** 2, wall = new Float64Array(3);
  // The wall connected to the photo's border, in the person's shadow too, where the model is wider than them.
  const wallMask = backdrop ? wallMaskOf(photo, depth, backdrop, camera.scale) : null;
  // Edge distances are in depth-buffer pixels: the margin in those. A sample's weight saturates a
  // margin from the edges, so farther distances need not be exact (a pixel's slack keeps the capped
  // product ≥ 1 after rounding).
  const edgeScale = o.edgeMargin > 0 ? depth.step / (o.edgeMargin * camera.scale) : 0;
  const edge = o.edgeMargin > 0 ? edgeDistance(depth, 1 / edgeScale + 1, wallMask) : null;
  const zbuf = depth.depth!, dW = depth.width, dH = depth.height, dInv = 1 / depth.step, dx0 = depth.originX, dy0 = depth.originY;
  const rgb = new Float64Array(3), shade = new Float64Array(3);
  const TX = texels.triangle, B = texels.bary;
  for (let i = 0, n = TX.length; i < n; i++) {
    const t = TX[i]!;
    if (t < 0 || !facing[t]) continue;
    const wb = B[i * 2]!, wc = B[i * 2 + 1]!, wa = 1 - wb - wc;
    const a = tri[t * 3]! * REC, b = tri[t * 3 + 1]! * REC, c = tri[t * 3 + 2]! * REC;
    const nz = wa * rec[a + 5]! + wb * rec[b + 5]! + wc * rec[c + 5]!;
    if (nz < o.minFacing) continue;
    const u = wa * rec[a]! + wb * rec[b]! + wc * rec[c]!, v = wa * rec[a + 1]! + wb * rec[b + 1]! + wc * rec[c + 1]!;
    if (u < 0 || v < 0 || u >= umax || v >= vmax) continue;
    // Something nearer hides the point: the depth buffer pixel holding (u, v) is more than the tolerance in front.
    const dx = Math.floor((u - dx0) * dInv), dy = Math.floor((v - dy0) * dInv);
    const inDepth = dx >= 0 && dy >= 0 && dx < dW && dy < dH;
    if (inDepth && wa * rec[a + 2]! + wb * rec[b + 2]! + wc * rec[c + 2]! < zbuf[dy * dW + dx]! - o.depthTolerance) continue;
    if (wallMask && inDepth && wallMask[dy * dW + dx]) continue;
    let near = 1;
    if (edge && inDepth) {
      const e = Math.min(1, edge[dy * dW + dx]! * edgeScale);
      if (!(e > 0)) continue;
      near = e * e * (3 - 2 * e);
    }
    sampleRgb(photo, u, v, rgb);
    if (backdrop) {
      backdropAt(backdrop, u, v, wall);
      if ((rgb[0]! - wall[0]!) ** 2 + (rgb[1]! - wall[1]!) ** 2 + (rgb[2]! - wall[2]!) ** 2 < bd2) continue;
    }
    let wt = nz ** o.facingPower * near;
    if (f) {
      const nx = wa * rec[a + 3]! + wb * rec[b + 3]! + wc * rec[c + 3]!, ny = wa * rec[a + 4]! + wb * rec[b + 4]! + wc * rec[c + 4]!;
      const inv = 1 / (Math.sqrt(nx * nx + ny * ny + nz * nz) || 1);
      const ux = nx * inv, uy = ny * inv, uz = nz * inv;
      shadeRgb(f, ux, uy, uz, shade);
      const s0 = shade[0]!, s1 = shade[1]!, s2 = shade[2]!;
      // Deep shadow says little about albedo: floor the divisor so noise is not amplified into white…
      rgb[0] = rgb[0]! / Math.max(s0, MIN_SHADING);
      rgb[1] = rgb[1]! / Math.max(s1, MIN_SHADING);
      rgb[2] = rgb[2]! / Math.max(s2, MIN_SHADING);
      // …and let better-lit views of the same texel outweigh it.
      wt *= Math.min(1, Math.max(0.05, (s0 + s1 + s2) / 3 / WELL_LIT));
      // A de-lit colour brighter than white is no albedo: the photo shows there what the model does not
      // light — the backdrop or a collar beside a neck the head makes too wide, a collar's bounce under
      // the jaw. Scaled back to white with its hue kept (not clipped per channel, which bleaches skin), it
      // is only a last resort: any in-range view of the texel replaces it (London p002's grey backdrop,
      // seen past the neck in three-quarter photos and de-lit 1.1–1.45× past white, tinted a V under the chin).
      const over = Math.max(rgb[0]!, rgb[1]!, rgb[2]!) / 255;
      if (over > 1) {
        wt /= over * over;
        past.sum[i * 3] += (rgb[0]! / over) * wt;
        past.sum[i * 3 + 1] += (rgb[1]! / over) * wt;
        past.sum[i * 3 + 2] += (rgb[2]! / over) * wt;
        past.weight[i] += wt;
        continue;
      }
    }
    sum[i * 3] += rgb[0]! * wt;
    sum[i * 3 + 1] += rgb[1]! * wt;
    sum[i * 3 + 2] += rgb[2]! * wt;
    weight[i] += wt;
  }
}

/** Each depth buffer's occlusion-edge distances, by cap: the bakes of one solve share its views' depth buffers. */
const edgeCache = new WeakMap<Raster, { cap: number; wall: Uint8Array | null; edge: Float32Array }>();

/**
 * With a backdrop mask the wall is background too: where the photo shows the person's outline
 * against the wall inside the model's silhouette (a neck the head makes wider than the person's),
 * that outline is an occlusion edge like the model's own, so the view's colour fades out towards it
 * instead of ending in a line where other views take over (the oval on the starter head's neck).
 */
function edgeDistance(depth: Raster, cap: number, wall: Uint8Array | null): Float32Array {
  const hit = edgeCache.get(depth);
  if (hit && hit.cap === cap && hit.wall === wall) return hit.edge;
  let seen = depth;
  if (wall && wall.some((x) => x)) {
    const z = Float32Array.from(depth.depth!);
    for (let i = 0; i < z.length; i++) if (wall[i]) z[i] = -Infinity;
    seen = { ...depth, depth: z };
  }
  const edge = occlusionEdgeDistance(seen, { maxDistance: cap });
  edgeCache.set(depth, { cap, wall, edge });
  return edge;
}

/** Each depth buffer's backdrop mask (a function of the view's photo, its depth and scale): computed once per view like the edges. */
const wallCache = new WeakMap<Raster, { photo: RgbImage; scale: number; mask: Uint8Array }>();

function wallMaskOf(photo: RgbImage, depth: Raster, backdrop: Backdrop, scale: number): Uint8Array {
  const hit = wallCache.get(depth);
  if (hit && hit.photo === photo && hit.scale === scale) return hit.mask;
  const mask = backdropMask(photo, depth, backdrop, scale);
  wallCache.set(depth, { photo, scale, mask });
  return mask;
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
