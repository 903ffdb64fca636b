import type { HeadModel } from '../head-model/head-model';
import { earRegion, paintedEarRegion } from './ear-region';
import type { TexelSurface } from './surface-fill';

export interface EarSkinOptions {
  /** Luminance relative to the skin tone below which an ear's colour is not skin (hair, the concha's shadow)… */
  darkest: number;
  /** …rising smoothly to fully skin at this ratio. */
  dark: number;
  /** Luminance ratio from which an ear's colour starts to be too bright for skin (the backdrop past a misfit ear)… */
  bright: number;
  /** …and is not skin at all at this ratio. */
  brightest: number;
  /** Chromaticity distance (r, g, b over their sum) from the skin tone's up to which a colour is fully skin… */
  hue: number;
  /** …falling to not skin at this distance (grey, blond or brown hair of a skin-like brightness). */
  hueMax: number;
  /** Most a painted ear's colour is scaled per channel towards the skin tone (see `earSkin`), either way. */
  maxGain: number;
}

export const EAR_SKIN_DEFAULTS: EarSkinOptions = { darkest: 0.55, dark: 0.8, bright: 1.35, brightest: 1.75, hue: 0.025, hueMax: 0.06, maxGain: 2 };

/**
 * Gives the ears (see `earRegion`) the person's ear skin colour: the fitted pinna never lines up with
 * the person's (on ICT-FaceKit it sits ~1–2 cm behind most people's), and the photos see it edge-on,
 * so what they put there is the hair behind or around the ear, the concha's shadow, the backdrop, or
 * the person's ear folds painted where the model's are not (a second ear drawn over the first). The
 * ear's colour is the mean of the region's texels (`known`) that score fully as skin (`skinness`:
 * luminance and chromaticity near the person's skin `tone`; the tone when none does), and every
 * texel of the region takes it in proportion to its membership (1 on the pinna, fading over its
 * root): the ear's folds come from its geometry when rendered, as on a scanned head's albedo. The
 * skin round the pinna, where the person's ear lands instead, is left to the surface fill (see
 * `earSurroundings`). A head without pinnae of its own (the starter head) shows the person's ear
 * only as the photos paint it: there its colour is matched to the skin instead (see
 * `matchPaintedEars`), keeping the painting. In place; returns the texels changed.
 *
 * ```ts
 * const tone = skinTone(rgb, known);
 * earSkin(model, baked, rgb, known, tone);
 * ```
 */
export function earSkin(model: HeadModel, texels: TexelSurface, rgb: Float32Array, known: Uint8Array, tone: readonly [number, number, number], options: Partial<EarSkinOptions> = {}): number {
  const o = { ...EAR_SKIN_DEFAULTS, ...options };
  const ear = earRegion(model);
  if (!ear.some((m) => m > 0)) return matchPaintedEars(model, texels, rgb, known, tone, o);
  const member = texelMembership(model, texels, known, ear);
  if (!member) return 0;
  const N = known.length;
  const ref = [0, 0, 0];
  let n = 0;
  for (let i = 0; i < N; i++) {
    if (!(member[i]! > 0)) continue;
    if (skinness(rgb[i * 3]!, rgb[i * 3 + 1]!, rgb[i * 3 + 2]!, tone, o) < 1) continue;
    for (let c = 0; c < 3; c++) ref[c] += rgb[i * 3 + c]!;
    n++;
  }
  const skin = n ? ref.map((x) => x / n) : [...tone];
  let changed = 0;
  for (let i = 0; i < N; i++) {
    const m = member[i]!;
    if (!(m > 0)) continue;
    const q = 1 - m;
    for (let c = 0; c < 3; c++) rgb[i * 3 + c] = q * rgb[i * 3 + c]! + (1 - q) * skin[c]!;
    changed++;
  }
  return changed;
}

/**
 * Each known texel's membership interpolated from per-vertex `region`; null when none is in it.
 *
 * ```ts
 * const onEar = texelMembership(model, baked, known, earRegion(model));
 * ```
 */
export function texelMembership(model: HeadModel, texels: TexelSurface, known: Uint8Array, region: Float32Array): Float32Array | null {
  const tri = model.triangles, N = known.length;
  const member = new Float32Array(N);
  let any = false;
  for (let i = 0; i < N; i++) {
    const t = texels.triangle[i]!;
    if (t < 0 || !known[i]) continue;
    const wb = texels.bary[i * 2]!, wc = texels.bary[i * 2 + 1]!, wa = 1 - wb - wc;
    const m = wa * region[tri[t * 3]!]! + wb * region[tri[t * 3 + 1]!]! + wc * region[tri[t * 3 + 2]!]!;
    if (m > 0) (member[i] = Math.min(1, m)), (any = true);
  }
  return any ? member : null;
}

/**
 * A painted ear (see `paintedEarRegion`) takes the skin's colour and keeps its painting: the
 * photos' ear, de-lit on a shell that does not stick out like it, comes out paler and pinker than
 * the face. Per vertex, the mean colour of its texels that are skin by brightness (hair is left as it
 * is) gives a gain per channel towards the skin `tone` (at most `maxGain` either way); each such
 * texel is scaled by its triangle's interpolated gains, in proportion to its membership and how
 * much it is skin by brightness — its low frequencies become the skin's, its folds stay.
 */
function matchPaintedEars(model: HeadModel, texels: TexelSurface, rgb: Float32Array, known: Uint8Array, tone: readonly [number, number, number], o: EarSkinOptions): number {
  const member = texelMembership(model, texels, known, paintedEarRegion(model));
  if (!member) return 0;
  const tri = model.triangles, N = known.length, V = model.template.length / 3;
  const light = new Float32Array(N);
  const sum = new Float64Array(V * 3), wsum = new Float64Array(V);
  for (let i = 0; i < N; i++) {
    if (!(member[i]! > 0)) continue;
    light[i] = lightness(rgb[i * 3]!, rgb[i * 3 + 1]!, rgb[i * 3 + 2]!, tone, { ...o, bright: 1e6, brightest: 2e6 });
    if (!(light[i]! > 0)) continue;
    const t = texels.triangle[i]!, wb = texels.bary[i * 2]!, wc = texels.bary[i * 2 + 1]!;
    const w = [Math.max(0, 1 - wb - wc), Math.max(0, wb), Math.max(0, wc)];
    for (let k = 0; k < 3; k++) {
      const v = tri[t * 3 + k]!, wk = w[k]! * light[i]!;
      wsum[v] += wk;
      for (let c = 0; c < 3; c++) sum[v * 3 + c] += wk * rgb[i * 3 + c]!;
    }
  }
  const gain = new Float32Array(V * 3).fill(1);
  for (let v = 0; v < V; v++) {
    if (!(wsum[v]! > 0)) continue;
    for (let c = 0; c < 3; c++) gain[v * 3 + c] = Math.min(o.maxGain, Math.max(1 / o.maxGain, tone[c]! / Math.max(1, sum[v * 3 + c]! / wsum[v]!)));
  }
  let changed = 0;
  for (let i = 0; i < N; i++) {
    const w = member[i]! * light[i]!;
    if (!(w > 0)) continue;
    const t = texels.triangle[i]!, wb = texels.bary[i * 2]!, wc = texels.bary[i * 2 + 1]!, wa = 1 - wb - wc;
    const a = tri[t * 3]! * 3, b = tri[t * 3 + 1]! * 3, c = tri[t * 3 + 2]! * 3;
    for (let k = 0; k < 3; k++) {
      const g = wa * gain[a + k]! + wb * gain[b + k]! + wc * gain[c + k]!;
      rgb[i * 3 + k] = rgb[i * 3 + k]! * (1 + w * (g - 1));
    }
    changed++;
  }
  return changed;
}

/**
 * How much a colour is the person's skin (0…1): near the skin `tone` in luminance (between `dark`
 * and `bright` times its luminance: 1; past `darkest` or `brightest`: 0) and in chromaticity (within
 * `hue`: 1; past `hueMax`: 0), the product of the two, each falling smoothly.
 *
 * ```ts
 * skinness(40, 30, 28, [190, 140, 120], EAR_SKIN_DEFAULTS); // 0: black hair
 * ```
 */
export function skinness(r: number, g: number, b: number, tone: readonly [number, number, number], o: EarSkinOptions): number {
  const light = lightness(r, g, b, tone, o);
  if (!(light > 0)) return 0;
  const s = r + g + b, st = tone[0] + tone[1] + tone[2];
  const dr = r / s - tone[0] / st, db = b / s - tone[2] / st;
  return light * (1 - smooth((Math.hypot(dr, db) - o.hue) / (o.hueMax - o.hue)));
}

/** The luminance half of `skinness`: 1 between `dark` and `bright` times the tone's, 0 past `darkest` or `brightest`. */
function lightness(r: number, g: number, b: number, tone: readonly [number, number, number], o: EarSkinOptions): number {
  const lum = (x: number, y: number, z: number) => 0.2126 * x + 0.7152 * y + 0.0722 * z;
  const ratio = lum(r, g, b) / Math.max(1e-6, lum(tone[0], tone[1], tone[2]));
  return smooth((ratio - o.darkest) / (o.dark - o.darkest)) * (1 - smooth((ratio - o.bright) / (o.brightest - o.bright)));
}

/** Smoothstep of x clamped to [0, 1]. */
function smooth(x: number): number {
  const t = Math.min(1, Math.max(0, x));
  return t * t * (3 - 2 * t);
}
