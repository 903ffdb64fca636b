import { addGramBlock, EYELID_PAIRS, GRAM_PAIRS, type FitTables } from './fit-gram';
import { LOCAL_FIXED, type PhotoState } from './fit-linearize';
import { addMoments, createMomentScratch, observedMoments, type MomentScratch } from './fit-moments';
import type { FitPoints } from './fit-points';
import { createBetaCache, frameOf, projectCached, type BetaCache, type PhotoCache } from './fit-project';
import { pivotTerms, pointRows, rigidEntries, singleRow, type RowSource } from './fit-rows';
import type { FitPins } from './fit-pin-points';
import type { SilhouetteTerm } from './profile-contour';
import { addProducts, addTransposedProduct } from './normal-kernels';
import { photometricPointIndices, photometricResiduals, type PhotometricObservation } from './photometric-term';
export { createPhotoCache, type PhotoCache } from './fit-project';
export type { FitTables } from './fit-gram';

/** What one photo contributes to the fit's data terms. */
export interface PhotoTerms {
  /** 68 landmarks, x, y pairs (photo pixels). */
  landmarks: ArrayLike<number>;
  /** FaceMesh's 468 points, used when `useDense`. */
  mesh: ArrayLike<number> | null | undefined;
  /** The photometric term (full stage only). */
  photometric: PhotometricObservation | null | undefined;
  /** Landmark noise in pixels: residuals are divided by it. */
  sigma: number;
  useDense: boolean;
  /** Point per jaw-contour landmark 0…16 and its weight. */
  picks: Int32Array;
  contourWeights: Float64Array;
  /** The artist's pins (pinned landmarks' pixels are in `landmarks`); none when absent. */
  pins?: FitPins | null;
  /** 68 flags, 1 where the landmark is observed; the others cost nothing (no eyelid or dense terms then). Null: all observed. */
  mask?: Uint8Array | null;
  /** A profile's silhouette curve and the contour points matched to it (point-to-curve rows, both stages). */
  silhouette?: SilhouetteTerm | null;
  /** The photo's projections and observed moments, reused between calls (`createPhotoCache`). */
  cache: PhotoCache;
}

/** The robust loss and term weights of {@link photoNormalEquations} (as in `FitOptions`). */
export interface PhotoTermWeights {
  huber: number;
  denseWeight: number;
  eyelidWeight: number;
  /** Residual weight of a pin relative to a landmark (no robust loss); {@link PIN_WEIGHT} when absent. */
  pinWeight?: number;
}

/** Default residual weight of a pin: a pin 1 σ off costs as much as 100 landmarks 1 σ off. */
export const PIN_WEIGHT = 10;

/** A photo's normal equations over its local columns (C×C, upper triangle, and gradient). */
export interface PhotoNormal {
  H: Float64Array;
  g: Float64Array;
}

/** Reusable buffers of {@link photoNormalEquations} for one point set (one fit: the β cache is shared by its photos). */
export interface NormalScratch {
  columns: number;
  beta: BetaCache;
  moments: MomentScratch;
  /** Per landmark / dense term: point, scale s, scaled residuals, Huber weight. */
  termPoint: Int32Array;
  termScale: Float64Array;
  termRu: Float64Array;
  termRv: Float64Array;
  termOmega: Float64Array;
  /** Photometric residual, weight, gx, gy per visible point. */
  photo: Float64Array;
  /** Explicit rows (column-major), their weights and weight·residual. */
  J: Float64Array;
  w: Float64Array;
  e: Float64Array;
  pu: Float64Array;
  pv: Float64Array;
  coef: Float64Array;
}

/**
 * Buffers for a point set.
 *
 * ```ts
 * const scratch = createNormalScratch(points);
 * ```
 */
export function createNormalScratch(pts: FitPoints): NormalScratch {
  const K = pts.expressionCount + pts.shapeCount, C = LOCAL_FIXED + K;
  const terms = 68 + pts.denseCount + pts.pinCount;
  const rows = 2 * terms + pts.photometricCount;
  return {
    columns: C, beta: createBetaCache(pts), moments: createMomentScratch(K, pts.shapeCount),
    termPoint: new Int32Array(terms), termScale: new Float64Array(terms), termRu: new Float64Array(terms), termRv: new Float64Array(terms), termOmega: new Float64Array(terms),
    photo: new Float64Array(pts.photometricCount * 4),
    J: new Float64Array(C * rows), w: new Float64Array(rows), e: new Float64Array(rows),
    pu: new Float64Array(K), pv: new Float64Array(K), coef: new Float64Array(GRAM_PAIRS.length),
  };
}

const ju9 = new Float64Array(9), jv9 = new Float64Array(9), jb9 = new Float64Array(9);

/**
 * Robust cost of one photo's data terms (landmarks with the jaw contour's picks and weights,
 * eyelid distances, dense points, photometric points) and, with `out`, adds their normal equations
 * over the photo's local columns — rotation δ, log scale, tx, ty, jaw δ, ψ, β — to out.H (upper
 * triangle) and out.g.
 *
 * The rigid stage forms only the first nine columns (the others are not solved for), from rows.
 * In the full stage the fixed sets — landmarks 17…67, dense points, eyelid pairs — are summed as
 * if every Huber weight were 1: their model block from the Gram tables, their rigid/jaw × model
 * block and model gradient from moments (fit-moments.ts), their 9×9 block and rigid gradient per
 * row; each outlier then adds its row with weight ω − 1. The jaw contour's rows and the
 * photometric rows are formed as a row block and multiplied out. Pins: a pinned landmark keeps its
 * place in the fixed sets and adds its row with weight W² − 1 (W = pinWeight, no robust loss); a
 * pinned surface point adds its rows with weight W², in both stages. `tables` must come from
 * `combineGram` with the same dense and eyelid weights as `o`.
 *
 * ```ts
 * const cost = photoNormalEquations(points, tables, beta, state, terms, 'full', o, { H, g }, scratch);
 * ```
 */
export function photoNormalEquations(
  pts: FitPoints,
  tables: FitTables | null,
  beta: Float64Array,
  st: PhotoState,
  terms: PhotoTerms,
  stage: 'rigid' | 'full',
  o: PhotoTermWeights,
  out: PhotoNormal | null,
  sc: NormalScratch,
): number {
  const full = stage === 'full';
  const dense = full && terms.useDense;
  const mask = terms.mask ?? null;
  const eyelids = full && o.eyelidWeight > 0 && !mask;
  const photometric = full ? terms.photometric : null;
  const picks = terms.picks, sigma = terms.sigma, L = terms.landmarks, pc = terms.cache;
  const pins = terms.pins ?? null, pinned = pins?.landmarks ?? null;
  const nFixed = 68 + (dense ? pts.denseCount : 0);
  const nTerms = nFixed + (pins ? pins.points.length : 0);
  let which = new Int32Array(nTerms + (photometric ? photometric.points.length : 0));
  for (let l = 0; l < 68; l++) which[l] = l < 17 ? picks[l]! : l;
  for (let m = 68; m < nFixed; m++) which[m] = pts.denseStart + m - 68;
  if (pins) which.set(pins.points, nFixed);
  if (photometric) which.set(photometricPointIndices(pts, photometric), nTerms);
  const sil = terms.silhouette ?? null, nSil = sil ? sil.picks.length : 0;
  const nPhoto = photometric ? photometric.points.length : 0;
  const silAt = nTerms + nPhoto;
  if (sil) {
    const w2 = new Int32Array(silAt + nSil);
    w2.set(which);
    w2.set(sil.picks, silAt);
    which = w2;
  }
  const fr = frameOf(pts, beta, st);
  projectCached(pts, beta, st, fr, which, pc, sc.beta);

  // Residuals and Huber weights, summed in the order the terms are listed above.
  const P = pc.pred;
  let cost = 0, outliers = 0;
  const W2 = (o.pinWeight ?? PIN_WEIGHT) ** 2;
  const term = (t: number, ox: number, oy: number, w: number, pin: boolean) => {
    const p = which[t]!, s = (w || 1) / sigma;
    const ru = (P[p * 2]! - ox) * s, rv = (P[p * 2 + 1]! - oy) * s;
    const e2 = ru * ru + rv * rv, e = Math.sqrt(e2);
    // An unobserved landmark (w = 0) costs nothing: weight 0, so in the full stage its Gram-table
    // share is taken back by its row at weight −1, as an outlier's excess is.
    const omega = w === 0 ? 0 : pin ? W2 : e <= o.huber ? 1 : o.huber / e;
    if (w !== 0) cost += pin ? W2 * e2 : e <= o.huber ? e2 : 2 * o.huber * e - o.huber * o.huber;
    sc.termPoint[t] = p, sc.termScale[t] = s, sc.termRu[t] = ru, sc.termRv[t] = rv, sc.termOmega[t] = omega;
    if (omega !== 1 && t >= 17 && t < nFixed) outliers++;
  };
  for (let l = 0; l < 68; l++) {
    const pin = !!pinned && pinned[l] === 1;
    const seen = !mask || mask[l] === 1 || pin;
    term(l, L[l * 2]!, L[l * 2 + 1]!, !seen ? 0 : l < 17 && !pin ? terms.contourWeights[l]! : 1, pin);
  }
  const se = o.eyelidWeight / sigma;
  const lid = (k: number, d: number) => {
    const [a, b] = EYELID_PAIRS[k]!;
    return (P[a * 2 + d]! - P[b * 2 + d]! - (L[a * 2 + d]! - L[b * 2 + d]!)) * se;
  };
  if (eyelids) for (let k = 0; k < EYELID_PAIRS.length; k++) for (let d = 0; d < 2; d++) cost += lid(k, d) ** 2;
  const mesh = terms.mesh!;
  for (let m = 0; m < nFixed - 68; m++) term(68 + m, mesh[m * 2]!, mesh[m * 2 + 1]!, o.denseWeight, false);
  for (let q = 0; q < nTerms - nFixed; q++) term(nFixed + q, pins!.xy[q * 2]!, pins!.xy[q * 2 + 1]!, 1, true);
  if (photometric) cost += photometricResiduals(pts, photometric, P, o.huber, out ? sc.photo : null);
  // The silhouette: each sample's matched point's distance along the curve's normal (the point slides along it).
  const silRes = sil ? new Float64Array(nSil * 2) : null;
  for (let q = 0; q < nSil; q++) {
    const p = which[silAt + q]!;
    const r = ((P[p * 2]! - sil!.samples[q * 2]!) * sil!.normals[q * 2]! + (P[p * 2 + 1]! - sil!.samples[q * 2 + 1]!) * sil!.normals[q * 2 + 1]!) / sigma;
    const e = Math.abs(r), huber = o.huber;
    cost += sil!.weight ** 2 * (e <= huber ? r * r : 2 * huber * e - huber * huber);
    silRes![q * 2] = sil!.weight * r;
    silRes![q * 2 + 1] = sil!.weight ** 2 * (e <= huber ? 1 : huber / e);
  }
  if (!out) return cost;

  // Row block: in the rigid stage every landmark row; in the full stage the jaw contour's rows,
  // the fixed sets' outliers and pinned landmarks (weight ω − 1); then the surface pins' and the
  // photometric rows.
  const { H, g } = out, Cl = sc.columns;
  const C = full ? Cl : LOCAL_FIXED;
  const n = 2 * ((full ? 17 + outliers : 68) + nTerms - nFixed) + (photometric ? photometric.points.length : 0) + nSil;
  if (sc.J.length < Cl * n) (sc.J = new Float64Array(Cl * n)), (sc.w = new Float64Array(n)), (sc.e = new Float64Array(n));
  const { J, w: wt, e } = sc;
  if (full) pivotTerms(pts, fr, sc.pu, sc.pv);
  const src: RowSource = { fr, posed: pc.posed, offset: pc.offset, pu: sc.pu, pv: sc.pv };
  let r = 0;
  for (let t = 0; t < nTerms; t++) {
    const omega = sc.termOmega[t]!, fixed = full && t >= 17 && t < nFixed;
    if (fixed && omega === 1) continue;
    const w = fixed ? omega - 1 : omega;
    pointRows(pts, src, sc.termPoint[t]!, sc.termScale[t]!, J, n, r, C);
    wt[r] = wt[r + 1] = w;
    e[r] = w * sc.termRu[t]!;
    e[r + 1] = w * sc.termRv[t]!;
    r += 2;
  }
  if (photometric) for (let q = 0; q < photometric.points.length; q++, r++) {
    const ph = sc.photo;
    singleRow(pts, src, which[nTerms + q]!, ph[q * 4 + 2]!, ph[q * 4 + 3]!, J, n, r, C);
    wt[r] = ph[q * 4 + 1]!;
    e[r] = ph[q * 4 + 1]! * ph[q * 4]!;
  }
  for (let q = 0; q < nSil; q++, r++) {
    const s = sil!.weight / sigma;
    singleRow(pts, src, which[silAt + q]!, s * sil!.normals[q * 2]!, s * sil!.normals[q * 2 + 1]!, J, n, r, C);
    // Rows carry the unit-weight Jacobian of s·r; the weight (Huber ω, no extra w²) goes into wt.
    wt[r] = silRes![q * 2 + 1]! / sil!.weight ** 2;
    e[r] = wt[r]! * silRes![q * 2]!;
  }
  addProducts(H, Cl, J, J, n, 0, n, wt, 0, LOCAL_FIXED, 0, C, true);
  addTransposedProduct(g, J, n, C, e);
  if (!full) return cost;
  addProducts(H, Cl, J, J, n, 0, n, wt, LOCAL_FIXED, C, LOCAL_FIXED, C, true);

  // The fixed sets with unit Huber weights.
  for (let t = 17; t < nFixed; t++) {
    const p = sc.termPoint[t]!, s = sc.termScale[t]!;
    rigidEntries(pts, src, p, 0, ju9);
    rigidEntries(pts, src, p, 1, jv9);
    addRigid(H, Cl, g, s, ju9, sc.termRu[t]!, jv9, sc.termRv[t]!);
  }
  if (eyelids) for (let k = 0; k < EYELID_PAIRS.length; k++) for (let d = 0; d < 2; d++) {
    const [a, b] = EYELID_PAIRS[k]!;
    rigidEntries(pts, src, a, d as 0 | 1, ju9);
    rigidEntries(pts, src, b, d as 0 | 1, jb9);
    for (let c = 0; c < LOCAL_FIXED; c++) ju9[c] -= jb9[c]!;
    addRigid(H, Cl, g, se, ju9, lid(k, d), null, 0);
  }
  const table = (mask ? tables?.withoutEyelids : dense ? tables?.withDense : tables?.withoutDense) ?? null;
  if (!table) throw new Error(`photoNormalEquations: no Gram table ${mask ? 'without the eyelids (a masked photo)' : dense ? 'with the dense points' : 'without the dense points'}`);
  const key = [dense ? 1 : 0, o.denseWeight, eyelids ? o.eyelidWeight : 0];
  if (!pc.observed || key.some((v, i) => v !== pc.observedKey[i])) {
    pc.observed = observedMoments(pts, L, dense ? mesh : null, o.denseWeight, key[2]!);
    pc.observedKey = key;
  }
  const kappa = 1 / (sigma * sigma);
  addMoments(table, st.expression, beta, { ...fr, Rj: st.jaw, tx: st.tx, ty: st.ty }, pc.observed, kappa, H, Cl, LOCAL_FIXED, g, sc.moments);
  const au = [...fr.a0, ...fr.b0], av = [...fr.a1, ...fr.b1];
  GRAM_PAIRS.forEach(([i, j], q) => (sc.coef[q] = au[i]! * au[j]! + av[i]! * av[j]!));
  addGramBlock(H, Cl, LOCAL_FIXED, C - LOCAL_FIXED, table.pairs, sc.coef, kappa);
  return cost;
}

/** H[0…8, 0…8] and g[0…8] of a row pair (s·ju, ru), (s·jv, rv) — or of one row when jv is null. */
function addRigid(H: Float64Array, C: number, g: Float64Array, s: number, ju: Float64Array, ru: number, jv: Float64Array | null, rv: number): void {
  for (let c = 0; c < LOCAL_FIXED; c++) {
    const a = s * ju[c]!, b = jv ? s * jv[c]! : 0;
    if (a === 0 && b === 0) continue;
    g[c] += a * ru + b * rv;
    const o = c * C;
    if (jv) for (let k = c; k < LOCAL_FIXED; k++) H[o + k] += s * (a * ju[k]! + b * jv[k]!);
    else for (let k = c; k < LOCAL_FIXED; k++) H[o + k] += s * a * ju[k]!;
  }
}
