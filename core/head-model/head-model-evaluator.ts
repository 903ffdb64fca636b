import { addBasis } from './blend-kernel';
import type { HeadModel } from './head-model';
import { rodrigues } from './rodrigues';
import { SimdArena, type SimdBuffer } from './simd-blend';
import { vertexNormals } from './vertex-normals';

/** Parameters of one evaluation; missing coefficients count as zero. */
export interface HeadParams {
  /** Identity coefficients β. */
  shape?: ArrayLike<number>;
  /** Expression coefficients ψ. */
  expression?: ArrayLike<number>;
  /** Axis-angle per joint (J×3, radians), joint order of the model; joint 0 is the global rotation. */
  pose?: ArrayLike<number>;
  /** Translation added after skinning (metres). */
  translation?: ArrayLike<number>;
}

export interface HeadModelEvaluatorOptions {
  /** Compute vertex normals (skip when only landmarks are needed, e.g. in fitting). */
  normals: boolean;
  /**
   * Blend with WebAssembly SIMD where available (bases are copied into the module's memory once:
   * as many bytes again as the model's float32 bases). `false` uses the scalar JavaScript kernel.
   */
  simd: boolean;
  /**
   * `int16` keeps the SIMD copy of each basis row as int16 with its own scale (error ≤ max|row|/65534,
   * under 1 µm for ICT-FaceKit), halving the memory traffic the blend is bound by. `float32` is exact.
   */
  basisPrecision: 'float32' | 'int16';
}

export const HEAD_MODEL_EVALUATOR_DEFAULTS: HeadModelEvaluatorOptions = { normals: true, simd: true, basisPrecision: 'float32' };

/** The SIMD buffers of one evaluator. */
interface SimdState {
  arena: SimdArena;
  identity: SimdBuffer;
  shaped: SimdBuffer;
  posed: SimdBuffer;
  shape: SimdBuffer;
  expression: SimdBuffer;
  pose: SimdBuffer | null;
  /** Values per basis row (n rounded up to a multiple of 4, or of 8 for int16). */
  stride: number;
  /** Per-row scales of int16 bases (shape, expression, pose), null for float32. */
  scales: { shape: Float32Array; expression: Float32Array; pose: Float32Array } | null;
}

/** Outputs are views into buffers the evaluator reuses: copy them to keep a result past the next call. */
export interface HeadEvaluation {
  vertices: Float32Array;
  normals: Float32Array;
  /** L×3 landmark positions on the posed surface. */
  landmarks: Float32Array;
  /** J×3 posed joint positions. */
  joints: Float32Array;
  /** J×12 skinning transforms [R | t] row-major (rest → posed). */
  transforms: Float64Array;
}

/**
 * FLAME's forward model for any {@link HeadModel}, with every buffer allocated once.
 *
 * Steps, as FLAME (and DECA's FLAME layer) defines them: v_shaped = T + B_S(β) + B_E(ψ);
 * J = 𝒥·v_shaped; R_j = Rodrigues(θ_j); T_P = v_shaped + B_P(vec(R_j − I) for j ≥ 1); world
 * transforms along the kinematic tree; linear blend skinning with 𝒲. T + B_S(β) is cached
 * while β is unchanged, so per-frame evaluation with a fixed identity skips the identity basis.
 *
 * ```ts
 * const ev = new HeadModelEvaluator(model);
 * const { vertices, landmarks } = ev.evaluate({ shape: beta, expression: psi, pose: theta });
 * ```
 */
export class HeadModelEvaluator {
  private readonly opts: HeadModelEvaluatorOptions;
  private readonly n: number;
  private readonly J: number;
  private readonly identity: Float32Array;
  private identityKey: Float64Array | null = null;
  private readonly shaped: Float32Array;
  private readonly posed: Float32Array;
  private readonly simd: SimdState | null;
  private readonly restJoints: Float64Array;
  private readonly rot: Float64Array;
  private readonly feature: Float64Array;
  private readonly out: HeadEvaluation;
  /** Per-vertex list of joints with non-zero weight: skinning touches only those. */
  private readonly skinStart: Uint32Array;
  private readonly skinJoint: Uint8Array;
  private readonly skinWeight: Float32Array;

  constructor(
    readonly model: HeadModel,
    options: Partial<HeadModelEvaluatorOptions> = {},
  ) {
    this.opts = { ...HEAD_MODEL_EVALUATOR_DEFAULTS, ...options };
    const V = model.vertexCount;
    this.n = V * 3;
    this.J = model.joints.names.length;
    if (this.J > 255) throw new Error('at most 255 joints');
    this.simd = this.opts.simd ? createSimdState(model, this.opts.basisPrecision === 'int16') : null;
    this.identity = this.simd ? this.simd.identity.view.subarray(0, this.n) : new Float32Array(this.n);
    this.shaped = this.simd ? this.simd.shaped.view.subarray(0, this.n) : new Float32Array(this.n);
    this.posed = this.simd ? this.simd.posed.view.subarray(0, this.n) : new Float32Array(this.n);
    this.restJoints = new Float64Array(this.J * 3);
    this.rot = new Float64Array(this.J * 9);
    this.feature = new Float64Array(Math.max(0, this.J - 1) * 9);
    this.out = {
      vertices: new Float32Array(this.n),
      normals: new Float32Array(this.n),
      landmarks: new Float32Array(model.landmarks.faces.length * 3),
      joints: new Float32Array(this.J * 3),
      transforms: new Float64Array(this.J * 12),
    };
    const W = model.skinWeights;
    let nnz = 0;
    for (let i = 0; i < W.length; i++) if (W[i] !== 0) nnz++;
    this.skinStart = new Uint32Array(V + 1);
    this.skinJoint = new Uint8Array(nnz);
    this.skinWeight = new Float32Array(nnz);
    let p = 0;
    for (let v = 0; v < V; v++) {
      this.skinStart[v] = p;
      for (let j = 0; j < this.J; j++) {
        const w = W[v * this.J + j]!;
        if (w !== 0) {
          this.skinJoint[p] = j;
          this.skinWeight[p++] = w;
        }
      }
    }
    this.skinStart[V] = p;
  }

  /**
   * Evaluates the model; returns views into reused buffers.
   */
  evaluate(params: HeadParams): HeadEvaluation {
    const m = this.model;
    const { n, J, shaped, posed, rot, feature } = this;
    const pose = params.pose;
    if (pose && pose.length !== J * 3) throw new Error(`pose needs ${J}×3 values (${m.joints.names.join(', ')}), got ${pose.length}`);

    this.updateIdentity(params.shape);
    shaped.set(this.identity);
    if (params.expression) this.blend('expression', params.expression, m.expression.count);

    // Joints regressed from the shaped mesh (shape and expression, as in FLAME).
    const rj = this.restJoints;
    rj.fill(0);
    const R = m.joints.regressor;
    for (let i = 0; i < R.value.length; i++) {
      const w = R.value[i]!, j = R.row[i]! * 3, v = R.col[i]! * 3;
      rj[j] += w * shaped[v]!;
      rj[j + 1] += w * shaped[v + 1]!;
      rj[j + 2] += w * shaped[v + 2]!;
    }

    for (let j = 0; j < J; j++) rodrigues(pose ? pose[j * 3]! : 0, pose ? pose[j * 3 + 1]! : 0, pose ? pose[j * 3 + 2]! : 0, rot, j * 9);
    posed.set(shaped);
    if (m.pose) {
      for (let j = 1; j < J; j++) for (let e = 0; e < 9; e++) feature[(j - 1) * 9 + e] = rot[j * 9 + e]! - (e % 4 === 0 ? 1 : 0);
      this.blend('pose', feature, m.pose.count);
    }

    this.chainTransforms(params.translation);
    this.skin();
    if (this.opts.normals) vertexNormals(this.out.vertices, m.triangles, this.out.normals);
    this.landmarks();
    return this.out;
  }

  /** identity += B_S·β, shaped += B_E·ψ or posed += B_P·f, by SIMD when available. */
  private blend(which: 'shape' | 'expression' | 'pose', coef: ArrayLike<number>, count: number): void {
    const out = which === 'shape' ? this.identity : which === 'expression' ? this.shaped : this.posed;
    const simd = this.simd;
    if (!simd) {
      addBasis(out, this.model[which]!.data, coef, count, this.n);
      return;
    }
    const target = which === 'shape' ? simd.identity : which === 'expression' ? simd.shaped : simd.posed;
    const basis = simd[which]!;
    const used = Math.min(count, coef.length);
    const w = (k: number) => (k < used ? coef[k]! : 0);
    const scale = simd.scales?.[which];
    for (let k = 0; k < used; k += 4) {
      const w0 = w(k), w1 = w(k + 1), w2 = w(k + 2), w3 = w(k + 3);
      if (w0 === 0 && w1 === 0 && w2 === 0 && w3 === 0) continue;
      if (scale) simd.arena.blend4q(target, basis.offset + k * simd.stride * 2, w0 * scale[k]!, w1 * scale[k + 1]!, w2 * scale[k + 2]!, w3 * scale[k + 3]!, simd.stride);
      else simd.arena.blend4(target, basis.offset + k * simd.stride * 4, w0, w1, w2, w3, simd.stride);
    }
  }

  private updateIdentity(shape: ArrayLike<number> | undefined): void {
    const m = this.model;
    const count = Math.min(m.shape.count, shape?.length ?? 0);
    const key = this.identityKey;
    if (key && key.length === count) {
      let same = true;
      for (let k = 0; k < count && same; k++) same = key[k] === shape![k];
      if (same) return;
    }
    this.identity.set(m.template);
    if (shape && count) this.blend('shape', shape, count);
    this.identityKey = Float64Array.from({ length: count }, (_, k) => shape![k]!);
  }

  /** World transforms G_j = G_parent·[R_j | J_j − J_parent], then A_j = [R | t − R·J_j]. */
  private chainTransforms(translation: ArrayLike<number> | undefined): void {
    const { J, rot, restJoints: rj } = this;
    const T = this.out.transforms;
    const parents = this.model.joints.parents;
    const tx = translation ? translation[0]! : 0, ty = translation ? translation[1]! : 0, tz = translation ? translation[2]! : 0;
    for (let j = 0; j < J; j++) {
      const p = parents[j]!;
      const r = j * 9, o = j * 12;
      const lx = rj[j * 3]! - (p >= 0 ? rj[p * 3]! : 0);
      const ly = rj[j * 3 + 1]! - (p >= 0 ? rj[p * 3 + 1]! : 0);
      const lz = rj[j * 3 + 2]! - (p >= 0 ? rj[p * 3 + 2]! : 0);
      if (p < 0) {
        for (let a = 0; a < 3; a++) {
          T[o + a * 4] = rot[r + a * 3]!;
          T[o + a * 4 + 1] = rot[r + a * 3 + 1]!;
          T[o + a * 4 + 2] = rot[r + a * 3 + 2]!;
        }
        T[o + 3] = lx; T[o + 7] = ly; T[o + 11] = lz;
      } else {
        const q = p * 12;
        for (let a = 0; a < 3; a++) {
          const g0 = T[q + a * 4]!, g1 = T[q + a * 4 + 1]!, g2 = T[q + a * 4 + 2]!;
          for (let b = 0; b < 3; b++) T[o + a * 4 + b] = g0 * rot[r + b]! + g1 * rot[r + 3 + b]! + g2 * rot[r + 6 + b]!;
          T[o + a * 4 + 3] = g0 * lx + g1 * ly + g2 * lz + T[q + a * 4 + 3]!;
        }
      }
    }
    const pj = this.out.joints;
    for (let j = 0; j < J; j++) {
      const o = j * 12;
      pj[j * 3] = T[o + 3]! + tx; pj[j * 3 + 1] = T[o + 7]! + ty; pj[j * 3 + 2] = T[o + 11]! + tz;
    }
    // Relative transforms: A_j maps rest positions to posed ones; translation folded in.
    for (let j = J - 1; j >= 0; j--) {
      const o = j * 12;
      const x = rj[j * 3]!, y = rj[j * 3 + 1]!, z = rj[j * 3 + 2]!;
      T[o + 3] = T[o + 3]! - (T[o]! * x + T[o + 1]! * y + T[o + 2]! * z) + tx;
      T[o + 7] = T[o + 7]! - (T[o + 4]! * x + T[o + 5]! * y + T[o + 6]! * z) + ty;
      T[o + 11] = T[o + 11]! - (T[o + 8]! * x + T[o + 9]! * y + T[o + 10]! * z) + tz;
    }
  }

  private skin(): void {
    const { posed, skinStart, skinJoint, skinWeight } = this;
    const T = this.out.transforms;
    const out = this.out.vertices;
    const V = this.model.vertexCount;
    for (let v = 0; v < V; v++) {
      const i = v * 3;
      const x = posed[i]!, y = posed[i + 1]!, z = posed[i + 2]!;
      const s = skinStart[v]!, e = skinStart[v + 1]!;
      if (e === s + 1) {
        // One influence (most vertices): no matrix blend needed.
        const o = skinJoint[s]! * 12, w = skinWeight[s]!;
        out[i] = w * (T[o]! * x + T[o + 1]! * y + T[o + 2]! * z + T[o + 3]!);
        out[i + 1] = w * (T[o + 4]! * x + T[o + 5]! * y + T[o + 6]! * z + T[o + 7]!);
        out[i + 2] = w * (T[o + 8]! * x + T[o + 9]! * y + T[o + 10]! * z + T[o + 11]!);
        continue;
      }
      let ox = 0, oy = 0, oz = 0;
      for (let p = s; p < e; p++) {
        const o = skinJoint[p]! * 12, w = skinWeight[p]!;
        ox += w * (T[o]! * x + T[o + 1]! * y + T[o + 2]! * z + T[o + 3]!);
        oy += w * (T[o + 4]! * x + T[o + 5]! * y + T[o + 6]! * z + T[o + 7]!);
        oz += w * (T[o + 8]! * x + T[o + 9]! * y + T[o + 10]! * z + T[o + 11]!);
      }
      out[i] = ox; out[i + 1] = oy; out[i + 2] = oz;
    }
  }

  private landmarks(): void {
    const { faces, barycentric } = this.model.landmarks;
    const tri = this.model.triangles;
    const v = this.out.vertices;
    const L = this.out.landmarks;
    for (let l = 0; l < faces.length; l++) {
      const f = faces[l]! * 3;
      const a = tri[f]! * 3, b = tri[f + 1]! * 3, c = tri[f + 2]! * 3;
      const wa = barycentric[l * 3]!, wb = barycentric[l * 3 + 1]!, wc = barycentric[l * 3 + 2]!;
      for (let d = 0; d < 3; d++) L[l * 3 + d] = wa * v[a + d]! + wb * v[b + d]! + wc * v[c + d]!;
    }
  }
}

/** Lays the bases out in a SIMD arena (rows padded, row count to 4 rows); null without SIMD. */
function createSimdState(model: HeadModel, int16: boolean): SimdState | null {
  const arena = SimdArena.create();
  if (!arena) return null;
  const n = model.vertexCount * 3;
  const stride = Math.ceil(n / 8) * 8;
  const rows = (count: number) => Math.ceil(count / 4) * 4 * stride;
  const [identity, shaped, posed, shape, expression, pose] = arena.reserve(
    [n, n, n, rows(model.shape.count), rows(model.expression.count), model.pose ? rows(model.pose.count) : 0],
    [false, false, false, int16, int16, int16],
  );
  const fill = (dst: SimdBuffer, data: Float32Array, count: number): Float32Array => {
    const scales = new Float32Array(Math.ceil(count / 4) * 4);
    for (let k = 0; k < count; k++) {
      const row = data.subarray(k * n, (k + 1) * n);
      if (!int16) {
        dst.view.set(row, k * stride);
        continue;
      }
      let max = 0;
      for (let i = 0; i < n; i++) max = Math.max(max, Math.abs(row[i]!));
      const scale = max > 0 ? max / 32767 : 1;
      scales[k] = scale;
      const q = dst.int16!;
      for (let i = 0; i < n; i++) q[k * stride + i] = Math.round(row[i]! / scale);
    }
    return scales;
  };
  const s = fill(shape!, model.shape.data, model.shape.count);
  const e = fill(expression!, model.expression.data, model.expression.count);
  const p = model.pose ? fill(pose!, model.pose.data, model.pose.count) : new Float32Array(0);
  return { arena, identity: identity!, shaped: shaped!, posed: posed!, shape: shape!, expression: expression!, pose: model.pose ? pose! : null, stride, scales: int16 ? { shape: s, expression: e, pose: p } : null };
}
