import type { HeadModel } from '../head-model/head-model';
import { HEAD_PART, triangleParts } from '../head-model/triangle-parts';
import { trustRamp, TRUST_RAMP_DEFAULTS, type TrustRampOptions } from './trust-ramp';

export interface SurfaceFillOptions extends TrustRampOptions {
  /**
   * Distance over the surface (metres) in which the colours at the edge of what the photos saw fade
   * into the skin tone: the fill keeps their low frequencies (a tanned neck, a darker hairline)
   * near them and is the person's even skin tone far away (the back of the head).
   */
  decayLength: number;
  /** Gauss–Seidel sweeps of the screened diffusion over the mesh's vertices. */
  iterations: number;
  /** Share of a vertex's texel weight that must have been seen for its colour to count as known. */
  minSeenShare: number;
}

export const SURFACE_FILL_DEFAULTS: SurfaceFillOptions = { decayLength: 0.03, iterations: 300, minSeenShare: 0.5, ...TRUST_RAMP_DEFAULTS };

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
  for (let i = 0; i < N; i++) {
    const t = texels.triangle[i]!;
    if (t < 0 || !covered[i]) continue;
    const wb = texels.bary[i * 2]!, wc = texels.bary[i * 2 + 1]!;
    const w = [Math.max(0, 1 - wb - wc), Math.max(0, wb), Math.max(0, wc)];
    for (let k = 0; k < 3; k++) {
      const v = tri[t * 3 + k]!;
      allW[v] += w[k]!;
      const wk = w[k]! * confidence[i]!;
      if (!(wk > 0)) continue;
      seenW[v] += wk;
      for (let c = 0; c < 3; c++) sum[v * 3 + c] += wk * rgb[i * 3 + c]!;
    }
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
  const tri = model.triangles, P = model.template;
  const parts = triangleParts(model);
  // Undirected skin edges as CSR with cotangent weights (each triangle adds ½ cot of its angle opposite
  // the edge; negative ones, from obtuse triangles, clamped to 0 so the solution stays within its
  // data's range) and each vertex's screening λ_i = A_i / L² (A_i: a third of its triangles' area):
  // the discrete −∇²c + (c − tone) / L² = 0, whose colours fade into the tone over L whatever the
  // mesh's density or the shape of its triangles. (Weights 1 / edge length do not discretise ∇² on
  // long thin triangles — the starter head's shell has 0.7 × 5.5 mm ones — and faded over a third of L
  // there, leaving a skin-tone band between the two profiles down the back of the head.)
  const deg = new Int32Array(V + 1);
  const T = tri.length / 3;
  for (let t = 0; t < T; t++) {
    if (parts[t] !== HEAD_PART.skin) continue;
    for (let k = 0; k < 3; k++) (deg[tri[t * 3 + k]! + 1] += 2);
  }
  for (let v = 0; v < V; v++) deg[v + 1] += deg[v]!;
  const nbr = new Int32Array(deg[V]!), wgt = new Float64Array(deg[V]!), fill = deg.slice(0, V);
  const lambda = new Float64Array(V), wsum = new Float64Array(V);
  const invL2 = 1 / o.decayLength ** 2;
  const e1 = [0, 0, 0], e2 = [0, 0, 0];
  for (let t = 0; t < T; t++) {
    if (parts[t] !== HEAD_PART.skin) continue;
    let area = 0;
    for (let k = 0; k < 3; k++) {
      // Edge (a, b) and the angle opposite it at c.
      const a = tri[t * 3 + k]!, b = tri[t * 3 + ((k + 1) % 3)]!, c = tri[t * 3 + ((k + 2) % 3)]!;
      for (let d = 0; d < 3; d++) (e1[d] = P[a * 3 + d]! - P[c * 3 + d]!), (e2[d] = P[b * 3 + d]! - P[c * 3 + d]!);
      const dot = e1[0]! * e2[0]! + e1[1]! * e2[1]! + e1[2]! * e2[2]!;
      const cross = Math.hypot(e1[1]! * e2[2]! - e1[2]! * e2[1]!, e1[2]! * e2[0]! - e1[0]! * e2[2]!, e1[0]! * e2[1]! - e1[1]! * e2[0]!);
      area = cross / 2;
      const w = cross > 0 ? Math.max(0, dot / cross / 2) : 0;
      (nbr[fill[a]!] = b), (wgt[fill[a]!++] = w);
      (nbr[fill[b]!] = a), (wgt[fill[b]!++] = w);
      (wsum[a] += w), (wsum[b] += w);
    }
    for (let k = 0; k < 3; k++) lambda[tri[t * 3 + k]!] += (area / 3) * invL2;
  }
  for (let it = 0; it < o.iterations; it++) {
    for (let v = 0; v < V; v++) {
      if (fixed[v] || deg[v + 1] === deg[v]) continue;
      let r = lambda[v]! * tone[0]!, g = lambda[v]! * tone[1]!, b = lambda[v]! * tone[2]!;
      for (let e = deg[v]!; e < deg[v + 1]!; e++) {
        const j = nbr[e]! * 3, w = wgt[e]!;
        (r += w * colour[j]!), (g += w * colour[j + 1]!), (b += w * colour[j + 2]!);
      }
      const d = wsum[v]! + lambda[v]!;
      if (!(d > 0)) continue;
      // Over-relaxed (SOR): thin triangles couple their vertices unevenly, which plain Gauss–Seidel
      // needs thousands of sweeps to settle; ω = 1.8 settles within the default sweeps.
      const inv = 1 / d;
      colour[v * 3] += SOR * (r * inv - colour[v * 3]!);
      colour[v * 3 + 1] += SOR * (g * inv - colour[v * 3 + 1]!);
      colour[v * 3 + 2] += SOR * (b * inv - colour[v * 3 + 2]!);
    }
  }
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
  const idx: number[] = [];
  for (let i = 0; i < known.length; i++) if (known[i]) idx.push(i);
  if (!idx.length) return [...fallback];
  const lum = (i: number) => 0.2126 * rgb[i * 3]! + 0.7152 * rgb[i * 3 + 1]! + 0.0722 * rgb[i * 3 + 2]!;
  const L = Float64Array.from(idx, lum).sort();
  const lo = L[Math.floor(L.length * 0.3)]!, hi = L[Math.min(L.length - 1, Math.floor(L.length * 0.7))]!;
  const out = [0, 0, 0];
  let n = 0;
  for (const i of idx) {
    const l = lum(i);
    if (l < lo || l > hi) continue;
    for (let c = 0; c < 3; c++) out[c] += rgb[i * 3 + c]!;
    n++;
  }
  return n ? [out[0]! / n, out[1]! / n, out[2]! / n] : [...fallback];
}
