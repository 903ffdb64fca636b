import { rasterizeUv } from '../geometry/rasterize-uv';
import type { HeadModel } from '../head-model/head-model';
import { mirrorTexels } from '../texture/mirror-texels';
import { skinAtlasFaceScale } from '../head-model/skin-uv-atlas';
import { DETAIL_REGION_RADIUS, detailTriangles } from './detail-region';

/**
 * The texels of a detail map that carry detail: those of the model's skin (triangles that own their
 * UV space, see `bakeableTriangles`) inside the face crop (see `faceMetricRegion`), in a compact
 * order. Everything the detail solve, its decoder and its normals do runs over these texels; the
 * rest of the map stays 0. Plain typed arrays, so the set travels to workers in shared memory.
 */
export interface DetailTexels {
  /** Texels per side of the map (256 by default). */
  size: number;
  /**
   * Texels per side of the face's own UV square: `size` on a plain layout, `size` × 0.8 on a skin
   * atlas (see `detailMapSize`). The solve's constants counted in texels (patches, smoothness, the
   * edge fade) are per this density, so a map over an atlas behaves as one over the face's square.
   */
  density: number;
  /** Map texel (row-major, row 0 at v = 1) → compact index, or −1 outside the detail region. */
  index: Int32Array;
  /** Compact index → map texel. */
  texel: Int32Array;
  /** Per compact texel: the model triangle under it and the barycentrics of corners 2 and 3. */
  triangle: Int32Array;
  bary: Float32Array;
  /** Per compact texel: its point on the template (metres). */
  position: Float32Array;
  /** Per compact texel: the compact index of its mirror image across the mid-plane, or −1. */
  mirror: Int32Array;
  /**
   * Per compact texel: its 4 neighbours in the map (−u, +u, +v, −v) as compact indices, −1 outside
   * the region (the finite differences of the solve treat the region's edge as D = 0: detail fades
   * out there).
   */
  neighbours: Int32Array;
}

export interface DetailTexelOptions {
  /** Texels per side. */
  size: number;
  /** The face crop's radius around the nose tip (metres). */
  radius: number;
  /** How far (metres) a texel's mirror image may be from its partner. */
  mirrorRadius: number;
}

export const DETAIL_TEXEL_DEFAULTS: DetailTexelOptions = { size: 256, radius: DETAIL_REGION_RADIUS, mirrorRadius: 0.004 };

/**
 * The detail region of a model's UV layout (see {@link DetailTexels}). Null when the model has no UVs.
 *
 * ```ts
 * const texels = detailTexels(model, { size: 256 });
 * ```
 */
export function detailTexels(model: HeadModel, options: Partial<DetailTexelOptions> = {}): DetailTexels | null {
  if (!model.uv) return null;
  const o = { ...DETAIL_TEXEL_DEFAULTS, ...options };
  const N = o.size;
  const mask = detailTriangles(model, o.radius);
  const raster = rasterizeUv(model.uv, N, { triangleMask: mask });
  const index = new Int32Array(N * N).fill(-1);
  let count = 0;
  for (let i = 0; i < N * N; i++) if (raster.triangle[i]! >= 0) index[i] = count++;
  const texel = new Int32Array(count), triangle = new Int32Array(count), bary = new Float32Array(count * 2), position = new Float32Array(count * 3);
  const tpl = model.template, tri = model.triangles;
  for (let i = 0; i < N * N; i++) {
    const k = index[i]!;
    if (k < 0) continue;
    const t = raster.triangle[i]!, wb = raster.bary[i * 2]!, wc = raster.bary[i * 2 + 1]!, wa = 1 - wb - wc;
    texel[k] = i;
    triangle[k] = t;
    bary[k * 2] = wb;
    bary[k * 2 + 1] = wc;
    const a = tri[t * 3]! * 3, b = tri[t * 3 + 1]! * 3, c = tri[t * 3 + 2]! * 3;
    for (let d = 0; d < 3; d++) position[k * 3 + d] = wa * tpl[a + d]! + wb * tpl[b + d]! + wc * tpl[c + d]!;
  }
  const neighbours = new Int32Array(count * 4).fill(-1);
  for (let k = 0; k < count; k++) {
    const x = texel[k]! % N, y = Math.floor(texel[k]! / N);
    if (x > 0) neighbours[k * 4] = index[texel[k]! - 1]!;
    if (x < N - 1) neighbours[k * 4 + 1] = index[texel[k]! + 1]!;
    if (y > 0) neighbours[k * 4 + 2] = index[texel[k]! - N]!; // row above: +v
    if (y < N - 1) neighbours[k * 4 + 3] = index[texel[k]! + N]!;
  }
  const all = new Uint8Array(count).fill(1);
  const mirror = mirrorTexels(position, all, all, o.mirrorRadius);
  return { size: N, density: N * skinAtlasFaceScale(model), index, texel, triangle, bary, position, mirror, neighbours };
}

/**
 * A compact per-texel field written into a full `size × size` map (0 outside the region).
 *
 * ```ts
 * const map = expandTexels(texels, staticDetail); // Float32Array(size * size)
 * ```
 */
export function expandTexels(texels: Pick<DetailTexels, 'size' | 'texel'>, values: ArrayLike<number>): Float32Array {
  const out = new Float32Array(texels.size * texels.size);
  for (let k = 0; k < texels.texel.length; k++) out[texels.texel[k]!] = values[k]!;
  return out;
}
