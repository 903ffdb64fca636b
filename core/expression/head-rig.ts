import type { Basis, HeadModel } from '../head-model/head-model';
import { HeadModelEvaluator } from '../head-model/head-model-evaluator';
import { arkitName, ARKIT_BLENDSHAPES, SIDELESS_SPLIT_SHAPES } from './arkit-names';

/**
 * One subject's head as a rig a viewer can pose by itself: the subject's shape baked into the rest
 * mesh (no identity modes), the pack's expression shapes as sparse int16 deltas, the skeleton and
 * skinning, the pose correctives. A viewer builds a {@link HeadModel} from it ({@link rigHeadModel})
 * and evaluates it with the same evaluator the studio uses, so a slider move never goes back to the
 * studio's process and the posed head is the one exports and fits produce.
 */
export interface HeadRigArrays {
  /** V×3 rest vertices: the subject's shape, neutral expression (metres). */
  neutral: Float32Array;
  /** F×3 vertex indices (every triangle: normals are computed over all). */
  triangles: Uint32Array;
  /** Per expression shape: the vertices it moves, their deltas as int16 × `scale` (metres). */
  expressions: { name: string; indices: Uint32Array; deltas: Int16Array; scale: number }[];
  /** 52 × K: the pack's expression weights for one unit of each ARKit shape (row-major, ARKIT_BLENDSHAPES order). */
  arkitToExpression: Float32Array;
  joints: { names: string[]; parents: Int32Array; regressorRow: Uint32Array; regressorCol: Uint32Array; regressorValue: Float32Array };
  /** V×J skinning weights. */
  skinWeights: Float32Array;
  /** The pose-corrective basis (FLAME), sparse like the expressions, or null. */
  pose: { indices: Uint32Array; deltas: Int16Array; scale: number }[] | null;
}

export interface BuildHeadRigOptions {
  /** Deltas smaller than this (metres) are left out of the sparse shapes. */
  epsilon: number;
  /**
   * 52 × K ARKit → pack expression map for packs whose shapes have no ARKit names (FLAME), e.g. from
   * a geometric transfer; named packs (ICT-FaceKit, the starter head) map by name when null.
   */
  arkitToExpression: Float32Array | null;
}

export const BUILD_HEAD_RIG_DEFAULTS: BuildHeadRigOptions = { epsilon: 1e-6, arkitToExpression: null };

/**
 * The rig of a subject's head on a pack: their shape β baked in.
 *
 * ```ts
 * const rig = buildHeadRig(model, reconstruction.shape);
 * const again = new HeadModelEvaluator(rigHeadModel(rig)); // poses like the full model with β
 * ```
 */
export function buildHeadRig(model: HeadModel, shape: ArrayLike<number>, options: Partial<BuildHeadRigOptions> = {}): HeadRigArrays {
  const o = { ...BUILD_HEAD_RIG_DEFAULTS, ...options };
  const ev = new HeadModelEvaluator(model, { normals: false, simd: false });
  const J = model.joints.names.length;
  // Rest pose, no translation: the shaped template itself.
  const neutral = Float32Array.from(ev.evaluate({ shape, pose: new Float64Array(J * 3) }).vertices);
  const K = model.expression.count;
  const map = o.arkitToExpression ?? arkitExpressionMap(model.expression.names, K);
  if (map.length !== ARKIT_BLENDSHAPES.length * K) throw new Error(`arkitToExpression needs ${ARKIT_BLENDSHAPES.length}×${K} values, got ${map.length}`);
  const R = model.joints.regressor;
  return {
    neutral,
    triangles: Uint32Array.from(model.triangles),
    expressions: sparseBasis(model.expression, model.vertexCount, o.epsilon).map((s, k) => ({ name: model.expression.names[k] ?? `exp_${String(k).padStart(2, '0')}`, ...s })),
    arkitToExpression: Float32Array.from(map),
    joints: { names: [...model.joints.names], parents: Int32Array.from(model.joints.parents), regressorRow: Uint32Array.from(R.row), regressorCol: Uint32Array.from(R.col), regressorValue: Float32Array.from(R.value) },
    skinWeights: Float32Array.from(model.skinWeights),
    pose: model.pose ? sparseBasis(model.pose, model.vertexCount, o.epsilon) : null,
  };
}

/**
 * The head model a rig describes (identity modes none: the shape is in the rest mesh), ready for a
 * {@link HeadModelEvaluator}. No UVs, landmarks or regions: a viewer takes those from the mesh it drew.
 *
 * ```ts
 * const ev = new HeadModelEvaluator(rigHeadModel(rig), { simd: false });
 * ```
 */
export function rigHeadModel(rig: HeadRigArrays): HeadModel {
  const V = rig.neutral.length / 3;
  const J = rig.joints.names.length;
  if (!Number.isInteger(V) || V < 1) throw new Error('A head rig needs rest vertices (V×3)');
  if (rig.skinWeights.length !== V * J) throw new Error(`A head rig needs ${V}×${J} skinning weights, got ${rig.skinWeights.length}`);
  if (rig.triangles.some((v) => v >= V)) throw new Error('A head rig triangle names a vertex it does not have');
  const dense = (shapes: { indices: Uint32Array; deltas: Int16Array; scale: number }[], names: string[]): Basis => {
    const data = new Float32Array(shapes.length * V * 3);
    shapes.forEach((s, k) => {
      if (s.deltas.length !== s.indices.length * 3) throw new Error(`Rig shape ${k}: ${s.indices.length} vertices but ${s.deltas.length} delta values`);
      for (let i = 0; i < s.indices.length; i++) {
        const v = s.indices[i]!;
        if (v >= V) throw new Error(`Rig shape ${k} names vertex ${v} of ${V}`);
        for (let d = 0; d < 3; d++) data[k * V * 3 + v * 3 + d] = s.deltas[i * 3 + d]! * s.scale;
      }
    });
    return { count: shapes.length, data, names };
  };
  const R = rig.joints;
  return {
    id: 'rig',
    name: 'rig',
    source: '',
    license: '',
    vertexCount: V,
    template: rig.neutral,
    triangles: rig.triangles,
    uv: null,
    shape: { count: 0, data: new Float32Array(0), names: [] },
    expression: dense(rig.expressions, rig.expressions.map((e) => e.name)),
    pose: rig.pose ? dense(rig.pose, []) : null,
    joints: { names: R.names, parents: R.parents, regressor: { rows: J, cols: V, row: R.regressorRow, col: R.regressorCol, value: R.regressorValue } },
    skinWeights: rig.skinWeights,
    landmarks: { faces: new Uint32Array(0), barycentric: new Float32Array(0), dynamicContour: null },
    regions: {},
  };
}

/**
 * The pack expression weights for ARKit weights: ψ = Mᵀ a with the rig's 52 × K map (a named pack's
 * map is 0/1, so ARKit's [0, 1] weights stay in the pack's box).
 *
 * ```ts
 * const psi = arkitToRigExpression(rig.arkitToExpression, arkit, rig.expressions.length);
 * ```
 */
export function arkitToRigExpression(map: Float32Array, arkit: ArrayLike<number>, K: number, out = new Float64Array(K)): Float64Array {
  out.fill(0);
  for (let a = 0; a < ARKIT_BLENDSHAPES.length; a++) {
    const w = arkit[a] ?? 0;
    if (w === 0) continue;
    for (let k = 0; k < K; k++) out[k] += w * map[a * K + k]!;
  }
  return out;
}

/**
 * ARKit → pack map by name (ICT-FaceKit's `eyeBlink_L`, the starter head's ARKit names): each ARKit
 * shape drives the pack shape of its name, and a sideless shape (browInnerUp, cheekPuff) drives both
 * halves a pack splits it into. Unnamed shapes (FLAME's PCA modes) get no row: their map comes from
 * a geometric transfer instead.
 *
 * ```ts
 * const M = arkitExpressionMap(model.expression.names, model.expression.count);
 * ```
 */
export function arkitExpressionMap(names: readonly string[], K: number): Float32Array {
  const M = new Float32Array(ARKIT_BLENDSHAPES.length * K);
  for (let k = 0; k < K; k++) {
    const name = names[k] ?? '';
    let a = ARKIT_BLENDSHAPES.indexOf(arkitName(name) as (typeof ARKIT_BLENDSHAPES)[number]);
    if (a < 0) {
      const base = SIDELESS_SPLIT_SHAPES.find((s) => new RegExp(`^${s}[_.-]?(L|R|Left|Right)$`, 'i').test(name));
      if (base) a = ARKIT_BLENDSHAPES.indexOf(base);
    }
    if (a >= 0) M[a * K + k] = 1;
  }
  return M;
}

/**
 * Per-vertex values (V×3) copied out per drawn corner (`corners`: a vertex index each), the layout
 * the 3D views draw (no index buffer, so UV seams need no split vertices).
 *
 * ```ts
 * cornerValues(posed.vertices, cornerVertices, positions);
 * ```
 */
export function cornerValues(values: ArrayLike<number>, corners: ArrayLike<number>, out: Float32Array): Float32Array {
  for (let i = 0; i < corners.length; i++) {
    const v = corners[i]! * 3, o = i * 3;
    out[o] = values[v]!;
    out[o + 1] = values[v + 1]!;
    out[o + 2] = values[v + 2]!;
  }
  return out;
}

/** A component-major basis as sparse int16 shapes (one scale per shape: error ≤ max|Δ| / 32767). */
function sparseBasis(basis: Basis, V: number, epsilon: number): { indices: Uint32Array; deltas: Int16Array; scale: number }[] {
  const out: { indices: Uint32Array; deltas: Int16Array; scale: number }[] = [];
  for (let k = 0; k < basis.count; k++) {
    const row = basis.data.subarray(k * V * 3, (k + 1) * V * 3);
    let max = 0;
    const kept: number[] = [];
    for (let v = 0; v < V; v++) {
      const m = Math.max(Math.abs(row[v * 3]!), Math.abs(row[v * 3 + 1]!), Math.abs(row[v * 3 + 2]!));
      if (m > epsilon) kept.push(v);
      max = Math.max(max, m);
    }
    const scale = max > 0 ? max / 32767 : 1;
    const deltas = new Int16Array(kept.length * 3);
    kept.forEach((v, i) => {
      for (let d = 0; d < 3; d++) deltas[i * 3 + d] = Math.round(row[v * 3 + d]! / scale);
    });
    out.push({ indices: Uint32Array.from(kept), deltas, scale });
  }
  return out;
}
