import type { DetailObservation } from './detail-observation';
import type { DetailTexels } from './detail-texels';
import { texelGradient, texelGradientAdjoint } from './texel-gradient';

/**
 * What the detail solve fits: per photo i a static displacement S_i and, shared by the photos, one
 * wrinkle map W_g per expression group g; photo i's displacement is D_i = S_i + Σ_g a_ig·W_g with
 * a_ig the group's activation in that photo (from its expression and jaw).
 */
export interface DetailSolveInput {
  texels: DetailTexels;
  observations: readonly DetailObservation[];
  /** Per photo: the activation of each expression group. */
  activations: readonly ArrayLike<number>[];
  /** Per group: 1 for the texels where its wrinkles may form (where its blendshapes compress the skin). */
  supports: readonly Uint8Array[];
}

/**
 * DECA's detail losses as weights of one least-squares problem (displacements in millimetres):
 * - L_phoD: each photo's colour against albedo ⊙ shading of its detailed normals (linearised);
 * - L_dc (`consistency`): photo i is also explained by every other photo's static detail with its
 *   own wrinkles, F(δ_j, ψ_i) — what makes a detail code swappable between photos of the person;
 * - the role of L_mrf (`feature`): local image structure — the UV gradient of the unexplained
 *   luminance against that of the detail's shading — so edges of folds and wrinkles line up even
 *   where light or albedo are off by a smooth amount;
 * - L_sym (`symmetry`): a displacement is tied to its mirror image (soft);
 * - L_regD (`sparsity`): L1 on D (iteratively reweighted), and `smoothness` on its gradient (the scale prior).
 */
export interface DetailSolveOptions {
  consistency: number;
  feature: number;
  symmetry: number;
  sparsity: number;
  smoothness: number;
  /**
   * The detail layer is relief, not shape: the mean of D over patches of `lowFrequencyPatch` texels
   * (at 256², scaled with the map) is pulled to 0 with this weight, so broad shading errors of the
   * light or the coarse shape are not explained by tilting whole cheeks.
   */
  lowFrequency: number;
  lowFrequencyPatch: number;
  /** Extra L2 on the wrinkle maps (they are seen only when their expression is). */
  wrinklePrior: number;
  /** Reweighting rounds of the L1 term, and conjugate-gradient iterations per round. */
  rounds: number;
  iterations: number;
  tolerance: number;
  /** Keep these wrinkle maps (estimating a photo's static detail alone against a known decoder). */
  fixedWrinkles: readonly Float32Array[] | null;
  /** Asked between iterations; true stops the solve (a cancelled job). */
  shouldStop: (() => boolean) | null;
}

/**
 * Weights measured on the synthetic truth (ICT-FaceKit, 6 rendered views; see the detail tests):
 * static detail correlation 0.83, wrinkles 0.76–0.85 in their expressions' views and ≤ 4 % of that
 * amplitude elsewhere, normal error 0.59× the coarse surface's; and on the London photos (4 people,
 * 6 views): the photometric error 12–21 % below the coarse surface's per person. `lowFrequency` is
 * the compromise between the two: without it the synthetic static detail correlates 0.93 but on
 * real photos the detail tilts whole cheeks and foreheads (±0.5 mm blobs) to absorb the light's and
 * the coarse shape's broad errors; stronger, it also flattens real one-sided folds. A stronger
 * smoothness or feature term trades the normals' accuracy for a lower photometric error.
 */
export const DETAIL_SOLVE_DEFAULTS: DetailSolveOptions = {
  consistency: 0.5,
  feature: 1e-4,
  symmetry: 0.02,
  sparsity: 5e-5,
  smoothness: 2e-7,
  lowFrequency: 3e-3,
  lowFrequencyPatch: 32,
  wrinklePrior: 1e-4,
  rounds: 2,
  iterations: 100,
  tolerance: 1e-3,
  fixedWrinkles: null,
  shouldStop: null,
};

export interface DetailSolveResult {
  /** Per photo: the static displacement (metres) per compact texel. */
  statics: Float32Array[];
  /** Per group: the wrinkle map (metres per unit activation) per compact texel. */
  wrinkles: Float32Array[];
  /** Conjugate-gradient iterations in all. */
  iterations: number;
}

/** Unknowns are millimetres: the shading Jacobian is scaled to match. */
const MM = 1e-3;
/** Luminance weights of the feature term. */
const LUMA = [0.299, 0.587, 0.114] as const;
/** Residuals beyond this many times a photo's median one are down-weighted (Huber). */
const HUBER = 3;
/** |D| below which the L1 term's reweighting stops growing (mm). */
const L1_FLOOR = 0.05;

/**
 * The detail stage's joint solve for one person's photos (see {@link DetailSolveInput} and
 * {@link DetailSolveOptions}): conjugate gradients on the normal equations, matrix-free, with the
 * photos' per-texel quadratic forms precomputed so the consistency term costs one extra pass, not one
 * per pair of photos.
 *
 * ```ts
 * const { statics, wrinkles } = solveDetail({ texels, observations, activations, supports });
 * ```
 */
export function solveDetail(input: DetailSolveInput, options: Partial<DetailSolveOptions> = {}): DetailSolveResult {
  const o = { ...DETAIL_SOLVE_DEFAULTS, ...options };
  const { texels, observations: obs, activations } = input;
  const K = texels.texel.length, n = obs.length;
  const fixed = o.fixedWrinkles;
  const G = fixed ? 0 : input.supports.length;
  const blocks = n + G;
  // Per photo: H (2×2 sym: uu, uv, vv), b (2), the evidence weight (robustly reweighted after the
  // first round), the luminance residual and κ (2) of the feature term.
  const robust = obs.map((ob) => Float64Array.from(ob.weight));
  const H = obs.map(() => ({ h: new Float64Array(K * 3), b: new Float64Array(K * 2), lum: new Float64Array(K), kap: new Float64Array(K * 2), w: new Float64Array(K) }));
  const c = (i: number, j: number) => (i === j ? 1 : n > 1 ? o.consistency / (n - 1) : 0);
  const C = 1 + (n > 1 ? o.consistency : 0);
  const Ht = Array.from({ length: n }, () => new Float64Array(K * 3));
  const forms = () => {
    obs.forEach((ob, i) => {
      const { h, b, lum, kap, w } = H[i]!;
      h.fill(0), b.fill(0), lum.fill(0), kap.fill(0);
      for (let t = 0; t < K; t++) {
        const wt = robust[i]![t]!;
        w[t] = wt;
        if (!wt) continue;
        let huu = 0, huv = 0, hvv = 0, bu = 0, bv = 0, l = 0, ku = 0, kv = 0;
        for (let ch = 0; ch < 3; ch++) {
          const a = ob.k[t * 6 + ch * 2]! * MM, bb = ob.k[t * 6 + ch * 2 + 1]! * MM, r = ob.residual[t * 3 + ch]!;
          huu += a * a;
          huv += a * bb;
          hvv += bb * bb;
          bu += a * r;
          bv += bb * r;
          l += LUMA[ch] * r;
          ku += LUMA[ch] * a;
          kv += LUMA[ch] * bb;
        }
        h[t * 3] = wt * huu;
        h[t * 3 + 1] = wt * huv;
        h[t * 3 + 2] = wt * hvv;
        b[t * 2] = wt * bu;
        b[t * 2 + 1] = wt * bv;
        lum[t] = l;
        kap[t * 2] = ku;
        kap[t * 2 + 1] = kv;
      }
    });
    // H̃_j = Σ_i c_ij H_i: photo j's static detail must explain every photo.
    for (let j = 0; j < n; j++) {
      const out = Ht[j]!;
      out.fill(0);
      for (let i = 0; i < n; i++) {
        const cij = c(i, j);
        if (!cij) continue;
        const h = H[i]!.h;
        for (let q = 0; q < K * 3; q++) out[q] += cij * h[q]!;
      }
    }
  };
  forms();
  const supports = input.supports.slice(0, G);

  const gu = new Float64Array(K), gv = new Float64Array(K), pu = new Float64Array(K), pv = new Float64Array(K), fld = new Float64Array(K);
  /** out += Gᵀ h G x (h per texel 2×2). */
  const quad = (h: Float64Array, x: ArrayLike<number>, out: Float64Array, scale = 1) => {
    texelGradient(texels, x, gu, gv);
    for (let t = 0; t < K; t++) {
      pu[t] = scale * (h[t * 3]! * gu[t]! + h[t * 3 + 1]! * gv[t]!);
      pv[t] = scale * (h[t * 3 + 1]! * gu[t]! + h[t * 3 + 2]! * gv[t]!);
    }
    texelGradientAdjoint(texels, pu, pv, out);
  };
  /** out += λ_f Lκᵀ Gᵀ W G Lκ x for photo i (the feature term's normal operator). */
  const feature = (i: number, x: ArrayLike<number>, out: Float64Array, scale = 1) => {
    if (!o.feature) return;
    const { kap, w } = H[i]!;
    texelGradient(texels, x, gu, gv);
    for (let t = 0; t < K; t++) fld[t] = kap[t * 2]! * gu[t]! + kap[t * 2 + 1]! * gv[t]!;
    texelGradient(texels, fld, pu, pv);
    for (let t = 0; t < K; t++) (pu[t] *= w[t]! * o.feature * scale), (pv[t] *= w[t]! * o.feature * scale);
    fld.fill(0);
    texelGradientAdjoint(texels, pu, pv, fld);
    for (let t = 0; t < K; t++) (pu[t] = kap[t * 2]! * fld[t]!), (pv[t] = kap[t * 2 + 1]! * fld[t]!);
    texelGradientAdjoint(texels, pu, pv, out);
  };

  const U = Array.from({ length: n }, () => new Float64Array(K));
  const wrinkleSum = (x: Float64Array[], i: number, out: Float64Array) => {
    out.fill(0);
    const maps = fixed ?? x.slice(n);
    const a = activations[i]!;
    for (let g = 0; g < maps.length; g++) {
      const ag = a[g] ?? 0;
      if (!ag) continue;
      const m = maps[g]!, f = fixed ? ag / MM : ag;
      for (let t = 0; t < K; t++) out[t] += f * m[t]!;
    }
  };

  // The right-hand side (built again when the robust weights change).
  const rhs = Array.from({ length: blocks }, () => new Float64Array(K));
  const tmp = new Float64Array(K);
  const buildRhs = () => {
    for (const v of rhs) v.fill(0);
    for (let i = 0; i < n; i++) {
      const { b, lum, w } = H[i]!;
      const Gb = new Float64Array(K);
      for (let t = 0; t < K; t++) (pu[t] = b[t * 2]!), (pv[t] = b[t * 2 + 1]!);
      texelGradientAdjoint(texels, pu, pv, Gb);
      // The feature term's right-hand side: Lκᵀ Gᵀ W G ℓ.
      const Fb = new Float64Array(K);
      if (o.feature) {
        texelGradient(texels, lum, pu, pv);
        for (let t = 0; t < K; t++) (pu[t] *= w[t]! * o.feature), (pv[t] *= w[t]! * o.feature);
        tmp.fill(0);
        texelGradientAdjoint(texels, pu, pv, tmp);
        const { kap } = H[i]!;
        for (let t = 0; t < K; t++) (pu[t] = kap[t * 2]! * tmp[t]!), (pv[t] = kap[t * 2 + 1]! * tmp[t]!);
        texelGradientAdjoint(texels, pu, pv, Fb);
      }
      for (let j = 0; j < n; j++) {
        const cij = c(i, j);
        if (cij) for (let t = 0; t < K; t++) rhs[j]![t] += cij * Gb[t]!;
      }
      for (let t = 0; t < K; t++) rhs[i]![t] += Fb[t]!;
      for (let g = 0; g < G; g++) {
        const ag = activations[i]![g] ?? 0;
        if (ag) for (let t = 0; t < K; t++) rhs[n + g]![t] += ag * (C * Gb[t]! + Fb[t]!);
      }
    }
    if (fixed) {
      // Known wrinkles: their share of every data term moves to the right-hand side.
      for (let i = 0; i < n; i++) wrinkleSum([], i, U[i]!);
      for (let i = 0; i < n; i++) {
        tmp.fill(0);
        quad(H[i]!.h, U[i]!, tmp);
        for (let j = 0; j < n; j++) {
          const cij = c(i, j);
          if (cij) for (let t = 0; t < K; t++) rhs[j]![t] -= cij * tmp[t]!;
        }
        tmp.fill(0);
        feature(i, U[i]!, tmp);
        for (let t = 0; t < K; t++) rhs[i]![t] -= tmp[t]!;
      }
    }
    for (let g = 0; g < G; g++) for (let t = 0; t < K; t++) if (!supports[g]![t]) rhs[n + g]![t] = 0;
  };
  buildRhs();

  // Regulariser weights: L1 by reweighting (|x| from the previous round), smoothness, symmetry.
  const l1 = Array.from({ length: blocks }, () => new Float64Array(K).fill(o.sparsity / L1_FLOOR));
  const patches = o.lowFrequency > 0 ? patchGrids(texels, Math.max(2, Math.round((o.lowFrequencyPatch * texels.density) / 256))) : [];
  const patchMean = new Float64Array(patches.reduce((m, p) => Math.max(m, p.count.length), 0));
  const V = Array.from({ length: n }, () => new Float64Array(K)), Z = Array.from({ length: n }, () => new Float64Array(K));
  const D = new Float64Array(K), Y = new Float64Array(K);
  // Σ_j c_ij v_j = (1 − c)·v_i + c·Σ_j v_j with c = consistency/(n − 1): one sum, not n² passes.
  const cOff = n > 1 ? o.consistency / (n - 1) : 0, cSelf = 1 - cOff;
  const sumX = new Float64Array(K), sumV = new Float64Array(K);
  const apply = (x: Float64Array[], out: Float64Array[]) => {
    for (const v of out) v.fill(0);
    if (G) for (let i = 0; i < n; i++) wrinkleSum(x, i, U[i]!);
    sumX.fill(0), sumV.fill(0);
    for (let i = 0; i < n; i++) {
      const Vi = V[i]!, xi = x[i]!;
      Vi.fill(0);
      Z[i]!.fill(0);
      if (G) quad(H[i]!.h, U[i]!, Vi);
      for (let t = 0; t < K; t++) (sumX[t] += xi[t]!), (sumV[t] += Vi[t]!);
    }
    for (let j = 0; j < n; j++) {
      const oj = out[j]!, Vj = V[j]!;
      quad(Ht[j]!, x[j]!, oj);
      if (G) for (let t = 0; t < K; t++) oj[t] += cSelf * Vj[t]! + cOff * sumV[t]!;
    }
    // Feature term on each photo's own displacement D_i = S_i + U_i.
    for (let i = 0; i < n; i++) {
      const xi = x[i]!, Ui = U[i]!, oi = out[i]!;
      if (G) for (let t = 0; t < K; t++) D[t] = xi[t]! + Ui[t]!;
      else D.set(xi);
      tmp.fill(0);
      feature(i, D, tmp);
      for (let t = 0; t < K; t++) oi[t] += tmp[t]!;
      if (!G) continue;
      // Z_i = Q_i(Σ_j c_ij S_j) + C·V_i + F_i(D_i): what photo i's wrinkle groups see.
      for (let t = 0; t < K; t++) Y[t] = cSelf * xi[t]! + cOff * sumX[t]!;
      const Zi = Z[i]!, Vi = V[i]!;
      quad(H[i]!.h, Y, Zi);
      for (let t = 0; t < K; t++) Zi[t] += C * Vi[t]! + tmp[t]!;
      for (let g = 0; g < G; g++) {
        const ag = activations[i]![g] ?? 0;
        const og = out[n + g]!;
        if (ag) for (let t = 0; t < K; t++) og[t] += ag * Zi[t]!;
      }
    }
    for (let q = 0; q < blocks; q++) regularise(x[q]!, out[q]!, l1[q]!, q >= n ? o.wrinklePrior : 0);
    for (let g = 0; g < G; g++) {
      const og = out[n + g]!, sg = supports[g]!;
      for (let t = 0; t < K; t++) if (!sg[t]) og[t] = 0;
    }
  };
  // Smoothness on neighbour differences (a graph Laplacian): central differences, which the data
  // terms use, cannot see a texel-sized checkerboard, so the prior must.
  const nbr = texels.neighbours, lap = o.smoothness * texels.density * texels.density;
  const regularise = (x: Float64Array, out: Float64Array, w1: Float64Array, extra: number) => {
    for (let t = 0; t < K; t++) {
      let acc = (w1[t]! + extra) * x[t]!;
      const xt = x[t]!;
      for (let q = 0; q < 4; q++) {
        const m = nbr[t * 4 + q]!;
        if (m >= 0) acc += lap * (xt - x[m]!);
      }
      out[t] += acc;
    }
    for (const { id, count } of patches) {
      patchMean.fill(0);
      for (let t = 0; t < K; t++) patchMean[id[t]!] += x[t]!;
      for (let b = 0; b < count.length; b++) patchMean[b] = count[b] ? (o.lowFrequency * patchMean[b]!) / count[b]! : 0;
      for (let t = 0; t < K; t++) out[t] += patchMean[id[t]!]!;
    }
    if (o.symmetry) {
      const m = texels.mirror;
      for (let t = 0; t < K; t++) {
        const p = m[t]!;
        if (p < 0) continue;
        const e = o.symmetry * (x[t]! - x[p]!);
        out[t] += e;
        out[p] -= e;
      }
    }
  };

  /**
   * Huber weights on each photo's texels: where the linearised detail leaves a residual far above
   * the photo's typical one (silhouettes, eye and nostril edges, hair the mask let through), the
   * texel counts less — those are not detail.
   */
  const reweight = (x: Float64Array[]) => {
    for (let i = 0; i < n; i++) {
      const ob = obs[i]!;
      if (G) wrinkleSum(x, i, U[i]!);
      const D = Float64Array.from(x[i]!, (v, t) => v + (G || fixed ? U[i]![t]! : 0));
      texelGradient(texels, D, gu, gv);
      const e = new Float64Array(K);
      const seen: number[] = [];
      for (let t = 0; t < K; t++) {
        if (!ob.weight[t]) continue;
        let s2 = 0;
        for (let ch = 0; ch < 3; ch++) s2 += (ob.residual[t * 3 + ch]! - MM * (ob.k[t * 6 + ch * 2]! * gu[t]! + ob.k[t * 6 + ch * 2 + 1]! * gv[t]!)) ** 2;
        e[t] = Math.sqrt(s2 / 3);
        seen.push(e[t]!);
      }
      seen.sort((p, q) => p - q);
      const limit = HUBER * (seen[seen.length >> 1] ?? 0) + 1e-6;
      for (let t = 0; t < K; t++) robust[i]![t] = ob.weight[t]! * (e[t]! > limit ? limit / e[t]! : 1);
    }
  };

  /** diag(Gᵀ h G) per texel: each texel's weight in the gradient stencils it belongs to. */
  const stencilDiag = (h: Float64Array, out: Float64Array, scale: number) => {
    const N = texels.size, hh = N / 2, nb = texels.neighbours;
    for (let s = 0; s < K; s++) {
      const uu = h[s * 3]! * scale, vv = h[s * 3 + 2]! * scale;
      const l = nb[s * 4]!, r = nb[s * 4 + 1]!, up = nb[s * 4 + 2]!, dn = nb[s * 4 + 3]!;
      if (l >= 0 && r >= 0) (out[l] += uu * hh * hh), (out[r] += uu * hh * hh);
      else if (l >= 0 || r >= 0) (out[s] += uu * N * N), (out[l >= 0 ? l : r] += uu * N * N);
      if (up >= 0 && dn >= 0) (out[up] += vv * hh * hh), (out[dn] += vv * hh * hh);
      else if (up >= 0 || dn >= 0) (out[s] += vv * N * N), (out[up >= 0 ? up : dn] += vv * N * N);
    }
  };
  /** The Jacobi preconditioner: the inverse of the normal matrix's diagonal (cross terms left out). */
  const jacobi = (): Float64Array[] => {
    const d = Array.from({ length: blocks }, () => new Float64Array(K));
    for (let j = 0; j < n; j++) stencilDiag(Ht[j]!, d[j]!, 1);
    for (let g = 0; g < G; g++) for (let i = 0; i < n; i++) {
      const ag = activations[i]![g] ?? 0;
      if (ag) stencilDiag(H[i]!.h, d[n + g]!, ag * ag * C);
    }
    for (let q = 0; q < blocks; q++) {
      const dq = d[q]!;
      for (let t = 0; t < K; t++) for (let m = 0; m < 4; m++) if (nbr[t * 4 + m]! >= 0) dq[t] += lap;
      for (const { id, count } of patches) for (let t = 0; t < K; t++) dq[t] += o.lowFrequency / count[id[t]!]!;
      for (let t = 0; t < K; t++) {
        dq[t] += l1[q]![t]! + (q >= n ? o.wrinklePrior : 0) + (texels.mirror[t]! >= 0 ? 2 * o.symmetry : 0);
        dq[t] = dq[t]! > 0 ? 1 / dq[t]! : 0;
      }
      if (q >= n) for (let t = 0; t < K; t++) if (!supports[q - n]![t]) dq[t] = 0;
    }
    return d;
  };

  const x = Array.from({ length: blocks }, () => new Float64Array(K));
  let iterations = 0;
  for (let round = 0; round < Math.max(1, o.rounds); round++) {
    if (round > 0) {
      for (let q = 0; q < blocks; q++) for (let t = 0; t < K; t++) l1[q]![t] = o.sparsity / Math.max(L1_FLOOR, Math.abs(x[q]![t]!));
      reweight(x);
      forms();
      buildRhs();
    }
    iterations += conjugateGradient(apply, rhs, x, jacobi(), o.iterations, o.tolerance, o.shouldStop);
    if (o.shouldStop?.()) break;
  }
  return {
    statics: x.slice(0, n).map((s) => Float32Array.from(s, (v) => v * MM)),
    wrinkles: fixed ? fixed.map((w) => Float32Array.from(w)) : x.slice(n).map((w) => Float32Array.from(w, (v) => v * MM)),
    iterations,
  };
}

/**
 * Two grids of square patches over the map, the second offset by half a patch (so no texel sits
 * always at a patch's edge): per grid, each texel's patch and the patches' texel counts.
 */
function patchGrids(texels: DetailTexels, patch: number): { id: Int32Array; count: Float64Array }[] {
  const N = texels.size, per = Math.ceil(N / patch) + 1;
  return [0, Math.floor(patch / 2)].map((shift) => {
    const id = new Int32Array(texels.texel.length), count = new Float64Array(per * per);
    texels.texel.forEach((map, t) => {
      const x = Math.floor(((map % N) + shift) / patch), y = Math.floor((Math.floor(map / N) + shift) / patch);
      id[t] = y * per + x;
      count[id[t]!]++;
    });
    return { id, count };
  });
}

/** Preconditioned conjugate gradients on blocks of vectors (diagonal preconditioner), from the given start; returns the iterations run. */
function conjugateGradient(apply: (x: Float64Array[], out: Float64Array[]) => void, b: Float64Array[], x: Float64Array[], M: Float64Array[], maxIt: number, tol: number, shouldStop: (() => boolean) | null): number {
  const B = b.length;
  const r = b.map((v) => Float64Array.from(v)), Ap = b.map((v) => new Float64Array(v.length));
  apply(x, Ap);
  for (let q = 0; q < B; q++) axpy(r[q]!, -1, Ap[q]!);
  const z = r.map((v, q) => Float64Array.from(v, (e, t) => e * M[q]![t]!));
  const p = z.map((v) => Float64Array.from(v));
  const dot = (a: Float64Array[], c: Float64Array[]) => {
    let s = 0;
    for (let q = 0; q < a.length; q++) s += dot1(a[q]!, c[q]!);
    return s;
  };
  const bn = Math.sqrt(dot(b, b)) || 1;
  let rz = dot(r, z);
  let it = 0;
  for (; it < maxIt && Math.sqrt(dot(r, r)) > tol * bn; it++) {
    if (shouldStop?.()) break;
    apply(p, Ap);
    const pAp = dot(p, Ap);
    if (!(pAp > 0)) break;
    const alpha = rz / pAp;
    let next = 0;
    for (let q = 0; q < B; q++) {
      const xq = x[q]!, rq = r[q]!, pq = p[q]!, aq = Ap[q]!, zq = z[q]!, mq = M[q]!;
      for (let t = 0; t < xq.length; t++) {
        xq[t] += alpha * pq[t]!;
        const e = rq[t]! - alpha * aq[t]!;
        rq[t] = e;
        const f = e * mq[t]!;
        zq[t] = f;
        next += e * f;
      }
    }
    const beta = next / rz;
    rz = next;
    for (let q = 0; q < B; q++) {
      const pq = p[q]!, zq = z[q]!;
      for (let t = 0; t < pq.length; t++) pq[t] = zq[t]! + beta * pq[t]!;
    }
  }
  return it;
}

function dot1(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let t = 0; t < a.length; t++) s += a[t]! * b[t]!;
  return s;
}

function axpy(y: Float64Array, a: number, x: Float64Array): void {
  for (let t = 0; t < y.length; t++) y[t] += a * x[t]!;
}
