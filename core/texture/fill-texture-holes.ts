import type { HeadModel } from '../head-model/head-model';
import type { BakedTexture } from './bake-photo-texture';
import { earSurroundings } from './ear-region';
import { EAR_SKIN_DEFAULTS, earSkin, skinness, texelMembership } from './ear-skin';
import { neckRegion } from './neck-region';
import { mirrorTexels } from './mirror-texels';
import { skinTone, surfaceFill, SURFACE_FILL_DEFAULTS, type SurfaceFillOptions } from './surface-fill';

export interface FillTextureOptions extends SurfaceFillOptions {
  /** How far (metres) the mirror image of a point may be from a seen point to lend its colour. */
  mirrorRadius: number;
  /**
   * Bake weight (Σ facing³ × how well lit × how far from an occlusion edge, over the photos; see
   * `bakePhotoTexture`) from which a texel's photo colour is fully trusted; below it the colour is
   * blended with the surface fill in proportion (one well-lit photo seeing the surface at 67° from its
   * normal, clear of its contours, weighs 0.0625: a surface seen that well keeps its photo colour, hair
   * included), so texels only grazing views or contours saw — under the jaw, the sides of the neck —
   * fade into the fill instead of ending at a seam.
   */
  trustedWeight: number;
  /**
   * Texels around each UV island that take the colour of its edge before the rest of the space between
   * islands is filled: bilinear filtering at a chart's edge (a seam, where the starter head's shell
   * wraps round, or the chin's edge of the face chart) reads them, and push-pull alone gives them the
   * mean of a block aligned to powers of two, which may hold nothing of that chart — a line along the seam.
   */
  gutter: number;
}

export const FILL_TEXTURE_DEFAULTS: FillTextureOptions = { mirrorRadius: 0.006, trustedWeight: 0.0625, gutter: 4, ...SURFACE_FILL_DEFAULTS };

/**
 * Completes a baked texture: a texel no photo saw takes the colour of its mirror image across the
 * face's mid-plane (x → −x) when a photo saw that (DECA's texture fusion: the same place on the other
 * side of the same surface); what is still unseen — scalp, back of the head, under the chin, inside
 * the ears — is filled over the head's surface from the person's own skin (`surfaceFill`: the seen
 * edge's colours fading into their skin tone, continuous across UV seams, nothing copied from
 * unrelated charts), and texels seen only weakly (weight below `trustedWeight`) are blended with it. Only then the space between UV islands, which no surface owns, is filled:
 * `gutter` texels around each island from its edge, the rest by push-pull (average down a pyramid,
 * fill back up), so filtering never bleeds black or another chart's colour at the islands' edges.
 *
 * ```ts
 * const rgb = fillTextureHoles(bakePhotoTexture(model, views), model);
 * ```
 */
export function fillTextureHoles(baked: BakedTexture, model: HeadModel, options: Partial<FillTextureOptions> = {}): Uint8Array {
  const o = { ...FILL_TEXTURE_DEFAULTS, ...options };
  const N = baked.size;
  const rgb = Float32Array.from(baked.rgb);
  const known = new Uint8Array(N * N);
  for (let i = 0; i < N * N; i++) known[i] = baked.weight[i]! > 0 ? 1 : 0;
  const tone = skinTone(rgb, known);
  // Hair, shadow or backdrop the photos put on the ears (a misfit pinna seen edge-on) becomes their skin.
  earSkin(model, baked, rgb, known, tone);
  // Plain loops rather than typed-array `from` with a mapping function, which calls it per texel.
  const confidence = new Float32Array(N * N);
  for (let i = 0; i < N * N; i++) confidence[i] = Math.min(1, baked.weight[i]! / o.trustedWeight);
  // The person's ear painted beside a misplaced pinna: filled from round it instead (see `earSurroundings`).
  const ring = texelMembership(model, baked, known, earSurroundings(model));
  if (ring) for (let i = 0; i < N * N; i++) confidence[i] = confidence[i]! * (1 - ring[i]!);
  // Collars, shirts and hair over the shoulders the photos put on the bare neck: trusted only as far as they are skin.
  const neck = texelMembership(model, baked, known, neckRegion(model));
  if (neck)
    for (let i = 0; i < N * N; i++)
      if (neck[i]! > 0) confidence[i] = confidence[i]! * (1 - neck[i]! * (1 - skinness(rgb[i * 3]!, rgb[i * 3 + 1]!, rgb[i * 3 + 2]!, tone, EAR_SKIN_DEFAULTS)));
  mirrorFill(baked, rgb, known, o.mirrorRadius, confidence);
  surfaceFill(model, baked, rgb, confidence, baked.covered, tone, o);
  for (let i = 0; i < N * N; i++) known[i] = confidence[i]! > 0 ? 1 : 0;
  dilateFill(rgb, known, N, o.gutter);
  pushPullFill(rgb, known, N);
  const out = new Uint8Array(N * N * 3);
  for (let i = 0; i < out.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(rgb[i]!)));
  return out;
}

/**
 * Mirror step: each unseen covered texel takes the colour of the seen texel nearest its mirror image
 * (see `mirrorTexels`), and is known from then on.
 */
function mirrorFill(baked: BakedTexture, rgb: Float32Array, known: Uint8Array, radius: number, confidence: Float32Array): void {
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
    confidence[i] = confidence[p]!;
  }
}

/**
 * Grows the known texels of an n × n RGB image outwards by `passes` rings, in place: each unknown
 * texel next to a known one (8-neighbourhood) takes their mean and is known from then on.
 *
 * ```ts
 * dilateFill(rgb, known, 1024, 4);
 * ```
 */
export function dilateFill(rgb: Float32Array, known: Uint8Array, n: number, passes: number): void {
  // A texel a pass fills has a neighbour known when the pass began; after the first pass that is one
  // the previous pass filled (an older one would have filled it then), so later passes visit only the
  // unknown neighbours of the last ring, not every texel — the same texels get the same means.
  let ring: number[] = [];
  const visited = new Int32Array(n * n);
  const next: number[] = [];
  const visit = (i: number) => {
    const x = i % n, y = (i - x) / n;
    let count = 0, r = 0, g = 0, b = 0;
    for (let dy = -1; dy <= 1; dy++) {
      const yy = y + dy;
      if (yy < 0 || yy >= n) continue;
      for (let dx = -1; dx <= 1; dx++) {
        const xx = x + dx;
        if (xx < 0 || xx >= n) continue;
        const j = yy * n + xx;
        if (!known[j]) continue;
        count++;
        (r += rgb[j * 3]!), (g += rgb[j * 3 + 1]!), (b += rgb[j * 3 + 2]!);
      }
    }
    if (!count) return;
    (rgb[i * 3] = r / count), (rgb[i * 3 + 1] = g / count), (rgb[i * 3 + 2] = b / count);
    next.push(i);
  };
  for (let pass = 0; pass < passes; pass++) {
    next.length = 0;
    if (pass === 0) {
      for (let i = 0; i < n * n; i++) if (!known[i]) visit(i);
    } else {
      for (const i of ring) {
        const x = i % n, y = (i - x) / n;
        for (let yy = Math.max(0, y - 1); yy <= Math.min(n - 1, y + 1); yy++) {
          for (let xx = Math.max(0, x - 1); xx <= Math.min(n - 1, x + 1); xx++) {
            const j = yy * n + xx;
            if (known[j] || visited[j] === pass) continue;
            visited[j] = pass;
            visit(j);
          }
        }
      }
    }
    if (!next.length) return;
    // Marked known only after the pass, so each ring reads the previous one alone.
    for (const i of next) known[i] = 1;
    ring = next.slice();
  }
}

/**
 * Push-pull: a pyramid of 2×2 means of the known texels (`mask`); every other texel of the n × n RGB
 * image takes the coarser level's colour, in place. For texels no surface owns (between UV islands):
 * it is blocky by design, and only filtering at the islands' edges ever reads it.
 *
 * ```ts
 * pushPullFill(rgb, known, 1024);
 * ```
 */
export function pushPullFill(rgb: Float32Array, mask: Uint8Array, n: number): void {
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
  pushPullFill(small, smallMask, h);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const i = y * n + x;
      if (mask[i]) continue;
      const j = (y >> 1) * h + (x >> 1);
      (rgb[i * 3] = small[j * 3]!), (rgb[i * 3 + 1] = small[j * 3 + 1]!), (rgb[i * 3 + 2] = small[j * 3 + 2]!);
    }
  }
}
