import type { BakedTexture } from './bake-photo-texture';
import { mirrorTexels } from './mirror-texels';

export interface FillTextureOptions {
  /** How far (metres) the mirror image of a point may be from a seen point to lend its colour. */
  mirrorRadius: number;
}

export const FILL_TEXTURE_DEFAULTS: FillTextureOptions = { mirrorRadius: 0.006 };

/**
 * Completes a baked texture as DECA's texture fusion does: a texel no photo saw takes the colour of
 * its mirror image across the face's mid-plane (x → −x) when a photo saw that, and whatever is still
 * empty — including the space between UV islands, so filtering never bleeds black — is filled smoothly
 * from its surroundings by push-pull (average down a pyramid, fill back up).
 *
 * ```ts
 * const rgb = fillTextureHoles(bakePhotoTexture(model, views));
 * ```
 */
export function fillTextureHoles(baked: BakedTexture, options: Partial<FillTextureOptions> = {}): Uint8Array {
  const o = { ...FILL_TEXTURE_DEFAULTS, ...options };
  const N = baked.size;
  const rgb = Float32Array.from(baked.rgb);
  const known = new Uint8Array(N * N);
  for (let i = 0; i < N * N; i++) known[i] = baked.weight[i]! > 0 ? 1 : 0;
  mirrorFill(baked, rgb, known, o.mirrorRadius);
  pushPull(rgb, known, N);
  const out = new Uint8Array(N * N * 3);
  for (let i = 0; i < out.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(rgb[i]!)));
  return out;
}

/**
 * Mirror step: each unseen covered texel takes the colour of the seen texel nearest its mirror image
 * (see `mirrorTexels`), and is known from then on.
 */
function mirrorFill(baked: BakedTexture, rgb: Float32Array, known: Uint8Array, radius: number): void {
  const queries = new Uint8Array(known.length);
  for (let i = 0; i < known.length; i++) queries[i] = !known[i] && baked.covered[i] ? 1 : 0;
  const partner = mirrorTexels(baked.position, known, queries, radius);
  for (let i = 0; i < partner.length; i++) {
    const p = partner[i]!;
    if (p < 0) continue;
    rgb[i * 3] = rgb[p * 3]!;
    rgb[i * 3 + 1] = rgb[p * 3 + 1]!;
    rgb[i * 3 + 2] = rgb[p * 3 + 2]!;
    known[i] = 1;
  }
}

/** Push-pull: a pyramid of 2×2 means of the known texels; holes take the coarser level's colour. */
function pushPull(rgb: Float32Array, mask: Uint8Array, n: number): void {
  if (n <= 1) return;
  const h = Math.ceil(n / 2);
  const small = new Float32Array(h * h * 3);
  const smallMask = new Uint8Array(h * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < h; x++) {
      let count = 0, r = 0, g = 0, b = 0;
      for (let sy = y * 2; sy < Math.min(n, y * 2 + 2); sy++) {
        for (let sx = x * 2; sx < Math.min(n, x * 2 + 2); sx++) {
          const i = sy * n + sx;
          if (!mask[i]) continue;
          count++;
          (r += rgb[i * 3]!), (g += rgb[i * 3 + 1]!), (b += rgb[i * 3 + 2]!);
        }
      }
      if (!count) continue;
      const j = y * h + x;
      smallMask[j] = 1;
      (small[j * 3] = r / count), (small[j * 3 + 1] = g / count), (small[j * 3 + 2] = b / count);
    }
  }
  pushPull(small, smallMask, h);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const i = y * n + x;
      if (mask[i]) continue;
      const j = (y >> 1) * h + (x >> 1);
      (rgb[i * 3] = small[j * 3]!), (rgb[i * 3 + 1] = small[j * 3 + 1]!), (rgb[i * 3 + 2] = small[j * 3 + 2]!);
    }
  }
}
