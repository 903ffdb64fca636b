import type { HeadModel } from '../head-model/head-model';
import { HEAD_PART, triangleParts } from '../head-model/triangle-parts';

/** Sclera and iris albedo (0…1 RGB) of a person's eyes. */
export interface EyeColours {
  sclera: [number, number, number];
  iris: [number, number, number];
}

/** Eyes for a head without photos: a warm white sclera and a mid-brown iris. */
export const DEFAULT_EYE_COLOURS: EyeColours = { sclera: [0.86, 0.83, 0.79], iris: [0.33, 0.22, 0.14] };

/**
 * The eye's proportions relative to the eyeball's radius seen from the front: the iris (limbus) and
 * pupil radii. An adult eyeball is ~12 mm in radius, the iris ~6 mm, the pupil ~2 mm in daylight.
 */
export const EYE_PROPORTIONS = { iris: 0.47, pupil: 0.17 };

/** One eyeball in the template: its centre and radius (from its vertices' bounding box), and its vertices. */
export interface Eyeball {
  center: [number, number, number];
  radius: number;
  vertices: Uint32Array;
}

/**
 * The model's eyeballs: the vertices of its `eyes` triangles, split by side (x > 0 and x < 0), each
 * with the centre and radius of its bounding box. Empty when the model has no eyes. The eyes look
 * along +Z in the template, so a point's distance from the eyeball's Z axis says where it is on the
 * eye (pupil, iris, sclera), whatever the pack's UV layout.
 *
 * ```ts
 * const [left, right] = eyeballs(model);
 * ```
 */
export function eyeballs(model: HeadModel): Eyeball[] {
  const parts = triangleParts(model);
  const P = model.template;
  const sides: Set<number>[] = [new Set(), new Set()];
  for (let t = 0; t < parts.length; t++) {
    if (parts[t] !== HEAD_PART.eyes) continue;
    for (let k = 0; k < 3; k++) {
      const v = model.triangles[t * 3 + k]!;
      sides[P[v * 3]! >= 0 ? 0 : 1]!.add(v);
    }
  }
  return sides.filter((s) => s.size >= 4).map((s) => {
    const vertices = Uint32Array.from(s);
    const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
    for (const v of vertices) for (let k = 0; k < 3; k++) (lo[k] = Math.min(lo[k]!, P[v * 3 + k]!)), (hi[k] = Math.max(hi[k]!, P[v * 3 + k]!));
    const center: [number, number, number] = [(lo[0]! + hi[0]!) / 2, (lo[1]! + hi[1]!) / 2, (lo[2]! + hi[2]!) / 2];
    // Width and height, not depth: a cornea bulges forward of the sphere.
    return { center, radius: Math.max(1e-6, (hi[0]! - lo[0]! + hi[1]! - lo[1]!) / 4), vertices };
  });
}

/** Where a template point lies on an eyeball: its distance from the eye's axis over the radius, and whether it is on the front half. */
export function eyePlace(eye: Eyeball, x: number, y: number, z: number): { r: number; front: boolean } {
  return { r: Math.hypot(x - eye.center[0], y - eye.center[1]) / eye.radius, front: z > eye.center[2] };
}

/**
 * A person's eye colours from the per-vertex albedo of their eyeballs (photos ÷ shading, see
 * `bakeVertexAlbedo`), using only vertices some photo saw (`seen` > 0): the iris is the mean of the
 * darker part (10th…40th percentile of luminance) of the seen iris ring (between pupil and limbus, at
 * the fitted gaze, since the views pose the eyes), the sclera the mean of the brightest 40 % of the
 * seen sclera beside the iris (the rest is lid, lash and shadow). An eye is white-ish whatever the
 * photo: the sclera is lifted to a luminance of at least 0.7 and 70 % desaturated, and the iris kept
 * darker than it. Either falls back to
 * `DEFAULT_EYE_COLOURS` when fewer than 3 of its vertices were seen.
 *
 * ```ts
 * const { albedo, seen } = bakeVertexAlbedo(model, views, wanted);
 * const { sclera, iris } = eyeColours(model, albedo, seen);
 * ```
 */
export function eyeColours(model: HeadModel, albedo: ArrayLike<number>, seen: ArrayLike<number>): EyeColours {
  const iris: number[][] = [], sclera: number[][] = [];
  const P = model.template;
  for (const eye of eyeballs(model)) {
    for (const v of eye.vertices) {
      if (!(seen[v]! > 0)) continue;
      const { r, front } = eyePlace(eye, P[v * 3]!, P[v * 3 + 1]!, P[v * 3 + 2]!);
      if (!front) continue;
      const c = [albedo[v * 3]!, albedo[v * 3 + 1]!, albedo[v * 3 + 2]!];
      if (r > EYE_PROPORTIONS.pupil * 1.3 && r < EYE_PROPORTIONS.iris * 0.9) iris.push(c);
      else if (r > EYE_PROPORTIONS.iris * 1.2 && r < 0.95) sclera.push(c);
    }
  }
  const lum = (c: readonly number[]) => 0.2126 * c[0]! + 0.7152 * c[1]! + 0.0722 * c[2]!;
  let s: [number, number, number] = [...DEFAULT_EYE_COLOURS.sclera];
  if (sclera.length >= 3) {
    const bright = sclera.sort((a, b) => lum(b) - lum(a)).slice(0, Math.max(3, Math.ceil(sclera.length * 0.4)));
    const m = [0, 1, 2].map((k) => bright.reduce((acc, c) => acc + c[k]!, 0) / bright.length);
    const l = lum(m);
    // Mostly grey of the same luminance (lids and blood vessels tint the samples pink), then lifted to at least 0.7.
    const d = m.map((x) => 0.3 * x + 0.7 * l);
    const lift = Math.max(1, 0.7 / Math.max(lum(d), 1e-3));
    s = d.map((x) => Math.min(0.95, x * lift)) as [number, number, number];
  }
  let i: [number, number, number] = [...DEFAULT_EYE_COLOURS.iris];
  if (iris.length >= 3) {
    // The darker part of the ring: an iris is darker than the lid skin and sclera that a fit a little
    // off lets into its samples (the mean of the 10th…40th percentile by luminance).
    const sorted = iris.sort((a, b) => lum(a) - lum(b));
    const band = sorted.slice(Math.floor(sorted.length * 0.1), Math.max(Math.floor(sorted.length * 0.1) + 1, Math.ceil(sorted.length * 0.4)));
    i = [0, 1, 2].map((k) => band.reduce((acc, c) => acc + c[k]!, 0) / band.length) as [number, number, number];
    const cap = 0.6 * lum(s);
    if (lum(i) > cap) i = i.map((x) => (x * cap) / lum(i)) as [number, number, number];
  }
  return { sclera: s, iris: i };
}
