import type { HeadModel } from '../head-model/head-model';
import { HeadModelEvaluator } from '../head-model/head-model-evaluator';
import { ARKIT_BLENDSHAPES } from './arkit-names';
import { arkitModeColumns, arkitModes, arkitShapeCount } from './arkit-basis';
import { BOX_QP_DEFAULTS, solveBoxQp, type BoxQpOptions } from './box-least-squares';
import { correspondingPoints, pointFrame, pointSpread, pointValues, sharedCorrespondence, type CorrespondingPoints } from './corresponding-points';
import { applyMeasuredBlink, type EyeApertures } from './eye-blink';
import { createJawPosedPoints } from './jaw-posed-points';

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
  /**
   * Whether a jaw the fit turned shut past rest (x < 0) is part of the person's neutral (measured
   * from there) or of the expression (measured from the jaw at rest). `auto`: neutral only on packs
   * without a jawOpen shape of their own (FLAME: its fits use the joint alone for the chin and bite).
   * Packs with one (ICT-FaceKit, the starter head) pair the shut joint with that shape — the mouth
   * stays closed, the chin moves — so only the two together are the neutral: taking the closing
   * alone as neutral left the shape standing as an open mouth (#12: London neutral photos jawOpen
   * 0.20–0.41 on ICT-FaceKit, 0.00–0.32 measured from rest).
   */
  jawClosingIsNeutral: boolean | 'auto';
  /** Own shapes: the most vertices the fit looks at (those any ARKit shape moves, evenly thinned). */
  maxVertices: number;
  /** Own shapes: a vertex counts when some ARKit shape moves it by more than this (metres). */
  minOffset: number;
  /** The bounded solve (bounds 0…1 by default). */
  qp: Partial<BoxQpOptions>;
}

export const ARKIT_SOLVE_DEFAULTS: ArkitSolveOptions = { ridge: 1e-3, sparsity: 0.01, jawClosingIsNeutral: 'auto', maxVertices: 3000, minOffset: 2e-4, qp: BOX_QP_DEFAULTS };

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
  /** The photo's measured lid apertures, when analysed (perception-4): they set eyeBlink (eye-blink.ts). */
  eyeApertures?: EyeApertures | null;
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
 * small ridge and an L1 price that prefers few shapes; {@link solveBoxQp}). A sideless shape the
 * pack splits (ICT-FaceKit's `cheekPuff_L/_R`, `browInnerUp_L/_R`) is solved as its two halves and
 * weighs their mean ({@link arkitModeColumns}): fits use the halves unequally (London photos: cheek
 * puff 0.26 on one side, 0.67 on the other), and as one summed shape part of the uneven rest went to the
 * mouth corners' shapes — a one-sided mouthSmile in a neutral face. The jaw rotation is
 * part of the displacement, so an open mouth shows as jawOpen whether the fit opened it with the
 * joint or with shapes, and the weights carry the jaw's whole motion (a record of them keys the jaw
 * joint at rest, as `arkitToPack` poses it); a jaw turned shut past rest is the person's, part
 * of their neutral, only on packs without a jawOpen shape (see `jawClosingIsNeutral`). The
 * points are evaluated on their own vertices ({@link createJawPosedPoints}) where the pack allows:
 * about 1.5–3.3 ms per photo on ICT-FaceKit (`npm run bench -- expression`).
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
  const closingIsNeutral = o.jawClosingIsNeutral === 'auto' ? !arkitModes(source.expression.names)[ARKIT_BLENDSHAPES.indexOf('jawOpen')]?.length : o.jawClosingIsNeutral;
  // The source's points as combinations of its vertices: sampled vertices (own shapes) or the
  // corresponding points (transfer). Columns A: the ARKit modes there (ICT's for a transfer), a split
  // shape's halves one column each; `owner` maps a column to its ARKit shape.
  let pts: CorrespondingPoints;
  let A: Float64Array, present: boolean[], owner: Int32Array;
  /** Source displacement at the points (count×3) → the frame the columns live in; set per person. */
  let toColumns: (d: Float64Array) => void = () => undefined;
  let onNeutral: (neutralAtPoints: Float64Array) => void = () => undefined;
  let points: ArkitSolver['points'];
  if (useIct) {
    const kind = sharedCorrespondence(source, ict!);
    pts = correspondingPoints(source, kind);
    const ip = correspondingPoints(ict!, kind);
    ({ data: A, present, owner } = arkitModeColumns(ict!, ip.count * 3, (row, out) => pointValues(ip, row, out)));
    const ictAt = pointValues(ip, ict!.template), ictSize = pointSpread(ictAt);
    const { R } = pointFrame(pointValues(pts, source.template), ictAt);
    let scale = 1;
    // Head size from this person's neutral head: a wide face smiling moves its corners further.
    onNeutral = (neutral) => (scale = ictSize / pointSpread(neutral));
    toColumns = (d) => {
      for (let i = 0; i < d.length; i += 3) {
        const dx = d[i]!, dy = d[i + 1]!, dz = d[i + 2]!;
        for (let r = 0; r < 3; r++) d[i + r] = scale * (R[r * 3]! * dx + R[r * 3 + 1]! * dy + R[r * 3 + 2]! * dz);
      }
    };
    points = kind;
  } else {
    const chosen = movedVertices(source, o.minOffset, o.maxVertices);
    pts = { kind: 'mediapipe468', count: chosen.length, vertices: new Uint32Array(chosen.length * 3), weights: new Float32Array(chosen.length * 3) };
    for (let i = 0; i < chosen.length; i++) (pts.vertices[i * 3] = chosen[i]!), (pts.weights[i * 3] = 1);
    ({ data: A, present, owner } = arkitModeColumns(source, chosen.length * 3, (row, out) => pointValues(pts, row, out)));
    points = 'vertices';
  }
  const rows = pts.count * 3;
  const position = pointPositions(source, pts);

  // Normal equations of the bounded fit, built once: H = AᵀA + λ·mean(diag)·I, one unknown per column.
  const C = owner.length;
  const H = new Float64Array(C * C);
  for (let a = 0; a < C; a++) for (let c = a; c < C; c++) {
    let sum = 0;
    for (let r = 0; r < rows; r++) sum += A[a * rows + r]! * A[c * rows + r]!;
    H[a * C + c] = H[c * C + a] = sum;
  }
  // A split shape's ARKit weight is the mean of its halves' (the export keys both halves at it), and
  // the ridge and the L1 price are per unit of ARKit weight, relative to the mean squared size of the
  // ARKit shapes (a split one's halves summed): halves moved together cost what the whole shape did.
  const share = Float64Array.from(owner, (k) => 1 / owner.filter((x) => x === k).length);
  let diag = 0;
  for (let a = 0; a < C; a++) for (let c = 0; c < C; c++) if (owner[a] === owner[c]) diag += H[a * C + c]!;
  const meanDiag = diag / Math.max(1, present.filter(Boolean).length);
  for (let c = 0; c < C; c++) H[c * C + c] = H[c * C + c]! > 0 ? H[c * C + c]! + o.ridge * meanDiag * share[c]! : 1;
  const l1 = o.sparsity * meanDiag;

  const d = new Float64Array(rows), b = new Float64Array(C), noExpression = new Float64Array(source.expression.count);
  let neutral = new Float64Array(rows), neutralKey = '';
  return {
    method: useIct ? 'ict-transfer' : 'own-shapes',
    points,
    present,
    solve(shape, fit) {
      if (fit.expression.length !== source.expression.count) throw new Error(`expression has ${fit.expression.length} values, the pack "${source.id}" ${source.expression.count}`);
      // The person's neutral: no expression, the jaw at rest — or, on a pack whose only opening is
      // the joint, at the fit's closing past rest (x < 0): no ARKit shape closes past rest, such fits
      // use it for the person's chin and bite, so only what the expression adds to it counts. (ICT-
      // FaceKit's fits of the London photos shut the jaw −0.02…−0.21 rad and open it again with
      // ψ jawOpen 0.15–0.42: measured from rest the two cancel, as the closed mouth they draw.)
      const closing = closingIsNeutral ? Math.min(0, fit.jaw[0] ?? 0) : 0;
      const key = `${closing}:${Array.prototype.join.call(shape, ',')}`;
      if (key !== neutralKey) {
        neutral = Float64Array.from(position(shape, noExpression, [closing, 0, 0]));
        neutralKey = key;
        onNeutral(neutral);
      }
      const posed = position(shape, fit.expression, fit.jaw);
      for (let r = 0; r < rows; r++) d[r] = posed[r]! - neutral[r]!;
      toColumns(d);
      for (let c = 0; c < C; c++) {
        let sum = 0;
        for (let r = 0; r < rows; r++) sum += A[c * rows + r]! * d[r]!;
        b[c] = sum - l1 * share[c]!;
      }
      const x = solveBoxQp(H, b, C, { ...BOX_QP_DEFAULTS, ...o.qp }), weights = new Float32Array(K);
      for (let c = 0; c < C; c++) weights[owner[c]!] += share[c]! * x[c]!;
      return applyMeasuredBlink(weights, fit.eyeApertures);
    },
  };
}

/**
 * The points' positions (count×3) on a head with β, ψ and only the jaw rotated: at the vertices
 * they need alone when the model allows ({@link createJawPosedPoints}), else from a whole evaluation.
 */
function pointPositions(model: HeadModel, pts: CorrespondingPoints): (shape: ArrayLike<number>, expression: ArrayLike<number>, jaw: ArrayLike<number>) => Float64Array {
  const out = new Float64Array(pts.count * 3);
  // Only the vertices the points use (a FaceMesh point is one vertex with weight 1, two zero corners).
  const index = new Map<number, number>(), corner = new Int32Array(pts.count * 3).fill(-1);
  for (let c = 0; c < corner.length; c++) {
    if (pts.weights[c] === 0) continue;
    const v = pts.vertices[c]!;
    if (!index.has(v)) index.set(v, index.size);
    corner[c] = index.get(v)!;
  }
  const fast = createJawPosedPoints(model, [...index.keys()]);
  if (fast) {
    const at = new Float64Array(index.size * 3);
    return (shape, expression, jaw) => {
      fast.evaluate(shape, expression, jaw, at);
      out.fill(0);
      for (let c = 0; c < corner.length; c++) {
        const u = corner[c]!;
        if (u < 0) continue;
        const w = pts.weights[c]!, i = Math.floor(c / 3) * 3;
        out[i] += w * at[u * 3]!;
        out[i + 1] += w * at[u * 3 + 1]!;
        out[i + 2] += w * at[u * 3 + 2]!;
      }
      return out;
    };
  }
  const ev = new HeadModelEvaluator(model, { normals: false, simd: false });
  const J = model.joints.names.length, jawJ = model.joints.names.indexOf('jaw');
  const pose = new Float64Array(J * 3);
  return (shape, expression, jaw) => {
    if (jawJ > 0) for (let r = 0; r < 3; r++) pose[jawJ * 3 + r] = jaw[r] ?? 0;
    return pointValues(pts, ev.evaluate({ shape, expression, pose }).vertices, out);
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

