import type { HeadModel } from '../head-model/head-model';
import { HEAD_PART, triangleParts } from '../head-model/triangle-parts';
import { skinEdges } from './skin-edges';
import { trustRamp, TRUST_RAMP_DEFAULTS, type TrustRampOptions } from './trust-ramp';

export interface SurfaceFillOptions extends TrustRampOptions {
  /**
   * Distance over the surface (metres) in which the colours at the edge of what the photos saw fade
   * into the skin tone: the fill keeps their low frequencies (a tanned neck, a darker hairline)
   * near them and is the person's even skin tone far away (the back of the head). 6 cm: hair seen
   * round the crown and the nape carries on across the strip down the back of the head that no
   * profile saw, instead of fading to a pale skin band there (3 cm left a bald stripe on dark hair).
   */
  decayLength: number;
  /** Gauss–Seidel sweeps of the screened diffusion over the mesh's vertices. */
  iterations: number;
  /** Share of a vertex's texel weight that must have been seen for its colour to count as known. */
  minSeenShare: number;
}

export const SURFACE_FILL_DEFAULTS: SurfaceFillOptions = { decayLength: 0.06, iterations: 300, minSeenShare: 0.5, ...TRUST_RAMP_DEFAULTS };

/** Where each texel of a texture lies on the mesh: its triangle (−1: none) and barycentrics (b, c). */
export interface TexelSurface {
  triangle: Int32Array;
  bary: Float32Array;
}

/**
 * Fills the texels no photo saw with colour diffused over the head's surface, not over the UV
 * square: texels give their mesh vertices a colour weighted by their confidence (1: seen well; 0:
 * not seen), the vertices seen too little solve a screened diffusion over the mesh's edges
 * (min Σ w_ij (c_i − c_j)² + Σ λ_i (c_i − tone)², with the seen vertices fixed, w = 1 / edge length
 * and λ scaled so colours fade into `tone` over `decayLength` whatever the mesh's density), and each
 * texel becomes confidence × its colour + (1 − confidence) × its triangle's interpolated vertex
 * colours — unseen texels are filled, and surfaces seen only at a grazing angle or in deep shadow
 * (whose de-lit colour is least sure: a scalp seen edge-on comes out white) lean on their surroundings.
 * Within `blendLength` of a large unseen area photo colour also fades into the fill (see `trustRamp`),
 * so texel detail never ends in a line against the smooth fill (hair beside a strip down the back of
 * the head no profile saw).
 * Mesh edges join UV charts across their seams, so the fill is continuous on the head; no colour is
 * carried between places that are merely neighbours in UV space (the ear's chart next to the
 * cheek's), and nothing is copied: far from what the photos saw only the tone is left.
 * Returns the number of texels changed; `rgb` is updated in place and `confidence` set to 1 where filled.
 *
 * ```ts
 * const tone = skinTone(rgb, seen);
 * surfaceFill(model, texels, rgb, confidence, covered, tone);
 * ```
 */
export function surfaceFill(
  model: HeadModel,
  texels: TexelSurface,
  rgb: Float32Array,
  confidence: Float32Array,
  covered: Uint8Array,
  tone: readonly [number, number, number],
  options: Partial<SurfaceFillOptions> = {},
): number {
  const o = { ...SURFACE_FILL_DEFAULTS, ...options };
  const V = model.template.length / 3;
  const tri = model.triangles;
  // Per vertex: barycentric-weighted colour of the known texels around it, and its share of all texels.
  const sum = new Float64Array(V * 3), seenW = new Float64Array(V), allW = new Float64Array(V);
  const N = confidence.length;
  // Texel i's barycentric weight w on corner v (no array per texel: this runs once per covered texel).
  const addCorner = (v: number, w: number, i: number) => {
    allW[v] += w;
    const wk = w * confidence[i]!;
    if (!(wk > 0)) return;
    seenW[v] += wk;
    for (let c = 0; c < 3; c++) sum[v * 3 + c] += wk * rgb[i * 3 + c]!;
  };
  for (let i = 0; i < N; i++) {
    const t = texels.triangle[i]!;
    if (t < 0 || !covered[i]) continue;
    const wb = texels.bary[i * 2]!, wc = texels.bary[i * 2 + 1]!;
    addCorner(tri[t * 3]!, Math.max(0, 1 - wb - wc), i);
    addCorner(tri[t * 3 + 1]!, Math.max(0, wb), i);
    addCorner(tri[t * 3 + 2]!, Math.max(0, wc), i);
  }
  const fixed = new Uint8Array(V);
  const colour = new Float64Array(V * 3);
  for (let v = 0; v < V; v++) {
    if (seenW[v]! > 0 && seenW[v]! >= o.minSeenShare * allW[v]!) {
      fixed[v] = 1;
      for (let c = 0; c < 3; c++) colour[v * 3 + c] = sum[v * 3 + c]! / seenW[v]!;
    } else for (let c = 0; c < 3; c++) colour[v * 3 + c] = tone[c]!;
  }
  diffuse(model, fixed, colour, tone, o);
  // Photo colour also fades into the fill near large unseen areas (see `trustRamp`), so the edge of
  // what the photos saw is a blend, not a line where texel detail meets the smooth fill.
  const unseen = new Uint8Array(V);
  for (let v = 0; v < V; v++) unseen[v] = allW[v]! > 0 && !fixed[v] ? 1 : 0;
  const ramp = trustRamp(model, unseen, o);
  let filled = 0;
  for (let i = 0; i < N; i++) {
    const t = texels.triangle[i]!;
    if (t < 0 || !covered[i]) continue;
    const wb = texels.bary[i * 2]!, wc = texels.bary[i * 2 + 1]!, wa = 1 - wb - wc;
    const a = tri[t * 3]! * 3, b = tri[t * 3 + 1]! * 3, c = tri[t * 3 + 2]! * 3;
    const trust = wa * ramp[a / 3]! + wb * ramp[b / 3]! + wc * ramp[c / 3]!;
    const q = Math.min(1, Math.max(0, confidence[i]!), Math.max(0, trust));
    if (q >= 1) continue;
    for (let k = 0; k < 3; k++) rgb[i * 3 + k] = q * rgb[i * 3 + k]! + (1 - q) * (wa * colour[a + k]! + wb * colour[b + k]! + wc * colour[c + k]!);
    confidence[i] = 1;
    filled++;
  }
  return filled;
}

/** Over-relaxation factor of the diffusion's sweeps. */
const SOR = 1.8;

/** Screened diffusion of the free vertices' colours over the skin's mesh edges (successive over-relaxation, in place). */
function diffuse(model: HeadModel, fixed: Uint8Array, colour: Float64Array, tone: readonly number[], o: SurfaceFillOptions): void {
  const V = fixed.length;
  const tri = model.triangles;
  const parts = triangleParts(model);
  // Skin edges (see `skinEdges`) with their cotangent weights and each vertex's screening
  // λ_i = A_i / L² (A_i: a third of its triangles' area): the discrete −∇²c + (c − tone) / L² = 0,
  // whose colours fade into the tone over L whatever the mesh's density or the shape of its triangles.
  const { offset: deg, neighbour: nbr } = skinEdges(model);
  const { weight: wgt, weightSum: wsum, area } = cotangentWeights(model);
  const lambda = new Float64Array(V);
  const invL2 = 1 / o.decayLength ** 2;
  const T = tri.length / 3;
  for (let t = 0; t < T; t++) {
    if (parts[t] !== HEAD_PART.skin) continue;
    for (let k = 0; k < 3; k++) lambda[tri[t * 3 + k]!] += (area[t]! / 3) * invL2;
  }
  // The vertices a sweep updates, in vertex order (Gauss–Seidel's order, so the colours are the same),
  // with what does not change between sweeps worked out once: the screening's pull towards the tone
  // and 1 / (Σ w + λ). A vertex whose divisor is not positive never changes and is left out.
  let F = 0;
  const free = new Int32Array(V), inv = new Float64Array(V), pull = new Float64Array(V * 3);
  for (let v = 0; v < V; v++) {
    if (fixed[v] || deg[v + 1] === deg[v]) continue;
    const d = wsum[v]! + lambda[v]!;
    if (!(d > 0)) continue;
    inv[F] = 1 / d;
    for (let c = 0; c < 3; c++) pull[F * 3 + c] = lambda[v]! * tone[c]!;
    free[F++] = v;
  }
  for (let it = 0; it < o.iterations; it++) {
    for (let f = 0; f < F; f++) {
      const v = free[f]!;
      let r = pull[f * 3]!, g = pull[f * 3 + 1]!, b = pull[f * 3 + 2]!;
      for (let e = deg[v]!, end = deg[v + 1]!; e < end; e++) {
        const j = nbr[e]! * 3, w = wgt[e]!;
        (r += w * colour[j]!), (g += w * colour[j + 1]!), (b += w * colour[j + 2]!);
      }
      // Over-relaxed (SOR): thin triangles couple their vertices unevenly, which plain Gauss–Seidel
      // needs thousands of sweeps to settle; ω = 1.8 settles within the default sweeps.
      const k = inv[f]!;
      colour[v * 3] += SOR * (r * k - colour[v * 3]!);
      colour[v * 3 + 1] += SOR * (g * k - colour[v * 3 + 1]!);
      colour[v * 3 + 2] += SOR * (b * k - colour[v * 3 + 2]!);
    }
  }
}

interface CotangentWeights {
  /** Per skin-edge entry (see `skinEdges`): ½ cot of the angle opposite the edge, clamped to ≥ 0. */
  weight: Float64Array;
  /** Per vertex: the sum of its entries' weights. */
  weightSum: Float64Array;
  /** Per triangle: its area (0 for triangles that are not skin). */
  area: Float64Array;
}

const cotangentCache = new WeakMap<HeadModel, CotangentWeights>();

/**
 * The skin edges' cotangent weights, once per model: each triangle adds ½ cot of its angle opposite
 * the edge (negative ones, from obtuse triangles, clamped to 0 so the solution stays within its
 * data's range). (Weights 1 / edge length do not discretise ∇² on long thin triangles — the starter
 * head's shell has 0.7 × 5.5 mm ones — and faded over a third of L there, leaving a skin-tone band
 * between the two profiles down the back of the head.) An entry's weight is the same number from
 * either end: the dot product's terms and the cross product's negated components do not change it.
 */
function cotangentWeights(model: HeadModel): CotangentWeights {
  const hit = cotangentCache.get(model);
  if (hit) return hit;
  const V = model.template.length / 3, P = model.template, tri = model.triangles;
  const { offset, neighbour, opposite } = skinEdges(model);
  const e1 = [0, 0, 0], e2 = [0, 0, 0];
  // Edge (a, b) and the angle opposite it at c: dot and |cross| of a − c and b − c.
  const cot = (a: number, b: number, c: number, out: { w: number; area: number }) => {
    for (let d = 0; d < 3; d++) (e1[d] = P[a * 3 + d]! - P[c * 3 + d]!), (e2[d] = P[b * 3 + d]! - P[c * 3 + d]!);
    const dot = e1[0]! * e2[0]! + e1[1]! * e2[1]! + e1[2]! * e2[2]!;
    const cross = Math.hypot(e1[1]! * e2[2]! - e1[2]! * e2[1]!, e1[2]! * e2[0]! - e1[0]! * e2[2]!, e1[0]! * e2[1]! - e1[1]! * e2[0]!);
    out.area = cross / 2;
    out.w = cross > 0 ? Math.max(0, dot / cross / 2) : 0;
  };
  const r = { w: 0, area: 0 };
  const weight = new Float64Array(neighbour.length), weightSum = new Float64Array(V);
  for (let v = 0; v < V; v++) {
    for (let e = offset[v]!; e < offset[v + 1]!; e++) {
      cot(v, neighbour[e]!, opposite[e]!, r);
      weight[e] = r.w;
      weightSum[v] += r.w;
    }
  }
  // A triangle's area as the last of its three corners measured it (edge (c, a), opposite b).
  const parts = triangleParts(model);
  const T = tri.length / 3, area = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    if (parts[t] !== HEAD_PART.skin) continue;
    cot(tri[t * 3 + 2]!, tri[t * 3]!, tri[t * 3 + 1]!, r);
    area[t] = r.area;
  }
  const weights = { weight, weightSum, area };
  cotangentCache.set(model, weights);
  return weights;
}

/**
 * The person's skin tone from the texels the photos saw: the mean colour of those between the 30th
 * and 70th percentile of luminance (a band centred on the median, so even variation such as freckles
 * averages out), so hair, brows, nostrils and shadows (darker) and highlights (brighter) do not pull it.
 *
 * ```ts
 * const [r, g, b] = skinTone(rgb, known);
 * ```
 */
export function skinTone(rgb: ArrayLike<number>, known: Uint8Array, fallback: readonly [number, number, number] = [201, 160, 138]): [number, number, number] {
  let n = 0;
  for (let i = 0; i < known.length; i++) if (known[i]) n++;
  if (!n) return [...fallback];
  // Typed arrays filled by plain loops (a million texels at 1024²): no array growth, no mapping callback.
  const idx = new Int32Array(n);
  for (let i = 0, k = 0; i < known.length; i++) if (known[i]) idx[k++] = i;
  const lum = (i: number) => 0.2126 * rgb[i * 3]! + 0.7152 * rgb[i * 3 + 1]! + 0.0722 * rgb[i * 3 + 2]!;
  const L = new Float64Array(n);
  for (let k = 0; k < n; k++) L[k] = lum(idx[k]!);
  L.sort();
  const lo = L[Math.floor(L.length * 0.3)]!, hi = L[Math.min(L.length - 1, Math.floor(L.length * 0.7))]!;
  const out = [0, 0, 0];
  let m = 0;
  for (const i of idx) {
    const l = lum(i);
    if (l < lo || l > hi) continue;
    for (let c = 0; c < 3; c++) out[c] += rgb[i * 3 + c]!;
    m++;
  }
  return m ? [out[0]! / m, out[1]! / m, out[2]! / m] : [...fallback];
}
