import { rasterizeUv } from '../geometry/rasterize-uv';
import type { HeadModel } from '../head-model/head-model';
import { HEAD_PART, triangleParts } from '../head-model/triangle-parts';
import { EYE_PROPORTIONS, eyeballs, eyePlace, type EyeColours } from './eye-colours';
import { pushPullFill } from './fill-texture-holes';

export interface EyeTextureOptions {
  /** Texels per side. */
  size: number;
}

export const EYE_TEXTURE_DEFAULTS: EyeTextureOptions = { size: 256 };

/**
 * The eyeballs' albedo texture in the model's UV layout (RGB bytes, size², row 0 at v = 1): every
 * texel of an eye triangle is placed on its eyeball (see `eyePlace`) and painted as an eye — a dark
 * pupil, the person's iris colour lighter towards the pupil with a darker limbal ring, and their
 * sclera, a little darker and warmer towards the back — with soft edges between them. Texels between
 * the UV islands are filled by push-pull so filtering does not bleed black. Drawn from geometry, not
 * from photo pixels: no eyelid or lash is ever projected onto the eye.
 *
 * ```ts
 * const rgb = eyeTexture(model, eyeColours(model, albedo, seen), { size: 256 });
 * ```
 */
export function eyeTexture(model: HeadModel, colours: EyeColours, options: Partial<EyeTextureOptions> = {}): Uint8Array {
  const o = { ...EYE_TEXTURE_DEFAULTS, ...options };
  const N = o.size;
  const rgb = new Float32Array(N * N * 3);
  const known = new Uint8Array(N * N);
  const eyes = eyeballs(model);
  if (!model.uv || eyes.length === 0) {
    for (let i = 0; i < N * N; i++) rgb.set(colours.sclera.map((x) => x * 255), i * 3);
    return Uint8Array.from(rgb, (x) => Math.round(x));
  }
  const parts = triangleParts(model);
  const mask = Uint8Array.from(parts, (p) => (p === HEAD_PART.eyes ? 1 : 0));
  const texels = rasterizeUv(model.uv, N, { triangleMask: mask, grow: 0.01 });
  const tri = model.triangles, P = model.template;
  const { iris: ri, pupil: rp } = EYE_PROPORTIONS;
  const pupil = [0.025, 0.022, 0.02];
  for (let i = 0; i < N * N; i++) {
    const t = texels.triangle[i]!;
    if (t < 0) continue;
    const wb = texels.bary[i * 2]!, wc = texels.bary[i * 2 + 1]!, wa = 1 - wb - wc;
    const a = tri[t * 3]! * 3, b = tri[t * 3 + 1]! * 3, c = tri[t * 3 + 2]! * 3;
    const x = wa * P[a]! + wb * P[b]! + wc * P[c]!, y = wa * P[a + 1]! + wb * P[b + 1]! + wc * P[c + 1]!, z = wa * P[a + 2]! + wb * P[b + 2]! + wc * P[c + 2]!;
    const eye = eyes.length === 1 ? eyes[0]! : x >= 0 ? eyes[0]! : eyes[1]!;
    const { r, front } = eyePlace(eye, x, y, z);
    // Sclera: warmer and darker towards the back of the eye, which shows only between the lids' corners.
    const back = front ? smoothstep(0.6, 1, r) : 1;
    const sclera = colours.sclera.map((s, k) => s * (1 - 0.12 * back) * (k === 0 ? 1 : 1 - 0.06 * back));
    let col = sclera;
    if (front && r < ri + 0.03) {
      // Iris: brighter towards the pupil (the collarette), a dark limbal ring at its edge.
      const f = (r - rp) / (ri - rp);
      const shade = (1.15 - 0.3 * f) * (1 - 0.55 * smoothstep(0.75, 1, f));
      const iris = colours.iris.map((s) => s * shade);
      const toIris = 1 - smoothstep(ri - 0.015, ri + 0.015, r);
      const toPupil = 1 - smoothstep(rp - 0.012, rp + 0.012, r);
      col = [0, 1, 2].map((k) => {
        const ci = iris[k]! * (1 - toPupil) + pupil[k]! * toPupil;
        return sclera[k]! * (1 - toIris) + ci * toIris;
      });
    }
    for (let k = 0; k < 3; k++) rgb[i * 3 + k] = Math.min(255, Math.max(0, col[k]! * 255));
    known[i] = 1;
  }
  pushPullFill(rgb, known, N);
  return Uint8Array.from(rgb, (x) => Math.round(x));
}

function smoothstep(a: number, b: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - a) / (b - a)));
  return t * t * (3 - 2 * t);
}
