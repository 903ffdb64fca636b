import type { RgbImage } from './image-warp';

/** Options of {@link profileSilhouette} and {@link profileLandmarks}. */
export interface ProfileSilhouetteOptions {
  /** Width of the background strip sampled at the image edge the face looks towards (fraction of the photo's width). */
  backgroundStrip: number;
  /** Smallest colour distance (RGB, 0…441) of a face pixel from its row's background. */
  minContrast: number;
  /** Multiple of the background strip's spread (median absolute deviation) a face pixel must also exceed. */
  noiseFactor: number;
  /** Consecutive pixels above the threshold that make the silhouette's edge (stray hairs and noise are thinner). */
  run: number;
  /** Rows scanned above and below the detector box, as fractions of its height. */
  above: number;
  below: number;
  /** Gaussian smoothing of the silhouette line (σ as a fraction of the box height). */
  smoothing: number;
  /** Least prominence of a bump or notch of the line (fraction of the box height). */
  prominence: number;
  /** Row spacing of the returned silhouette curve (fraction of the box height). */
  curveStep: number;
  /** How far the curve reaches above the sellion, up the forehead (fraction of the box height): its slope holds the head's pitch. */
  curveAbove: number;
  /** How far the curve reaches below the chin landmark, under the chin (fraction of the box height). */
  curveBelow: number;
}

export const PROFILE_SILHOUETTE_DEFAULTS: ProfileSilhouetteOptions = {
  backgroundStrip: 0.04,
  minContrast: 24,
  noiseFactor: 6,
  run: 4,
  above: 0.25,
  below: 0.2,
  smoothing: 0.006,
  prominence: 0.006,
  curveStep: 0.01,
  curveAbove: 0,
  curveBelow: 0,
};

/**
 * The face's profile line: per image row, how far forward (towards the image edge the face looks
 * to) the head stands out from a plain background. `forward[r]` is in pixels from the box's back
 * edge towards the face's front (NaN where the row found no edge); `x(r)` gives the image column.
 */
export interface ProfileLine {
  /** First image row of the line. */
  y0: number;
  /** +1: the face looks towards the image's left; −1: towards its right. */
  facing: 1 | -1;
  forward: Float64Array;
  /** The image column of a forward value. */
  x: (forward: number) => number;
}

/**
 * Scans each row from the image edge the face looks towards to the first run of pixels that differ
 * from that row's background (sampled in a strip at the edge): the head's silhouette against a
 * plain backdrop, as studio profiles have it. Rows whose background strip is not plain (its spread
 * is large) or where nothing stands out stay NaN. Null when too few rows give an edge.
 *
 * ```ts
 * const line = profileSilhouette(image, face.box, face.detectorYaw > 0 ? 1 : -1);
 * ```
 */
export function profileSilhouette(image: RgbImage, box: readonly number[], facing: 1 | -1, options: Partial<ProfileSilhouetteOptions> = {}): ProfileLine | null {
  const o = { ...PROFILE_SILHOUETTE_DEFAULTS, ...options };
  const { width: W, height: H, data } = image;
  const [bx, by, , bh] = box as [number, number, number, number];
  const y0 = Math.max(0, Math.floor(by - o.above * bh)), y1 = Math.min(H - 1, Math.ceil(by + (1 + o.below) * bh));
  const strip = Math.max(4, Math.round(o.backgroundStrip * W));
  // The scan stops at the box's back edge: the face's front is between the image edge and there.
  const back = facing === 1 ? Math.min(W - 1, Math.round(bx + box[2]!)) : Math.max(0, Math.round(bx));
  const raw = new Float64Array(y1 - y0 + 1).fill(NaN);
  const ch = [new Float64Array(strip), new Float64Array(strip), new Float64Array(strip)];
  for (let y = y0; y <= y1; y++) {
    const row = y * W * 3;
    for (let i = 0; i < strip; i++) {
      const x = facing === 1 ? i : W - 1 - i;
      for (let c = 0; c < 3; c++) ch[c]![i] = data[row + x * 3 + c]!;
    }
    const bg = ch.map(median);
    const spread = median(Float64Array.from({ length: strip }, (_, i) => Math.hypot(ch[0]![i]! - bg[0]!, ch[1]![i]! - bg[1]!, ch[2]![i]! - bg[2]!)));
    if (spread > o.minContrast / 3) continue;
    const thr = Math.max(o.minContrast, o.noiseFactor * spread);
    let count = 0;
    const n = Math.abs(back - (facing === 1 ? strip : W - 1 - strip));
    for (let k = 0; k <= n; k++) {
      const x = facing === 1 ? strip + k : W - 1 - strip - k;
      const p = row + x * 3;
      const d = Math.hypot(data[p]! - bg[0]!, data[p + 1]! - bg[1]!, data[p + 2]! - bg[2]!);
      count = d > thr ? count + 1 : 0;
      if (count === o.run) {
        const edge = x - facing * (o.run - 1);
        raw[y - y0] = facing === 1 ? back - edge : edge - back;
        break;
      }
    }
  }
  let found = 0;
  for (const v of raw) if (!Number.isNaN(v)) found++;
  if (found < 0.6 * raw.length) return null;
  const forward = smoothLine(raw, Math.max(1, o.smoothing * bh));
  return { y0, facing, forward, x: (f) => (facing === 1 ? back - f : back + f) };
}

/** The landmarks the profile line shows: (iBUG index, pixel) pairs and the scale they imply. */
export interface ProfileLandmarks {
  /**
   * iBUG-68 indices with their pixels: sellion 27 (the deepest notch between brow and nose; its row
   * is the least certain, the notch being shallow), nose tip 30, subnasale 33, upper lip 51, lower
   * lip 57 (when the line shows it), chin 8.
   */
  points: { landmark: number; x: number; y: number }[];
  /** The outer-eye-corner distance the face's proportions imply (pixels): the fit's landmark noise scale. */
  eyeDistancePx: number;
  /**
   * The silhouette line itself from the sellion to the chin landmark, x, y pairs (pixels) every
   * `curveStep` of the box height: the head model's own occluding contour is matched to it
   * (profile-contour.ts), where the six points above name only a few places of it.
   */
  curve: number[];
}

/** Slope (forward pixels lost per row) at which the line under the chin marks the chin landmark: 60° from the vertical. */
const CHIN_SLOPE = Math.sqrt(3);

/**
 * Outer-eye-corner distance ÷ sellion (27) to chin (8) height of an average adult face (≈ 95 mm ÷ 120 mm):
 * a profile's landmark scale, where the eye distance itself is not seen.
 */
export const EYE_TO_FACE_HEIGHT = 0.78;

/**
 * The midline landmarks of a profile read off its silhouette line: the nose tip is the line's most
 * forward point in the box's middle, the sellion the deepest notch above it; the chin landmark
 * (iBUG 8, under the chin) is where the line, below the mouth, turns back towards the neck at 60°;
 * between them the line alternates notch and bump: subnasale, upper lip, (mouth, lower lip,)
 * (mentolabial fold, the chin's bump). Null when the line does not show that sequence.
 *
 * ```ts
 * const found = profileLandmarks(image, face.box, face.detectorYaw > 0 ? 1 : -1);
 * ```
 */
export function profileLandmarks(image: RgbImage, box: readonly number[], facing: 1 | -1, options: Partial<ProfileSilhouetteOptions> = {}): ProfileLandmarks | null {
  const o = { ...PROFILE_SILHOUETTE_DEFAULTS, ...options };
  const line = profileSilhouette(image, box, facing, o);
  if (!line) return null;
  const f = line.forward, bh = box[3]!, by = box[1]!;
  const row = (y: number) => Math.round(y - line.y0);
  const at = (r: number) => ({ x: line.x(f[r]!), y: line.y0 + r });
  const argExt = (a: number, b: number, sign: 1 | -1): number => {
    let best = -1;
    for (let r = Math.max(0, a); r <= Math.min(f.length - 1, b); r++) if (!Number.isNaN(f[r]!) && (best < 0 || sign * (f[r]! - f[best]!) > 0)) best = r;
    return best;
  };
  const nose = argExt(row(by + 0.2 * bh), row(by + 0.75 * bh), 1);
  if (nose < 0) return null;
  const sellion = argExt(nose - Math.round(0.4 * bh), nose - Math.round(0.1 * bh), -1);
  // The chin landmark: where the line, below the mouth, turns back towards the neck at 60° or more.
  const win = Math.max(2, Math.round(0.02 * bh));
  let chin = -1;
  // The lower lip's underside turns back as steeply, but the line comes forward again to the chin;
  // under the chin it keeps going back (≥ 0.15 of the box height within 0.1 of it).
  const reach = Math.round(0.1 * bh);
  for (let r = nose + Math.round(0.25 * bh); r + reach < f.length; r++) {
    if (Number.isNaN(f[r + reach]!)) break;
    if ((f[r]! - f[r + win]!) / win < CHIN_SLOPE) continue;
    let ahead = -Infinity;
    for (let k = win; k <= reach; k++) ahead = Math.max(ahead, f[r + k]!);
    if (ahead < f[r]! && f[r]! - f[r + reach]! >= 0.15 * bh) {
      chin = r;
      break;
    }
  }
  if (chin < 0 || sellion < 0) return null;
  // Between nose and chin the line alternates notch and bump: subnasale, upper lip, (mouth, lower
  // lip,) (mentolabial fold, chin's bump). A bump within 0.15 of the box height above the chin landmark is the chin's own.
  const ext = extremaBelow(f, nose, chin, o.prominence * bh);
  if (ext.length < 2 || ext[0]!.kind !== -1 || ext[1]!.kind !== 1) return null;
  const subnasale = ext[0]!.r, upperLip = ext[1]!.r;
  const lower = ext.slice(2).find((e) => e.kind === 1 && e.r < chin - 0.15 * bh);
  // iBUG 57 is the lower lip's lower edge: below its most forward point, where the line turns back at 45°.
  let lowerLip = -1;
  if (lower) for (let r = lower.r; r + win < chin; r++) if ((f[r]! - f[r + win]!) / win >= 1) {
    lowerLip = r;
    break;
  }
  const points = [
    { landmark: 27, ...at(sellion) },
    { landmark: 30, ...at(nose) },
    { landmark: 33, ...at(subnasale) },
    { landmark: 51, ...at(upperLip) },
    ...(lowerLip >= 0 ? [{ landmark: 57, ...at(lowerLip) }] : []),
    { landmark: 8, ...at(chin) },
  ];
  const curve: number[] = [];
  const step = Math.max(1, Math.round(o.curveStep * bh));
  const top = Math.max(0, sellion - Math.round(((sellion - Math.max(0, sellion - Math.round(o.curveAbove * bh))) / step)) * step);
  const bottom = Math.min(f.length - 1, chin + Math.round(o.curveBelow * bh));
  for (let r = top; r <= bottom; r += step) if (!Number.isNaN(f[r]!)) curve.push(line.x(f[r]!), line.y0 + r);
  return { points, eyeDistancePx: EYE_TO_FACE_HEIGHT * Math.hypot(f[chin]! - f[sellion]!, chin - sellion), curve };
}

/** Alternating local minima (−1) and maxima (+1) of f on (a, b] with at least `prom` between neighbours. */
function extremaBelow(f: Float64Array, a: number, b: number, prom: number): { r: number; kind: 1 | -1 }[] {
  const out: { r: number; kind: 1 | -1 }[] = [];
  // Zig-zag: follow the line from the nose tip (a maximum), switching direction after a retreat of prom.
  let kind: 1 | -1 = -1, best = a, start = f[a]!;
  for (let r = a + 1; r <= b; r++) {
    const v = f[r]!;
    if (Number.isNaN(v)) break;
    if (kind * (v - f[best]!) > 0) best = r;
    else if (kind * (f[best]! - v) >= prom && Math.abs(f[best]! - start) >= prom) {
      out.push({ r: best, kind });
      start = f[best]!;
      kind = kind === 1 ? -1 : 1;
      best = r;
    }
  }
  return out;
}

function median(a: Float64Array): number {
  const s = Float64Array.from(a).sort();
  return s[s.length >> 1]!;
}

/** NaN-aware Gaussian smoothing (NaNs stay NaN, neighbours of a gap are averaged over what is there). */
function smoothLine(v: Float64Array, sigma: number): Float64Array {
  const R = Math.ceil(3 * sigma), w = Array.from({ length: 2 * R + 1 }, (_, k) => Math.exp(-((k - R) ** 2) / (2 * sigma * sigma)));
  return Float64Array.from(v, (x, i) => {
    if (Number.isNaN(x)) return NaN;
    let s = 0, sw = 0;
    for (let k = -R; k <= R; k++) {
      const u = v[i + k];
      if (u === undefined || Number.isNaN(u)) continue;
      s += w[k + R]! * u;
      sw += w[k + R]!;
    }
    return s / sw;
  });
}
