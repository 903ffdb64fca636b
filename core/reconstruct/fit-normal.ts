import { addGramBlock, EYELID_PAIRS, GRAM_PAIRS } from './fit-gram';
import { LOCAL_FIXED, type PhotoState } from './fit-linearize';
import type { FitPoints } from './fit-points';
import { addProducts, addTransposedProduct, dot } from './normal-kernels';
import { photometricPointIndices, photometricResiduals, type PhotometricObservation } from './photometric-term';

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
  /** The photo's projected points, reused while its state is unchanged (`createProjectionCache`). */
  cache: ProjectionCache;
}

/**
 * One photo's projected points at the state in `key` (β, ψ, rotations, camera): a point is valid
 * when its stamp equals `epoch`. A fit evaluates the cost at the accepted state and then
 * linearises there, so the second projection is free; any change of the state starts a new epoch.
 */
export interface ProjectionCache {
  key: Float64Array;
  epoch: number;
  stamp: Int32Array;
  /** Per fit point: predicted pixel (2), posed position y (3), jaw-relative offset u (3). */
  pred: Float64Array;
  posed: Float64Array;
  offset: Float64Array;
}

/**
 * An empty projection cache for a photo.
 *
 * ```ts
 * const terms = { ...observed, cache: createProjectionCache(points) };
 * ```
 */
export function createProjectionCache(pts: FitPoints): ProjectionCache {
  const P = pts.count;
  return { key: new Float64Array(pts.shapeCount + pts.expressionCount + 21), epoch: 0, stamp: new Int32Array(P), pred: new Float64Array(P * 2), posed: new Float64Array(P * 3), offset: new Float64Array(P * 3) };
}

export interface PhotoTermsOptions {
  huber: number;
  denseWeight: number;
  eyelidWeight: number;
}

/** The combined Gram tables of a fit (see `combineGram`), with and without the dense points. */
export interface FitTables {
  withDense: Float64Array | null;
  withoutDense: Float64Array;
}

/** A photo's normal equations over its local columns (C×C, upper triangle, and gradient). */
export interface PhotoNormal {
  H: Float64Array;
  g: Float64Array;
}

/** Reusable buffers of {@link photoNormalEquations} for one point set. */
export interface NormalScratch {
  columns: number;
  /**
   * Shape parts B·β and B_W·β of the points' positions at β = `betaKey`, valid where `betaStamp`
   * equals `betaEpoch`: the photos of a joint fit share β, so each point's is computed once.
   */
  betaKey: Float64Array;
  betaEpoch: number;
  betaStamp: Int32Array;
  xBeta: Float64Array;
  uBeta: Float64Array;
  /** Per landmark / dense term: point, scale s, scaled residuals, Huber weight. */
  termPoint: Int32Array;
  termScale: Float64Array;
  termRu: Float64Array;
  termRv: Float64Array;
  termOmega: Float64Array;
  /** Photometric residual, weight, gx, gy per visible point. */
  photo: Float64Array;
  /** Row block (column-major), row weights for the rigid strip / the explicit ψβ block, and ω·residual. */
  J: Float64Array;
  wS: Float64Array;
  wF: Float64Array;
  e: Float64Array;
  /** b₀ᵀ·(jaw pivot basis) and b₁ᵀ·(jaw pivot basis) per model column. */
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
  const K = pts.expressionCount + pts.shapeCount, C = LOCAL_FIXED + K, P = pts.count;
  const terms = 68 + pts.denseCount;
  const rows = 2 * terms + 2 * EYELID_PAIRS.length + pts.photometricCount;
  return {
    columns: C, betaKey: new Float64Array(pts.shapeCount), betaEpoch: 0, betaStamp: new Int32Array(P), xBeta: new Float64Array(P * 3), uBeta: new Float64Array(P * 3),
    termPoint: new Int32Array(terms), termScale: new Float64Array(terms), termRu: new Float64Array(terms), termRv: new Float64Array(terms), termOmega: new Float64Array(terms),
    photo: new Float64Array(pts.photometricCount * 4),
    J: new Float64Array(C * rows), wS: new Float64Array(rows), wF: new Float64Array(rows), e: new Float64Array(rows),
    pu: new Float64Array(K), pv: new Float64Array(K), coef: new Float64Array(GRAM_PAIRS.length),
  };
}

/** The photo's state as the rows need it: αᵤ = (a0, b0), αᵥ = (a1, b1), eX = R_jawᵀ·aX, jaw pivot c. */
interface Frame {
  a0: number[];
  a1: number[];
  b0: number[];
  b1: number[];
  e0: number[];
  e1: number[];
  c: number[];
}

function frameOf(pts: FitPoints, beta: Float64Array, st: PhotoState): Frame {
  const Kb = pts.shapeCount, Ke = pts.expressionCount;
  const { R, jaw: Rj, scale: s, expression: psi } = st;
  const c = [0, 1, 2].map((d) => pts.jawPivot[d]! + dot(pts.jawPivotShape, d * Kb, beta, 0, Kb) + dot(pts.jawPivotExpression, d * Ke, psi, 0, Ke));
  const a0 = [s * R[0]!, s * R[1]!, s * R[2]!], a1 = [-s * R[3]!, -s * R[4]!, -s * R[5]!];
  const e0 = [0, 1, 2].map((d) => a0[0]! * Rj[d]! + a0[1]! * Rj[3 + d]! + a0[2]! * Rj[6 + d]!);
  const e1 = [0, 1, 2].map((d) => a1[0]! * Rj[d]! + a1[1]! * Rj[3 + d]! + a1[2]! * Rj[6 + d]!);
  return { a0, a1, b0: e0.map((v, d) => v - a0[d]!), b1: e1.map((v, d) => v - a1[d]!), e0, e1, c };
}

/** Starts a new epoch unless `key` already holds these values; returns the epoch. */
function keyed(key: Float64Array, parts: ArrayLike<number>[], epoch: number): number {
  let o = 0, same = epoch > 0;
  for (const part of parts) for (let i = 0; i < part.length; i++, o++) {
    if (key[o] !== part[i]) (same = false), (key[o] = part[i]!);
  }
  return same ? epoch : epoch + 1;
}

/** Projects the listed points not yet projected at this state: predicted pixels, posed positions y and jaw offsets u (as `projectPoints`). */
function project(pts: FitPoints, beta: Float64Array, st: PhotoState, fr: Frame, which: Int32Array, pc: ProjectionCache, sc: NormalScratch): void {
  const Kb = pts.shapeCount, Ke = pts.expressionCount;
  const { R, jaw: Rj, scale: s, expression: psi } = st;
  pc.epoch = keyed(pc.key, [beta, psi, R, Rj, [s, st.tx, st.ty]], pc.epoch);
  sc.betaEpoch = keyed(sc.betaKey, [beta], sc.betaEpoch);
  const { rest, shape, expression, restW, shapeW, expressionW } = pts;
  const { pred, posed, offset, stamp, epoch } = pc;
  const { xBeta, uBeta, betaStamp, betaEpoch } = sc;
  for (let q = 0; q < which.length; q++) {
    const p = which[q]!;
    if (stamp[p] === epoch) continue;
    stamp[p] = epoch;
    const w = pts.hasJaw ? pts.jawWeight[p]! : 0;
    if (betaStamp[p] !== betaEpoch) {
      betaStamp[p] = betaEpoch;
      for (let d = 0; d < 3; d++) {
        const row = p * 3 + d;
        xBeta[row] = dot(shape, row * Kb, beta, 0, Kb);
        if (w !== 0) uBeta[row] = dot(shapeW, row * Kb, beta, 0, Kb);
      }
    }
    const p3 = p * 3;
    let y0 = rest[p3]! + xBeta[p3]! + dot(expression, p3 * Ke, psi, 0, Ke);
    let y1 = rest[p3 + 1]! + xBeta[p3 + 1]! + dot(expression, (p3 + 1) * Ke, psi, 0, Ke);
    let y2 = rest[p3 + 2]! + xBeta[p3 + 2]! + dot(expression, (p3 + 2) * Ke, psi, 0, Ke);
    if (w !== 0) {
      const u0 = restW[p3]! + uBeta[p3]! + dot(expressionW, p3 * Ke, psi, 0, Ke) - w * fr.c[0]!;
      const u1 = restW[p3 + 1]! + uBeta[p3 + 1]! + dot(expressionW, (p3 + 1) * Ke, psi, 0, Ke) - w * fr.c[1]!;
      const u2 = restW[p3 + 2]! + uBeta[p3 + 2]! + dot(expressionW, (p3 + 2) * Ke, psi, 0, Ke) - w * fr.c[2]!;
      offset[p3] = u0;
      offset[p3 + 1] = u1;
      offset[p3 + 2] = u2;
      y0 += Rj[0]! * u0 + Rj[1]! * u1 + Rj[2]! * u2 - u0;
      y1 += Rj[3]! * u0 + Rj[4]! * u1 + Rj[5]! * u2 - u1;
      y2 += Rj[6]! * u0 + Rj[7]! * u1 + Rj[8]! * u2 - u2;
    }
    posed[p3] = y0;
    posed[p3 + 1] = y1;
    posed[p3 + 2] = y2;
    pred[p * 2] = s * (R[0]! * y0 + R[1]! * y1 + R[2]! * y2) + st.tx;
    pred[p * 2 + 1] = -s * (R[3]! * y0 + R[4]! * y1 + R[5]! * y2) + st.ty;
  }
}

/**
 * Robust cost of one photo's data terms (landmarks with the jaw contour's picks and weights,
 * eyelid distances, dense points, photometric points) and, with `out`, adds their normal equations
 * over the photo's local columns — rotation δ, log scale, tx, ty, jaw δ, ψ, β — to out.H (upper
 * triangle) and out.g. In the rigid stage only the first nine columns are formed (the others are
 * not solved for); in the full stage the ψ, β block of the landmarks 17…67, dense points and
 * eyelid pairs comes from the Gram tables (`table`, see fit-gram.ts) and their Huber outliers are
 * corrected by (ω − 1)·jᵀj, while the jaw contour's and the photometric rows are accumulated as a
 * row block, as are the rigid and jaw columns of every row.
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
  o: PhotoTermsOptions,
  out: PhotoNormal | null,
  sc: NormalScratch,
): number {
  const full = stage === 'full';
  const dense = full && terms.useDense;
  const eyelids = full && o.eyelidWeight > 0;
  const photometric = full ? terms.photometric : null;
  const picks = terms.picks, sigma = terms.sigma, L = terms.landmarks;
  const nTerms = 68 + (dense ? pts.denseCount : 0);
  const which = new Int32Array(nTerms + (photometric ? photometric.points.length : 0));
  for (let l = 0; l < 68; l++) which[l] = l < 17 ? picks[l]! : l;
  for (let m = 68; m < nTerms; m++) which[m] = pts.denseStart + m - 68;
  if (photometric) which.set(photometricPointIndices(pts, photometric), nTerms);
  const fr = frameOf(pts, beta, st);
  const pc = terms.cache;
  project(pts, beta, st, fr, which, pc, sc);

  // Residuals and Huber weights, summed in the order the terms are listed above.
  const P = pc.pred;
  let cost = 0, outliers = 0;
  const term = (t: number, ox: number, oy: number, w: number) => {
    const p = which[t]!, s = w / sigma;
    const ru = (P[p * 2]! - ox) * s, rv = (P[p * 2 + 1]! - oy) * s;
    const e2 = ru * ru + rv * rv, e = Math.sqrt(e2);
    const omega = e <= o.huber ? 1 : o.huber / e;
    cost += e <= o.huber ? e2 : 2 * o.huber * e - o.huber * o.huber;
    sc.termPoint[t] = p, sc.termScale[t] = s, sc.termRu[t] = ru, sc.termRv[t] = rv, sc.termOmega[t] = omega;
    if (omega !== 1 && t >= 17) outliers++;
  };
  for (let l = 0; l < 68; l++) term(l, L[l * 2]!, L[l * 2 + 1]!, l < 17 ? terms.contourWeights[l]! : 1);
  const se = o.eyelidWeight / sigma;
  const lid = (k: number, d: number) => {
    const [a, b] = EYELID_PAIRS[k]!;
    return (P[a * 2 + d]! - P[b * 2 + d]! - (L[a * 2 + d]! - L[b * 2 + d]!)) * se;
  };
  if (eyelids) for (let k = 0; k < EYELID_PAIRS.length; k++) for (let d = 0; d < 2; d++) cost += lid(k, d) ** 2;
  const mesh = terms.mesh!;
  for (let m = 0; m < nTerms - 68; m++) term(68 + m, mesh[m * 2]!, mesh[m * 2 + 1]!, o.denseWeight);
  if (photometric) cost += photometricResiduals(pts, photometric, P, o.huber, out ? sc.photo : null);
  if (!out) return cost;

  // Rows: Gram rows with ω = 1, then Gram outliers, then the explicit rows (contour, photometric).
  const C = full ? sc.columns : LOCAL_FIXED;
  const nGram = full ? 2 * (nTerms - 17) + (eyelids ? 2 * EYELID_PAIRS.length : 0) : 0;
  const n = nGram + 2 * (full ? 17 : 68) + (photometric ? photometric.points.length : 0);
  const nOne = nGram - 2 * (full ? outliers : 0);
  const { J, wS, wF, e } = sc;
  precomputePivot(pts, fr, sc);
  const view: Rows = { fr, posed: pc.posed, offset: pc.offset, pu: sc.pu, pv: sc.pv };
  let one = 0, rest = nOne;
  for (let t = 0; t < nTerms; t++) {
    const omega = sc.termOmega[t]!;
    const gram = full && t >= 17;
    const r = gram && omega === 1 ? (one += 2) - 2 : (rest += 2) - 2;
    pointRows(pts, view, sc.termPoint[t]!, sc.termScale[t]!, J, n, r, C);
    wS[r] = wS[r + 1] = omega;
    wF[r] = wF[r + 1] = gram ? omega - 1 : omega;
    e[r] = omega * sc.termRu[t]!;
    e[r + 1] = omega * sc.termRv[t]!;
  }
  if (eyelids) for (let k = 0; k < EYELID_PAIRS.length; k++) for (let d = 0; d < 2; d++) {
    const [a, b] = EYELID_PAIRS[k]!, r = one++;
    singleRow(pts, view, a, d === 0 ? se : 0, d === 1 ? se : 0, J, n, r, C, false);
    singleRow(pts, view, b, d === 0 ? -se : 0, d === 1 ? -se : 0, J, n, r, C, true);
    wS[r] = 1;
    e[r] = lid(k, d);
  }
  if (photometric) for (let q = 0; q < photometric.points.length; q++) {
    const r = rest++, ph = sc.photo;
    singleRow(pts, view, which[nTerms + q]!, ph[q * 4 + 2]!, ph[q * 4 + 3]!, J, n, r, C, false);
    wS[r] = wF[r] = ph[q * 4 + 1]!;
    e[r] = ph[q * 4 + 1]! * ph[q * 4]!;
  }

  const { H, g } = out, Cl = sc.columns;
  // Rigid and jaw rows of H against every column, from every row.
  addProducts(H, Cl, J, J, n, 0, n, wS, 0, LOCAL_FIXED, 0, C, true);
  addTransposedProduct(g, J, n, C, e);
  if (!full) return cost;
  // ψ, β block: explicit rows (and the outliers' ω − 1), then the Gram tables.
  addProducts(H, Cl, J, J, n, nOne, n, wF, LOCAL_FIXED, C, LOCAL_FIXED, C, true);
  const table = dense ? tables!.withDense! : tables!.withoutDense;
  const au = [...fr.a0, ...fr.b0], av = [...fr.a1, ...fr.b1];
  GRAM_PAIRS.forEach(([i, j], q) => (sc.coef[q] = au[i]! * au[j]! + av[i]! * av[j]!));
  addGramBlock(H, Cl, LOCAL_FIXED, C - LOCAL_FIXED, table, sc.coef, 1 / (sigma * sigma));
  return cost;
}

/** pu = b₀ᵀ·(pivot basis), pv = b₁ᵀ·(pivot basis): the pivot's share of a jaw-relative row. */
function precomputePivot(pts: FitPoints, fr: Frame, sc: NormalScratch): void {
  const Ke = pts.expressionCount, Kb = pts.shapeCount;
  const ce = pts.jawPivotExpression, cs = pts.jawPivotShape;
  for (let k = 0; k < Ke; k++) {
    sc.pu[k] = fr.b0[0]! * ce[k]! + fr.b0[1]! * ce[Ke + k]! + fr.b0[2]! * ce[2 * Ke + k]!;
    sc.pv[k] = fr.b1[0]! * ce[k]! + fr.b1[1]! * ce[Ke + k]! + fr.b1[2]! * ce[2 * Ke + k]!;
  }
  for (let k = 0; k < Kb; k++) {
    sc.pu[Ke + k] = fr.b0[0]! * cs[k]! + fr.b0[1]! * cs[Kb + k]! + fr.b0[2]! * cs[2 * Kb + k]!;
    sc.pv[Ke + k] = fr.b1[0]! * cs[k]! + fr.b1[1]! * cs[Kb + k]! + fr.b1[2]! * cs[2 * Kb + k]!;
  }
}

/** What the row writers read: the frame, the projected points and the pivot terms. */
interface Rows {
  fr: Frame;
  posed: Float64Array;
  offset: Float64Array;
  pu: Float64Array;
  pv: Float64Array;
}

/** The nine rigid and jaw entries of a point's u row (a = a0, eX = e0) or v row (a1, e1), unscaled. */
function rigidEntries(pts: FitPoints, rw: Rows, p: number, a: number[], eX: number[], out: number[]): void {
  const y0 = rw.posed[p * 3]!, y1 = rw.posed[p * 3 + 1]!, y2 = rw.posed[p * 3 + 2]!;
  // a·(e_i × y) for the rotation, a·y = ±s·z for the log scale.
  out[0] = a[2]! * y1 - a[1]! * y2;
  out[1] = a[0]! * y2 - a[2]! * y0;
  out[2] = a[1]! * y0 - a[0]! * y1;
  out[3] = a[0]! * y0 + a[1]! * y1 + a[2]! * y2;
  const w = pts.hasJaw ? pts.jawWeight[p]! : 0;
  if (w === 0) {
    out[6] = out[7] = out[8] = 0;
    return;
  }
  // a·R_jaw·(e_i × u).
  const u0 = rw.offset[p * 3]!, u1 = rw.offset[p * 3 + 1]!, u2 = rw.offset[p * 3 + 2]!;
  out[6] = eX[2]! * u1 - eX[1]! * u2;
  out[7] = eX[0]! * u2 - eX[2]! * u0;
  out[8] = eX[1]! * u0 - eX[0]! * u1;
}

const ru9 = [0, 0, 0, 0, 1, 0, 0, 0, 0], rv9 = [0, 0, 0, 0, 0, 1, 0, 0, 0];

/** Writes a point's u and v rows, scaled by s, at rows r and r + 1 of the column-major block. */
function pointRows(pts: FitPoints, rw: Rows, p: number, s: number, J: Float64Array, n: number, r: number, C: number): void {
  const fr = rw.fr;
  rigidEntries(pts, rw, p, fr.a0, fr.e0, ru9);
  rigidEntries(pts, rw, p, fr.a1, fr.e1, rv9);
  for (let c = 0; c < LOCAL_FIXED; c++) {
    J[c * n + r] = s * ru9[c]!;
    J[c * n + r + 1] = s * rv9[c]!;
  }
  if (C === LOCAL_FIXED) return;
  const Ke = pts.expressionCount, Kb = pts.shapeCount;
  const w = pts.hasJaw ? pts.jawWeight[p]! : 0;
  const u00 = s * fr.a0[0]!, u01 = s * fr.a0[1]!, u02 = s * fr.a0[2]!, v00 = s * fr.a1[0]!, v01 = s * fr.a1[1]!, v02 = s * fr.a1[2]!;
  const u10 = s * fr.b0[0]!, u11 = s * fr.b0[1]!, u12 = s * fr.b0[2]!, v10 = s * fr.b1[0]!, v11 = s * fr.b1[1]!, v12 = s * fr.b1[2]!;
  const sw = s * w, pu = rw.pu, pv = rw.pv;
  for (let part = 0; part < 2; part++) {
    const B = part === 0 ? pts.expression : pts.shape, BW = part === 0 ? pts.expressionW : pts.shapeW;
    const Kx = part === 0 ? Ke : Kb, col = LOCAL_FIXED + (part === 0 ? 0 : Ke), pk = part === 0 ? 0 : Ke;
    const o0 = p * 3 * Kx, o1 = o0 + Kx, o2 = o1 + Kx;
    let o = col * n + r;
    if (w === 0) {
      for (let k = 0; k < Kx; k++, o += n) {
        const x0 = B[o0 + k]!, x1 = B[o1 + k]!, x2 = B[o2 + k]!;
        J[o] = u00 * x0 + u01 * x1 + u02 * x2;
        J[o + 1] = v00 * x0 + v01 * x1 + v02 * x2;
      }
    } else {
      for (let k = 0; k < Kx; k++, o += n) {
        const x0 = B[o0 + k]!, x1 = B[o1 + k]!, x2 = B[o2 + k]!, z0 = BW[o0 + k]!, z1 = BW[o1 + k]!, z2 = BW[o2 + k]!;
        J[o] = u00 * x0 + u01 * x1 + u02 * x2 + u10 * z0 + u11 * z1 + u12 * z2 - sw * pu[pk + k]!;
        J[o + 1] = v00 * x0 + v01 * x1 + v02 * x2 + v10 * z0 + v11 * z1 + v12 * z2 - sw * pv[pk + k]!;
      }
    }
  }
}

const rw9 = [0, 0, 0, 0, 0, 0, 0, 0, 0];

/** Writes (or with `add`, adds) cu·(u row) + cv·(v row) of a point at row r. */
function singleRow(pts: FitPoints, rw: Rows, p: number, cu: number, cv: number, J: Float64Array, n: number, r: number, C: number, add: boolean): void {
  const fr = rw.fr;
  rigidEntries(pts, rw, p, fr.a0, fr.e0, ru9);
  rigidEntries(pts, rw, p, fr.a1, fr.e1, rv9);
  for (let c = 0; c < LOCAL_FIXED; c++) rw9[c] = cu * ru9[c]! + cv * rv9[c]!;
  for (let c = 0; c < LOCAL_FIXED; c++) J[c * n + r] = (add ? J[c * n + r]! : 0) + rw9[c]!;
  if (C === LOCAL_FIXED) return;
  const Ke = pts.expressionCount, Kb = pts.shapeCount;
  const w = pts.hasJaw ? pts.jawWeight[p]! : 0;
  const g0 = cu * fr.a0[0]! + cv * fr.a1[0]!, g1 = cu * fr.a0[1]! + cv * fr.a1[1]!, g2 = cu * fr.a0[2]! + cv * fr.a1[2]!;
  const h0 = cu * fr.b0[0]! + cv * fr.b1[0]!, h1 = cu * fr.b0[1]! + cv * fr.b1[1]!, h2 = cu * fr.b0[2]! + cv * fr.b1[2]!;
  const pu = rw.pu, pv = rw.pv, wu = w * cu, wv = w * cv;
  for (let part = 0; part < 2; part++) {
    const B = part === 0 ? pts.expression : pts.shape, BW = part === 0 ? pts.expressionW : pts.shapeW;
    const Kx = part === 0 ? Ke : Kb, col = LOCAL_FIXED + (part === 0 ? 0 : Ke), pk = part === 0 ? 0 : Ke;
    const o0 = p * 3 * Kx, o1 = o0 + Kx, o2 = o1 + Kx;
    let o = col * n + r;
    for (let k = 0; k < Kx; k++, o += n) {
      let v = g0 * B[o0 + k]! + g1 * B[o1 + k]! + g2 * B[o2 + k]!;
      if (w !== 0) v += h0 * BW[o0 + k]! + h1 * BW[o1 + k]! + h2 * BW[o2 + k]! - wu * pu[pk + k]! - wv * pv[pk + k]!;
      J[o] = (add ? J[o]! : 0) + v;
    }
  }
}
