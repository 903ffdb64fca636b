import type { HeadModel } from '../head-model/head-model';
import { appendFitPoints } from './fit-pin-points';
import type { PhotoObservation } from './fit-photos';
import type { FitPoints } from './fit-points';

/** A profile's silhouette curve as the fitter uses it: samples, their normals, and the model points matched to them. */
export interface SilhouetteTerm {
  /** The curve resampled at even arc length: x, y pairs (pixels). */
  samples: Float64Array;
  /** Unit normal of the curve at each sample, x, y pairs. */
  normals: Float64Array;
  /** Fit-point indices of the model's midline points that may lie on the profile's occluding contour. */
  candidates: Int32Array;
  /** Per sample, the candidate matched to it (re-picked as the fit moves). */
  picks: Int32Array;
  /** Residual weight of one sample (all samples together weigh `curveWeight` landmarks). */
  weight: number;
}

/** Options of {@link profileContourInputs}. */
export interface ProfileContourOptions {
  /** Spacing of the curve's samples as a fraction of its length. */
  spacing: number;
  /** The whole curve's weight in landmarks (each sample weighs √(curveWeight ÷ samples) in residual units). */
  curveWeight: number;
  /** Midline: vertices whose rest |x| is below this fraction of the sellion-to-chin height. */
  midline: number;
  /** Rows of candidates above the sellion and below the chin landmark (fractions of the sellion-to-chin height). */
  above: number;
  below: number;
}

export const PROFILE_CONTOUR_DEFAULTS: ProfileContourOptions = { spacing: 0.015, curveWeight: 12, midline: 0.012, above: 0.15, below: 0.2 };

/**
 * Joins profiles' silhouette curves (`PhotoObservation.silhouette`) to a fit's inputs: the model's
 * midline skin vertices from above the sellion to under the chin are appended to the fit points
 * (as surface pins are), and each profile with a curve gets a {@link SilhouetteTerm}: the fitter
 * then matches the curve to the head's own occluding contour — per iteration, each curve sample to
 * the nearest projected midline vertex, its residual the distance along the curve's normal, so the
 * model's points slide along the curve — instead of holding fixed landmarks to points of the
 * silhouette that no landmark really is (the chin's most forward point, the nose's tip). Photos
 * without a curve, and inputs with none, come back as they are.
 *
 * ```ts
 * const joined = profileContourInputs(model, points, [...frontViews, profileObservation(found.points, { yawDeg, curve: found.curve })]);
 * const fit = fitPhotos(joined.points, joined.observations);
 * ```
 */
export function profileContourInputs(model: HeadModel, pts: FitPoints, observations: readonly PhotoObservation[], options: Partial<ProfileContourOptions> = {}): { points: FitPoints; observations: PhotoObservation[] } {
  const o = { ...PROFILE_CONTOUR_DEFAULTS, ...options };
  if (!observations.some((ob) => ob.silhouette && ob.silhouette.length >= 4)) return { points: pts, observations: [...observations] };
  const verts = midlineVertices(model, pts, o);
  if (!verts.length) throw new Error('profileContourInputs: the head model has no midline vertices between sellion and chin');
  const start = pts.count;
  const points = appendFitPoints(model, pts, verts.map((v) => ({ v: [v, v, v], w: [1, 0, 0] })), false);
  const candidates = Int32Array.from(verts, (_, k) => start + k);
  const out = observations.map((ob): PhotoObservation => {
    const c = ob.silhouette;
    if (!c || c.length < 4) return ob;
    for (let i = 0; i < c.length; i++) if (!Number.isFinite(c[i]!)) throw new Error('profileContourInputs: a silhouette curve has a value that is not finite');
    const { samples, normals } = resampleCurve(c, o.spacing);
    const n = samples.length / 2;
    return { ...ob, silhouetteTerm: { samples, normals, candidates, picks: new Int32Array(n).fill(candidates[0]!), weight: Math.sqrt(o.curveWeight / n) } };
  });
  return { points, observations: out };
}

/**
 * Matches each curve sample to the nearest candidate's projection (`pred`: x, y per fit point);
 * true when a pick changed.
 *
 * ```ts
 * const changed = pickSilhouette(term, cache.pred);
 * ```
 */
export function pickSilhouette(term: SilhouetteTerm, pred: ArrayLike<number>): boolean {
  const { samples, candidates, picks } = term;
  let changed = false;
  for (let s = 0; s < picks.length; s++) {
    const x = samples[s * 2]!, y = samples[s * 2 + 1]!;
    let best = candidates[0]!, bd = Infinity;
    for (const c of candidates) {
      const d = (pred[c * 2]! - x) ** 2 + (pred[c * 2 + 1]! - y) ** 2;
      if (d < bd) (bd = d), (best = c);
    }
    if (picks[s] !== best) (picks[s] = best), (changed = true);
  }
  return changed;
}

/** The model's midline skin vertices from above the sellion to under the chin (rest positions of the mean head). */
function midlineVertices(model: HeadModel, pts: FitPoints, o: ProfileContourOptions): number[] {
  const r = pts.rest, T = model.template;
  const y27 = r[27 * 3 + 1]!, y8 = r[8 * 3 + 1]!;
  const h = Math.hypot(r[27 * 3]! - r[8 * 3]!, y27 - y8, r[27 * 3 + 2]! - r[8 * 3 + 2]!);
  const skip = new Set<number>();
  for (const name of ['eyes', 'mouthInterior', 'teeth', 'lashes', 'eyeSockets']) for (const v of model.regions[name] ?? []) skip.add(v);
  const used = new Uint8Array(model.vertexCount);
  for (const v of model.triangles) used[v] = 1;
  const out: number[] = [];
  for (let v = 0; v < model.vertexCount; v++) {
    const x = T[v * 3]!, y = T[v * 3 + 1]!, z = T[v * 3 + 2]!;
    if (!used[v] || skip.has(v) || Math.abs(x) > o.midline * h) continue;
    if (y > y27 + o.above * h || y < y8 - o.below * h) continue;
    // The face's front half: in front of the chin landmark's depth less half the face's height.
    if (z < r[8 * 3 + 2]! - 0.5 * h) continue;
    out.push(v);
  }
  return out;
}

/** A polyline resampled at even arc length (`spacing` × its length), with unit normals (the tangent turned 90°). */
function resampleCurve(c: ArrayLike<number>, spacing: number): { samples: Float64Array; normals: Float64Array } {
  const n = c.length >> 1;
  const acc = new Float64Array(n);
  for (let i = 1; i < n; i++) acc[i] = acc[i - 1]! + Math.hypot(c[i * 2]! - c[i * 2 - 2]!, c[i * 2 + 1]! - c[i * 2 - 1]!);
  const len = acc[n - 1]!;
  if (!(len > 0)) throw new Error('profileContourInputs: a silhouette curve has no length');
  const m = Math.max(2, Math.round(1 / spacing) + 1);
  const samples = new Float64Array(m * 2), normals = new Float64Array(m * 2);
  let seg = 0;
  for (let k = 0; k < m; k++) {
    const at = (len * k) / (m - 1);
    while (seg < n - 2 && acc[seg + 1]! < at) seg++;
    const a = seg, b = seg + 1, t = (at - acc[a]!) / Math.max(1e-12, acc[b]! - acc[a]!);
    samples[k * 2] = c[a * 2]! + t * (c[b * 2]! - c[a * 2]!);
    samples[k * 2 + 1] = c[a * 2 + 1]! + t * (c[b * 2 + 1]! - c[a * 2 + 1]!);
    // Tangent from the neighbouring vertices (smoother than the one segment).
    const p = Math.max(0, a - 1), q = Math.min(n - 1, b + 1);
    const tx = c[q * 2]! - c[p * 2]!, ty = c[q * 2 + 1]! - c[p * 2 + 1]!, tl = Math.hypot(tx, ty) || 1;
    normals[k * 2] = -ty / tl;
    normals[k * 2 + 1] = tx / tl;
  }
  return { samples, normals };
}
