import type { HeadModel } from '../head-model/head-model';
import { HeadModelEvaluator } from '../head-model/head-model-evaluator';
import { ARKIT_BLENDSHAPES } from './arkit-names';
import { arkitColumns, arkitModes, arkitShapeCount } from './arkit-basis';
import { BOX_QP_DEFAULTS, solveBoxQp, type BoxQpOptions } from './box-least-squares';
import { correspondingPoints, pointFrame, pointValues, sharedCorrespondence, type CorrespondingPoints } from './corresponding-points';

export interface ArkitSolveOptions {
  /** Ridge on the weights, relative to the mean squared size of the ARKit shapes at the points. */
  ridge: number;
  /**
   * L1 weight on the (non-negative) weights, relative to the mean squared size of the shapes at the
   * points — one price per unit of weight for every shape, so of the many ARKit combinations that
   * make nearly the same geometry the solve prefers fewer shapes that move more: a smile as
   * mouthSmile rather than dimple + stretch + upper-lip raise. (On the London photos, ICT-FaceKit:
   * smiling told from neutral in 20 of 24 photos without it, 22 with 0.01; a price relative to each
   * shape's own size instead did worse.) Shapes much smaller than the mean (the starter head's
   * browInnerUp) are lowered noticeably; 0 turns it off.
   */
  sparsity: number;
  /** Own shapes: the most vertices the fit looks at (those any ARKit shape moves, evenly thinned). */
  maxVertices: number;
  /** Own shapes: a vertex counts when some ARKit shape moves it by more than this (metres). */
  minOffset: number;
  /** The bounded solve (bounds 0…1 by default). */
  qp: Partial<BoxQpOptions>;
}

export const ARKIT_SOLVE_DEFAULTS: ArkitSolveOptions = { ridge: 1e-3, sparsity: 0.01, maxVertices: 3000, minOffset: 2e-4, qp: BOX_QP_DEFAULTS };

/**
 * How a pack's expressions become ARKit weights: `own-shapes` on a pack with ARKit-named shapes
 * (ICT-FaceKit; the starter head when no ICT-FaceKit pack is installed), `ict-transfer` through
 * ICT-FaceKit's ARKit shapes at corresponding points (the starter head, FLAME).
 */
export type ArkitSolveMethod = 'own-shapes' | 'ict-transfer';

/** A fitted photo's expression on its pack: ψ and the jaw joint's axis-angle. */
export interface FittedExpression {
  expression: ArrayLike<number>;
  jaw: ArrayLike<number>;
}

/** Solves ARKit weights for fitted expressions of one pack (tables built once, reused per photo). */
export interface ArkitSolver {
  method: ArkitSolveMethod;
  /** The points compared: sampled vertices of the pack's own shapes, or the correspondence used. */
  points: 'vertices' | CorrespondingPoints['kind'];
  /** Which ARKit shapes the basis has; the others always solve to 0. */
  present: boolean[];
  /** The 52 weights (ARKIT_BLENDSHAPES order, each 0…1) of one photo's expression on a person of shape β. */
  solve(shape: ArrayLike<number>, fit: FittedExpression): Float32Array;
}

/**
 * The 52 ARKit weights of fitted expressions, solved from their geometry: the expression's
 * displacement (the head with the photo's ψ and jaw rotation minus the same person's neutral head,
 * both without head rotation) is fitted by ARKit shapes with bounded least squares (0 ≤ w ≤ 1, a
 * small ridge; {@link solveBoxQp}). The jaw rotation is part of the displacement, so an open
 * mouth shows as jawOpen whether the fit opened it with the joint or with shapes.
 *
 * - **Own shapes** (ICT-FaceKit; the starter head without an ICT pack): the pack's ARKit-named shapes
 *   at up to `maxVertices` of the vertices they move.
 * - **ICT transfer** (the starter head, FLAME): the displacement at points both heads share
 *   ({@link sharedCorrespondence}: FaceMesh's 468 points, else the 51 inner landmarks), carried into
 *   ICT-FaceKit's frame by a similarity — scale from the heads' sizes at those points (the person's
 *   neutral head against ICT's), rotation aligning the templates — and fitted by ICT's ARKit shapes
 *   there. `ict` is the user's installed ICT-FaceKit pack; without it FLAME cannot be solved.
 *
 * ```ts
 * const solver = createArkitSolver(model, ictPackOrNull);
 * const weights = solver.solve(rec.shape, { expression: fit.expression, jaw: fit.jaw });
 * weights[ARKIT_BLENDSHAPES.indexOf('jawOpen')]; // 0…1
 * ```
 */
export function createArkitSolver(source: HeadModel, ict: HeadModel | null, options: Partial<ArkitSolveOptions> = {}): ArkitSolver {
  const o = { ...ARKIT_SOLVE_DEFAULTS, ...options };
  const own = arkitShapeCount(source) > 0;
  const useIct = ict !== null && ict !== source && ict.id !== source.id && arkitShapeCount(ict) > 0;
  if (!useIct && !own) {
    throw new Error(
      `head model "${source.id}" has no ARKit-named shapes: its ARKit weights are solved through ICT-FaceKit's ARKit shapes, ` +
        'and no ICT-FaceKit pack is installed (deca-studio packs import ICT-FaceKit-master.zip)',
    );
  }
  const K = ARKIT_BLENDSHAPES.length;
  const ev = new HeadModelEvaluator(source, { normals: false, simd: false });
  const J = source.joints.names.length, jawJ = source.joints.names.indexOf('jaw');
  const zeroExpr = new Float64Array(source.expression.count), pose = new Float64Array(J * 3);

  let rows: number;
  let A: Float64Array, present: boolean[];
  let displacement: (posed: Float32Array, neutral: Float32Array, out: Float64Array) => void;
  let points: ArkitSolver['points'];
  if (useIct) {
    const kind = sharedCorrespondence(source, ict!);
    const sp = correspondingPoints(source, kind), ip = correspondingPoints(ict!, kind);
    rows = sp.count * 3;
    ({ data: A, present } = arkitColumns(ict!, rows, (row, out) => pointValues(ip, row, out)));
    const ictAt = pointValues(ip, ict!.template);
    const { R } = pointFrame(pointValues(sp, source.template), ictAt);
    const a = new Float64Array(rows), b = new Float64Array(rows);
    displacement = (posed, neutral, out) => {
      pointValues(sp, posed, a);
      pointValues(sp, neutral, b);
      // Head size from this person's neutral head: a wide face smiling moves its corners further.
      const { scale } = pointFrame(b, ictAt);
      for (let i = 0; i < sp.count; i++) {
        const dx = a[i * 3]! - b[i * 3]!, dy = a[i * 3 + 1]! - b[i * 3 + 1]!, dz = a[i * 3 + 2]! - b[i * 3 + 2]!;
        for (let r = 0; r < 3; r++) out[i * 3 + r] = scale * (R[r * 3]! * dx + R[r * 3 + 1]! * dy + R[r * 3 + 2]! * dz);
      }
    };
    points = kind;
  } else {
    const chosen = movedVertices(source, o.minOffset, o.maxVertices);
    rows = chosen.length * 3;
    const read = (v: ArrayLike<number>, out: Float64Array) => {
      for (let i = 0; i < chosen.length; i++) for (let d = 0; d < 3; d++) out[i * 3 + d] = v[chosen[i]! * 3 + d]!;
    };
    ({ data: A, present } = arkitColumns(source, rows, read));
    displacement = (posed, neutral, out) => {
      for (let i = 0; i < chosen.length; i++) for (let d = 0; d < 3; d++) out[i * 3 + d] = posed[chosen[i]! * 3 + d]! - neutral[chosen[i]! * 3 + d]!;
    };
    points = 'vertices';
  }

  // Normal equations of the bounded fit, built once: H = AᵀA + λ·mean(diag)·I.
  const H = new Float64Array(K * K);
  for (let a = 0; a < K; a++) for (let c = a; c < K; c++) {
    let s = 0;
    for (let r = 0; r < rows; r++) s += A[a * rows + r]! * A[c * rows + r]!;
    H[a * K + c] = H[c * K + a] = s;
  }
  let diag = 0, nPresent = 0;
  for (let k = 0; k < K; k++) if (present[k]) (diag += H[k * K + k]!), nPresent++;
  const ridge = o.ridge * (diag / Math.max(1, nPresent));
  const l1 = Float64Array.from({ length: K }, (_, k) => (present[k] ? o.sparsity * (diag / Math.max(1, nPresent)) : 0));
  for (let k = 0; k < K; k++) H[k * K + k] = present[k] ? H[k * K + k]! + ridge : 1;

  const d = new Float64Array(rows), b = new Float64Array(K);
  return {
    method: useIct ? 'ict-transfer' : 'own-shapes',
    points,
    present,
    solve(shape, fit) {
      if (fit.expression.length !== source.expression.count) throw new Error(`expression has ${fit.expression.length} values, the pack "${source.id}" ${source.expression.count}`);
      pose.fill(0);
      const neutral = Float32Array.from(ev.evaluate({ shape, expression: zeroExpr, pose }).vertices);
      if (jawJ > 0) for (let r = 0; r < 3; r++) pose[jawJ * 3 + r] = fit.jaw[r] ?? 0;
      const posed = ev.evaluate({ shape, expression: fit.expression, pose }).vertices;
      displacement(posed, neutral, d);
      for (let k = 0; k < K; k++) {
        let s = 0;
        if (present[k]) for (let r = 0; r < rows; r++) s += A[k * rows + r]! * d[r]!;
        b[k] = present[k] ? s - l1[k]! : 0;
      }
      return Float32Array.from(solveBoxQp(H, b, K, { ...BOX_QP_DEFAULTS, ...o.qp }));
    },
  };
}

/** Vertices some ARKit-named shape moves by more than `minOffset`, thinned evenly to at most `max`. */
function movedVertices(model: HeadModel, minOffset: number, max: number): Uint32Array {
  const V = model.vertexCount, V3 = V * 3;
  const moved = new Uint8Array(V);
  const m2 = minOffset * minOffset, E = model.expression.data;
  for (const sources of arkitModes(model.expression.names)) {
    for (const m of sources ?? []) {
      for (let v = 0; v < V; v++) {
        const o = m * V3 + v * 3;
        if (E[o]! ** 2 + E[o + 1]! ** 2 + E[o + 2]! ** 2 > m2) moved[v] = 1;
      }
    }
  }
  const all: number[] = [];
  for (let v = 0; v < V; v++) if (moved[v]) all.push(v);
  if (all.length === 0) throw new Error(`head model "${model.id}": its ARKit shapes move no vertex`);
  const step = Math.max(1, all.length / max);
  const out: number[] = [];
  for (let x = 0; x < all.length && out.length < max; x += step) out.push(all[Math.floor(x)]!);
  return Uint32Array.from(out);
}
