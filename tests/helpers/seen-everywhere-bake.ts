import { rasterizeUv } from '../../core/geometry/rasterize-uv';
import type { HeadModel } from '../../core/head-model/head-model';
import type { BakedTexture } from '../../core/texture/bake-photo-texture';
import { bakeableTriangles } from '../../core/texture/bakeable-triangles';

/**
 * A bake of `model` into an N² texture in which every covered texel was seen fully (weight 1), its
 * colour whatever `paint` gives for its surface position and triangle: the texture-completion steps
 * tested on colours placed where a photo would put them.
 *
 * ```ts
 * const baked = seenEverywhereBake(model, 256, (p) => (p[1] > 0.075 ? HAIR : SKIN));
 * ```
 */
export function seenEverywhereBake(model: HeadModel, N: number, paint: (position: [number, number, number], triangle: number) => readonly number[]): BakedTexture {
  const texels = rasterizeUv(model.uv!, N, { triangleMask: bakeableTriangles(model), grow: 0.01 });
  const baked: BakedTexture = {
    size: N, rgb: new Uint8Array(N * N * 3), weight: new Float32Array(N * N), position: new Float32Array(N * N * 3), covered: new Uint8Array(N * N),
    triangle: texels.triangle, bary: texels.bary,
  };
  const P = model.template, tri = model.triangles;
  for (let i = 0; i < N * N; i++) {
    const t = texels.triangle[i]!;
    if (t < 0) continue;
    baked.covered[i] = 1;
    baked.weight[i] = 1;
    const wb = texels.bary[i * 2]!, wc = texels.bary[i * 2 + 1]!, wa = 1 - wb - wc;
    const p: [number, number, number] = [0, 0, 0];
    for (let k = 0; k < 3; k++) p[k] = wa * P[tri[t * 3]! * 3 + k]! + wb * P[tri[t * 3 + 1]! * 3 + k]! + wc * P[tri[t * 3 + 2]! * 3 + k]!;
    baked.position.set(p, i * 3);
    baked.rgb.set(paint(p, t), i * 3);
  }
  return baked;
}
