import type { Point2, Point3 } from './face-crops';
import type { RgbImage } from './image-warp';

/** Options of {@link measureMouthOpening}. */
export interface MouthOpeningOptions {
  /** Half-width of the band sampled about the mouth's midline, as a fraction of the outer-corner distance (48–54). */
  bandHalfWidth: number;
  /** Sampling step along the band's rows and columns (pixels), at least … */
  step: number;
  /** … the outer-eye-corner distance over this. */
  samplesPerEye: number;
  /** A pixel is cavity-dark below this fraction of the lips' median brightness. */
  darkFraction: number;
  /** A pixel is tooth-white above this multiple of the lips' median brightness … */
  toothBrightness: number;
  /** … and below this fraction of their median saturation. */
  toothSaturation: number;
  /** Lips greyer than this (median saturation of the lower-lip strip) cannot be told from teeth by colour: nothing is measured (a near-monochrome photo). */
  minLipSaturation: number;
  /** A row holds teeth (or cavity) when at least this fraction of its band pixels are. */
  rowFraction: number;
  /** The landmarks' lips must already be apart (62↔66) by this fraction of the outer-eye-corner distance. */
  minGap: number;
  /** Rows of cavity-dark pixels inside the landmarks' gap needed to call the mouth open (fraction of the eye distance). */
  minCavity: number;
  /**
   * The lower inner lip moves only when its edge lies at least this far (fraction of the eye distance)
   * below it: beyond the nets' usual error (0.03–0.04 of it on the mouth), so a lip already on the
   * teeth's edge stays (ICT renders of an open jaw and a funnel: 0.02).
   */
  minShift: number;
  /** The teeth's shadow line under the lowest tooth row is looked for within this fraction of the eye distance. */
  maxShadow: number;
  /** Thickness of the lower-lip strip above the outer lower lip (57) that gives the lip's colour and is kept as lip, as a fraction of the eye distance. */
  minLipThickness: number;
}

export const MOUTH_OPENING_DEFAULTS: MouthOpeningOptions = {
  bandHalfWidth: 0.15,
  step: 0.5,
  samplesPerEye: 370,
  darkFraction: 0.7,
  toothBrightness: 1.15,
  toothSaturation: 0.7,
  minLipSaturation: 0.25,
  rowFraction: 0.3,
  minGap: 0.05,
  minCavity: 0.02,
  minShift: 0.04,
  maxShadow: 0.02,
  minLipThickness: 0.015,
};

/** What {@link measureMouthOpening} read on the image. */
export interface MouthOpening {
  /** The landmarks' inner-lip gap (62↔66 along the mouth's vertical), pixels. */
  landmarkGap: number;
  /** The gap from the upper inner lip (62) to the lower lip's inner edge found on the image (below the lowest teeth), pixels; equals `landmarkGap` when nothing was found. */
  measuredGap: number;
  /** How far the lower inner lip moves down (pixels along the mouth's vertical); 0 when it stays. */
  shift: number;
}

/**
 * FaceMesh's lower lip rings from corner to corner, inner to outer (MediaPipe's `lipsLowerInner`,
 * `lipsLowerSemiInner`, `lipsLowerSemiOuter`; the outer ring stays), each with the share of the
 * inner lip's shift it takes: the rings between keep their even spacing across the thinner lip.
 */
const MESH_LOWER_RINGS: readonly { ring: readonly number[]; share: number }[] = [
  { ring: [78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308], share: 1 },
  { ring: [62, 96, 89, 179, 86, 15, 316, 403, 319, 325, 292], share: 2 / 3 },
  { ring: [76, 77, 90, 180, 85, 16, 315, 404, 320, 307, 306], share: 1 / 3 },
];

/**
 * The mouth's opening read from the image: on an open mouth whose lower teeth show, the 68-point net
 * and FaceMesh both put the lower inner lip (66) on the tongue or the teeth, not below them (the
 * surprised santa photo: gap 12.6 px where the lip lies 31 px below the upper one). In a band about
 * the midline, between the landmarks' lower inner (66) and outer (57) lip, rows that are mostly
 * tooth-white (brighter and greyer than the lips' median) mark teeth; the lower lip's inner edge lies
 * below the lowest. It only acts on a mouth that is clearly open: the landmarks' lips already apart and
 * a run of cavity-dark rows between them. Closed mouths (no cavity) and smiles whose inner lip already
 * lies below the teeth are left alone (shift 0).
 *
 * ```ts
 * const m = measureMouthOpening(image, landmarks68);
 * if (m.shift > 0) landmarks68 = openLowerLip(landmarks68, mesh468, m.shift).landmarks68;
 * ```
 */
export function measureMouthOpening(image: RgbImage, lm68: readonly Point2[], options: Partial<MouthOpeningOptions> = {}): MouthOpening {
  if (lm68.length !== 68) throw new Error(`measureMouthOpening: expected 68 landmarks, got ${lm68.length}`);
  const o = { ...MOUTH_OPENING_DEFAULTS, ...options };
  const eye = dist(lm68[36]!, lm68[45]!);
  const { u, v } = mouthFrame(lm68);
  const centre: Point2 = mid(lm68[62]!, lm68[66]!);
  const along = (p: Point2) => (p[0] - centre[0]) * v[0] + (p[1] - centre[1]) * v[1];
  const t62 = along(lm68[62]!), t66 = along(lm68[66]!), t51 = along(lm68[51]!), t57 = along(lm68[57]!);
  const landmarkGap = t66 - t62;
  const none: MouthOpening = { landmarkGap, measuredGap: landmarkGap, shift: 0 };
  if (!(eye > 0) || landmarkGap < o.minGap * eye || t57 <= t66) return none;

  const half = o.bandHalfWidth * dist(lm68[48]!, lm68[54]!);
  // Coarser on large faces, so the band holds a bounded number of samples (~60 × 120).
  const step = Math.max(o.step, eye / o.samplesPerEye);
  const rows: { t: number; L: number[]; S: number[] }[] = [];
  for (let t = t51; t <= t57; t += step) {
    const L: number[] = [], S: number[] = [];
    for (let s = -half; s <= half; s += step) {
      const px = sample(image, centre[0] + s * u[0] + t * v[0], centre[1] + s * u[1] + t * v[1]);
      if (!px) continue;
      const mx = Math.max(px[0], px[1], px[2]), mn = Math.min(px[0], px[1], px[2]);
      L.push((px[0] + px[1] + px[2]) / 3);
      S.push(mx > 0 ? (mx - mn) / mx : 0);
    }
    if (L.length) rows.push({ t, L, S });
  }
  if (!rows.length) return none;
  // The lower lip's own colour, from the strip just above its outer edge (57): teeth are brighter and greyer.
  const limit = t57 - o.minLipThickness * eye;
  const lip = rows.filter((r) => r.t > limit);
  if (!lip.length) return none;
  const Lref = median(lip.flatMap((r) => r.L)), Sref = median(lip.flatMap((r) => r.S));
  if (Sref < o.minLipSaturation) return none;

  // A clearly open mouth: cavity-dark rows between the landmarks' inner lips.
  const frac = (r: (typeof rows)[number], f: (i: number) => boolean) => r.L.filter((_, i) => f(i)).length / r.L.length;
  const darkRows = rows.filter((r) => r.t >= t62 && r.t <= t66 && frac(r, (i) => r.L[i]! < o.darkFraction * Lref) >= o.rowFraction).length;
  if (darkRows * step < o.minCavity * eye) return none;

  // The lowest tooth row below the landmarks' lower inner lip, above the lower lip's strip.
  let lowest = -Infinity;
  for (const r of rows) {
    if (r.t <= t66 || r.t > limit) continue;
    if (frac(r, (i) => r.L[i]! > o.toothBrightness * Lref && r.S[i]! < o.toothSaturation * Sref) >= o.rowFraction) lowest = r.t;
  }
  if (lowest === -Infinity) return none;
  // The teeth meet the lip at a darker line (their lower edge's shadow, the gum): down from the
  // lowest tooth row while the rows darken, to the first row lighter than the one above. Only this
  // valley, and no further than `maxShadow`: the lip's own shading may darken towards its outer edge.
  let edge = lowest, previous = Infinity;
  for (const r of rows) {
    if (r.t <= lowest) continue;
    const L = median(r.L);
    if (r.t > limit || r.t > lowest + o.maxShadow * eye || L > previous) break;
    (previous = L), (edge = r.t);
  }
  const shift = edge - t66;
  if (!(shift >= o.minShift * eye)) return none;
  return { landmarkGap, measuredGap: edge - t62, shift };
}

/**
 * Moves the lower inner lip down by `shift` pixels along the mouth's vertical: 66 by all of it, the
 * other points by an ellipse's height over the corner-to-corner line (the corners, 60/64 and
 * FaceMesh's 78/308, stay). The 68 landmarks and FaceMesh's lower lip rings move alike (the outer ones
 * by less), so the two cues the fit uses agree. Returns new arrays; the inputs are not changed.
 *
 * ```ts
 * const { landmarks68, mesh468 } = openLowerLip(lm, mesh, 12);
 * ```
 */
export function openLowerLip(lm68: readonly Point2[], mesh468: readonly Point3[] | null, shift: number): { landmarks68: Point2[]; mesh468: Point3[] | null } {
  const { v } = mouthFrame(lm68);
  const landmarks68 = lm68.map((p): Point2 => [p[0], p[1]]);
  const moveAlong = (p: number[], a: readonly number[], b: readonly number[], share = 1) => {
    const ab = [b[0]! - a[0]!, b[1]! - a[1]!], len2 = ab[0]! ** 2 + ab[1]! ** 2;
    const x = len2 > 0 ? ((p[0]! - a[0]!) * ab[0]! + (p[1]! - a[1]!) * ab[1]!) / len2 : 0.5;
    const k = Math.sqrt(Math.max(0, 1 - (2 * x - 1) ** 2));
    p[0] = p[0]! + v[0] * shift * share * k;
    p[1] = p[1]! + v[1] * shift * share * k;
  };
  for (const i of [65, 66, 67]) moveAlong(landmarks68[i]!, lm68[60]!, lm68[64]!);
  let mesh: Point3[] | null = null;
  if (mesh468 && mesh468.length >= 468) {
    mesh = mesh468.map((p) => [...p] as Point3);
    for (const { ring, share } of MESH_LOWER_RINGS) {
      const a = mesh468[ring[0]!]!, b = mesh468[ring[ring.length - 1]!]!;
      for (const i of ring.slice(1, -1)) moveAlong(mesh[i]!, a, b, share);
    }
  }
  return { landmarks68, mesh468: mesh ?? (mesh468 ? mesh468.map((p) => [...p] as Point3) : null) };
}

/**
 * The landmarks with the lower inner lip where the image shows it: {@link measureMouthOpening}, then
 * {@link openLowerLip} when it found the lip below the landmarks'. Closed mouths and smiles come
 * back unchanged (copies of the same values), with `mouth.shift` 0.
 *
 * ```ts
 * const { landmarks68, mesh468, mouth } = openMouthFromImage(pyramid[0], refined68, mesh);
 * ```
 */
export function openMouthFromImage(image: RgbImage, lm68: readonly Point2[], mesh468: readonly Point3[] | null, options: Partial<MouthOpeningOptions> = {}): { landmarks68: Point2[]; mesh468: Point3[] | null; mouth: MouthOpening } {
  const mouth = measureMouthOpening(image, lm68, options);
  if (mouth.shift > 0) return { ...openLowerLip(lm68, mesh468, mouth.shift), mouth };
  return { landmarks68: lm68.map((p): Point2 => [p[0], p[1]]), mesh468: mesh468 ? mesh468.map((p) => [...p] as Point3) : null, mouth };
}

/** The mouth's axes: u from corner 48 to 54, v perpendicular to it, pointing down the face. */
function mouthFrame(lm68: readonly Point2[]): { u: Point2; v: Point2 } {
  const a = lm68[48]!, b = lm68[54]!;
  const w = dist(a, b) || 1;
  const u: Point2 = [(b[0] - a[0]) / w, (b[1] - a[1]) / w];
  return { u, v: [-u[1], u[0]] };
}

/** Bilinear RGB at a continuous position (pixel centres at +0.5); null outside the image. */
function sample(img: RgbImage, x: number, y: number): [number, number, number] | null {
  const fx = x - 0.5, fy = y - 0.5;
  const x0 = Math.floor(fx), y0 = Math.floor(fy);
  if (x0 < 0 || y0 < 0 || x0 + 1 >= img.width || y0 + 1 >= img.height) return null;
  const ax = fx - x0, ay = fy - y0;
  const out: [number, number, number] = [0, 0, 0];
  for (let c = 0; c < 3; c++) {
    const at = (xx: number, yy: number) => img.data[(yy * img.width + xx) * 3 + c]!;
    out[c] = (at(x0, y0) * (1 - ax) + at(x0 + 1, y0) * ax) * (1 - ay) + (at(x0, y0 + 1) * (1 - ax) + at(x0 + 1, y0 + 1) * ax) * ay;
  }
  return out;
}

const dist = (p: readonly number[], q: readonly number[]) => Math.hypot(p[0]! - q[0]!, p[1]! - q[1]!);
const mid = (p: readonly number[], q: readonly number[]): Point2 => [(p[0]! + q[0]!) / 2, (p[1]! + q[1]!) / 2];

function median(xs: number[]): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}
