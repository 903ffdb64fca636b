import type { HeadModel } from '../head-model/head-model';
import { HeadModelEvaluator } from '../head-model/head-model-evaluator';
import { solveLinear } from '../head-model/small-linalg';
import { ARKIT_BLENDSHAPES } from './arkit-names';
import { arkitColumns, arkitModes, arkitShapeCount } from './arkit-basis';
import { correspondingPoints, pointFrame, pointValues, sharedCorrespondence } from './corresponding-points';
import type { ExpressionRecord } from './expression-record';

export interface ArkitToPackOptions {
  /** The installed ICT-FaceKit pack: the ARKit shapes a pack without ARKit names (FLAME) is fitted to. */
  ict: HeadModel | null;
  /** PCA packs: ridge on ψ (their modes are unit-variance, so this is a prior), relative to the mean squared size of the modes at the points. */
  ridge: number;
  /** PCA packs: the jaw opening the fit may use (radians about +X), as [min, max]. */
  jawRange: [number, number];
}

export const ARKIT_TO_PACK_DEFAULTS: ArkitToPackOptions = { ict: null, ridge: 0.05, jawRange: [-0.05, 0.6] };

/** A pack's own expression parameters for an ARKit expression. */
export interface PackExpression {
  /** The target pack's ψ (its expression.count values). */
  expression: Float64Array;
  /** The jaw joint's axis-angle (radians). */
  jaw: [number, number, number];
}

/**
 * An ARKit expression on any pack (retargeting): the pack's ψ and jaw rotation.
 *
 * - **Packs with ARKit-named shapes** (ICT-FaceKit, the starter head): through the names — each
 *   shape takes its ARKit weight, both halves of a split sideless shape (ICT's `browInnerUp_L`/`_R`,
 *   `cheekPuff_L`/`_R`) take the sideless weight; shapes without an ARKit name stay 0. The jaw joint
 *   stays at rest: the mouth's opening is in the jawOpen shape.
 * - **Packs without names** (FLAME's PCA modes): least squares at the points both heads share (see
 *   {@link sharedCorrespondence}) — ICT-FaceKit's ARKit shapes at the weights give displacements
 *   there, carried into the pack's frame by the heads' similarity (size and orientation), which the
 *   pack's modes (ridge-regularised) and its jaw rotation about +X reproduce. Needs `ict`.
 *
 * The record's `jawPose` is not added on top: the ARKit weights already describe the jaw's opening
 * (jawOpen, jawLeft/Right/Forward), so retargeting stays consistent between packs.
 *
 * ```ts
 * const { expression, jaw } = arkitToPack(record, flame, { ict });
 * evaluator.evaluate({ shape, expression, pose: withJaw(jaw) });
 * ```
 */
export function arkitToPack(record: Pick<ExpressionRecord, 'arkit'>, target: HeadModel, options: Partial<ArkitToPackOptions> = {}): PackExpression {
  const o = { ...ARKIT_TO_PACK_DEFAULTS, ...options };
  if (record.arkit.length !== ARKIT_BLENDSHAPES.length) throw new Error(`an ARKit expression has ${ARKIT_BLENDSHAPES.length} weights, got ${record.arkit.length}`);
  if (arkitShapeCount(target) > 0) {
    const expression = new Float64Array(target.expression.count);
    arkitModes(target.expression.names).forEach((sources, k) => {
      for (const m of sources ?? []) expression[m] = record.arkit[k]!;
    });
    return { expression, jaw: [0, 0, 0] };
  }
  if (!o.ict || arkitShapeCount(o.ict) === 0) {
    throw new Error(`head model "${target.id}" has no ARKit-named shapes: retargeting onto it fits ICT-FaceKit's ARKit shapes, and no ICT-FaceKit pack is installed (deca-studio packs import ICT-FaceKit-master.zip)`);
  }
  const t = pcaTables(target, o.ict, o.ridge);
  // ICT's displacement at the points for these weights, in the target's frame: d_t = Rᵀ·d_ict / scale.
  const rows = t.rows, d = new Float64Array(rows);
  for (let k = 0; k < ARKIT_BLENDSHAPES.length; k++) {
    const w = record.arkit[k]!;
    if (w !== 0) for (let r = 0; r < rows; r++) d[r] += w * t.ictColumns[k * rows + r]!;
  }
  const dt = new Float64Array(rows);
  for (let i = 0; i < rows / 3; i++) for (let c = 0; c < 3; c++) {
    dt[i * 3 + c] = (t.R[c]! * d[i * 3]! + t.R[3 + c]! * d[i * 3 + 1]! + t.R[6 + c]! * d[i * 3 + 2]!) / t.scale;
  }
  const n = t.columns, g = new Float64Array(n);
  for (let a = 0; a < n; a++) {
    let s = 0;
    for (let r = 0; r < rows; r++) s += t.C[a * rows + r]! * dt[r]!;
    g[a] = s;
  }
  const x = solveLinear(t.H, g, n);
  const K = target.expression.count;
  const jawX = t.jaw ? Math.min(o.jawRange[1], Math.max(o.jawRange[0], x[K]! * JAW_STEP)) : 0;
  return { expression: Float64Array.from(x.subarray(0, K)), jaw: [jawX, 0, 0] };
}

/** Radians per unit of the jaw column (its finite-difference step), keeping the column's scale near the modes'. */
const JAW_STEP = 0.1;

interface PcaTables {
  rows: number;
  columns: number;
  /** Column-major target columns at the target's points: its K modes, then the jaw (per JAW_STEP). */
  C: Float64Array;
  /** CᵀC + ridge (n×n). */
  H: Float64Array;
  ictColumns: Float64Array;
  R: Float64Array;
  scale: number;
  jaw: boolean;
}

const tablesCache = new WeakMap<HeadModel, WeakMap<HeadModel, Map<number, PcaTables>>>();

/** Everything of the least-squares retarget that depends on the two packs only, built once per pair. */
function pcaTables(target: HeadModel, ict: HeadModel, ridge: number): PcaTables {
  let byIct = tablesCache.get(target);
  if (!byIct) tablesCache.set(target, (byIct = new WeakMap()));
  let byRidge = byIct.get(ict);
  if (!byRidge) byIct.set(ict, (byRidge = new Map()));
  const hit = byRidge.get(ridge);
  if (hit) return hit;
  const kind = sharedCorrespondence(target, ict);
  const tp = correspondingPoints(target, kind), ip = correspondingPoints(ict, kind);
  const rows = tp.count * 3, K = target.expression.count;
  const jawJ = target.joints.names.indexOf('jaw');
  const n = K + (jawJ > 0 ? 1 : 0);
  const C = new Float64Array(n * rows), tmp = new Float64Array(rows);
  const V3 = target.vertexCount * 3;
  for (let k = 0; k < K; k++) C.set(pointValues(tp, target.expression.data.subarray(k * V3, (k + 1) * V3), tmp), k * rows);
  if (jawJ > 0) {
    const ev = new HeadModelEvaluator(target, { normals: false, simd: false });
    const pose = new Float64Array(target.joints.names.length * 3);
    const rest = pointValues(tp, ev.evaluate({ pose }).vertices);
    pose[jawJ * 3] = JAW_STEP;
    const open = pointValues(tp, ev.evaluate({ pose }).vertices);
    for (let r = 0; r < rows; r++) C[K * rows + r] = open[r]! - rest[r]!;
  }
  const H = new Float64Array(n * n);
  for (let a = 0; a < n; a++) for (let b = a; b < n; b++) {
    let s = 0;
    for (let r = 0; r < rows; r++) s += C[a * rows + r]! * C[b * rows + r]!;
    H[a * n + b] = H[b * n + a] = s;
  }
  let diag = 0;
  for (let k = 0; k < K; k++) diag += H[k * n + k]!;
  const lambda = ridge * (diag / Math.max(1, K));
  for (let k = 0; k < K; k++) H[k * n + k] += lambda;
  // The jaw is no PCA mode: a token ridge only, so that it takes the opening the modes cannot.
  if (n > K) H[K * n + K] += 1e-3 * lambda;
  const { data: ictColumns } = arkitColumns(ict, rows, (row, out) => pointValues(ip, row, out));
  const { scale, R } = pointFrame(pointValues(tp, target.template), pointValues(ip, ict.template));
  const tables = { rows, columns: n, C, H, ictColumns, R, scale, jaw: n > K };
  byRidge.set(ridge, tables);
  return tables;
}
