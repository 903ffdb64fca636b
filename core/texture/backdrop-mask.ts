import { chamferDistance } from '../geometry/chamfer-distance';
import type { Raster } from '../geometry/rasterize-triangles';
import type { RgbImage } from '../perception/image-warp';
import { type Backdrop, backdropAt } from './plain-backdrop';

export interface BackdropMaskOptions {
  /**
   * Largest colour step (RGB distance, 0…255 units) between the mean colours of neighbouring
   * depth-buffer pixels across which the backdrop region grows. A wall's vignette and the soft
   * shadow a person casts on it change by a few units from one pixel to the next; the edge between
   * the wall and skin, hair or a collar is a step of tens (London p002: 214 → 133 within 8 photo pixels).
   */
  step: number;
  /**
   * How far inside the head model's projected silhouette (metres on the photo's image plane) the
   * region may reach: where a model wider than the person (the starter head's neck) shows the wall
   * beside them. Deeper in, the model covers the person whatever their colour.
   */
  reach: number;
  /** Largest RGB distance from the fitted wall of the border pixels the region grows from (and see `bridge`). */
  seed: number;
  /**
   * Pixels this close to the region (metres on the image plane) join it even across a step when they
   * look like the wall (hue, brightness) and within `bridgeMatch` of the region's pixel nearest them:
   * hair strands over the wall break its smoothness.
   */
  bridge: number;
  /** RGB distance, see `bridge`: wisps over the wall lighten or darken it by 20–30; grey hair beside the lit wall is 50+ off it. */
  bridgeMatch: number;
  /** The darkest the wall is taken to be in the person's shadow, as a fraction of its fitted colour. */
  shadow: number;
  /** The brightest, as a fraction of its fitted colour (a white collar is past it). */
  bright: number;
  /**
   * Largest difference of chromaticity (r, g, b over their sum) from the wall's fitted colour there:
   * shadow darkens a wall but keeps its hue; skin is 0.04+ off a grey wall.
   */
  chroma: number;
}

export const BACKDROP_MASK_DEFAULTS: BackdropMaskOptions = { seed: 20, step: 10, bridge: 0.01, bridgeMatch: 60, reach: 0.03, shadow: 0.6, bright: 1.08, chroma: 0.02 };

/**
 * Per pixel of a view's depth buffer (`photoDepth`): 1 where the photo shows its plain backdrop —
 * the wall as `plainBackdrop` fitted it, or that wall in the person's shadow — found as the region
 * connected to the photo's border through pixels that look like the wall (its hue, 60…108 % of its
 * brightness) and change smoothly from one to the next, growing from the border pixels the head
 * model does not cover into the model's silhouette no deeper than `reach`. Baking leaves those
 * samples to other views and the fill: where a model is wider than the person (the starter head's
 * neck and chin beside London p002's), the three-quarter photos show the wall there — in her shadow
 * too dark for the backdrop's colour test, behind stray hair too broken up for it — de-lit into
 * green-white streaks in the V under the chin. Grey hair or a grey beard at the silhouette is no part
 * of it: nothing smooth connects it to the wall (its edge is a step), the strand `bridge` takes only
 * what matches the wall beside it, and deeper in the head it is out of reach.
 *
 * ```ts
 * const wall = plainBackdrop(photo);
 * const mask = wall && backdropMask(photo, depth, wall, camera.scale); // mask[dy * depth.width + dx]
 * ```
 */
export function backdropMask(photo: RgbImage, depth: Raster, wall: Backdrop, scale: number, options: Partial<BackdropMaskOptions> = {}): Uint8Array {
  const o = { ...BACKDROP_MASK_DEFAULTS, ...options };
  const z = depth.depth;
  if (!z) throw new Error('backdropMask needs a raster with depth (photoDepth)');
  const { width: W, height: H, step: S, originX: ox, originY: oy } = depth;
  // Mean photo colour per depth-buffer pixel (a box average: JPEG noise would otherwise break the wall's smoothness).
  const mean = new Float32Array(W * H * 3), count = new Float32Array(W * H);
  const { width: PW, height: PH, data } = photo;
  const inv = 1 / S;
  for (let y = 0; y < PH; y++) {
    const cy = Math.floor((y + 0.5 - oy) * inv);
    if (cy < 0 || cy >= H) continue;
    for (let x = 0; x < PW; x++) {
      const cx = Math.floor((x + 0.5 - ox) * inv);
      if (cx < 0 || cx >= W) continue;
      const c = cy * W + cx, p = (y * PW + x) * 3;
      mean[c * 3] += data[p]!;
      mean[c * 3 + 1] += data[p + 1]!;
      mean[c * 3 + 2] += data[p + 2]!;
      count[c]++;
    }
  }
  for (let c = 0; c < W * H; c++) {
    const k = count[c]! > 0 ? 1 / count[c]! : 0;
    for (let j = 0; j < 3; j++) mean[c * 3 + j] *= k;
  }
  // Distance (depth-buffer pixels) of covered pixels from the silhouette: 0 outside the model.
  const outside = new Uint8Array(W * H);
  for (let c = 0; c < W * H; c++) outside[c] = z[c]! > -Infinity ? 0 : 1;
  const inside = chamferDistance(outside, W, H);
  const reach = (o.reach * scale) / S;
  const rgb = new Float64Array(3);
  const wallLike = (c: number) => {
    if (!(count[c]! > 0) || inside[c]! > reach) return false;
    backdropAt(wall, ox + ((c % W) + 0.5) * S, oy + (Math.floor(c / W) + 0.5) * S, rgb);
    const r = mean[c * 3]!, g = mean[c * 3 + 1]!, b = mean[c * 3 + 2]!;
    const sw = rgb[0]! + rgb[1]! + rgb[2]!, s = r + g + b;
    if (!(sw > 0) || s < o.shadow * sw || s > o.bright * sw) return false;
    return Math.max(Math.abs(r / s - rgb[0]! / sw), Math.abs(g / s - rgb[1]! / sw), Math.abs(b / s - rgb[2]! / sw)) <= o.chroma;
  };
  const mask = new Uint8Array(W * H);
  const queue = new Int32Array(W * H);
  let head = 0, tail = 0;
  for (let c = 0; c < W * H; c++) {
    const x = c % W, y = (c - x) / W;
    if (!(x === 0 || y === 0 || x === W - 1 || y === H - 1) || !outside[c] || !wallLike(c)) continue;
    // Seeds are the lit wall itself: grey hair or a grey coat at the border is as dark as the shadowed wall.
    if ((mean[c * 3]! - rgb[0]!) ** 2 + (mean[c * 3 + 1]! - rgb[1]!) ** 2 + (mean[c * 3 + 2]! - rgb[2]!) ** 2 > o.seed * o.seed) continue;
    mask[c] = 1;
    queue[tail++] = c;
  }
  const s2 = o.step * o.step;
  const grow = (from: number, to: number) => {
    if (mask[to]) return;
    const dr = mean[to * 3]! - mean[from * 3]!, dg = mean[to * 3 + 1]! - mean[from * 3 + 1]!, db = mean[to * 3 + 2]! - mean[from * 3 + 2]!;
    if (dr * dr + dg * dg + db * db > s2 || !wallLike(to)) return;
    mask[to] = 1;
    queue[tail++] = to;
  };
  while (head < tail) {
    const c = queue[head++]!, x = c % W;
    if (x > 0) grow(c, c - 1);
    if (x + 1 < W) grow(c, c + 1);
    if (c >= W) grow(c, c - W);
    if (c + W < W * H) grow(c, c + W);
  }
  // Stray hair strands over the wall break its smoothness without being skin: pixels within `bridge` of
  // the region (passing through anything) join it when they look like the wall and like the region's
  // pixel they were reached from (London p002's wisps in front of the shadowed wall under her chin,
  // de-lit into green-white streaks in the V). Grey hair beside the lit wall is as grey as its shadow
  // but no match for the wall beside it.
  const bridge = Math.round((o.bridge * scale) / S);
  const from = new Int32Array(W * H).fill(-1), hops = new Uint16Array(W * H);
  head = tail = 0;
  for (let c = 0; c < W * H; c++) if (mask[c]) (from[c] = c), (queue[tail++] = c);
  const m2 = o.bridgeMatch * o.bridgeMatch;
  const reachOut = (c: number, to: number) => {
    if (from[to] >= 0 || inside[to]! > reach) return;
    from[to] = from[c]!;
    hops[to] = hops[c]! + 1;
    const f = from[c]! * 3;
    const dr = mean[to * 3]! - mean[f]!, dg = mean[to * 3 + 1]! - mean[f + 1]!, db = mean[to * 3 + 2]! - mean[f + 2]!;
    if (dr * dr + dg * dg + db * db <= m2 && wallLike(to)) mask[to] = 2;
    if (hops[to]! < bridge) queue[tail++] = to;
  };
  while (head < tail) {
    const c = queue[head++]!, x = c % W;
    if (x > 0) reachOut(c, c - 1);
    if (x + 1 < W) reachOut(c, c + 1);
    if (c >= W) reachOut(c, c - W);
    if (c + W < W * H) reachOut(c, c + W);
  }
  for (let c = 0; c < W * H; c++) if (mask[c]) mask[c] = 1;
  return mask;
}
