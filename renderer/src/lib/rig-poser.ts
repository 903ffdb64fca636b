import type { HeadRig } from '../../../core/api/contract';
import { arkitToRigExpression, cornerValues, rigHeadModel, type HeadRigArrays } from '../../../core/expression/head-rig';
import { ARKIT_BLENDSHAPES } from '../../../core/expression/arkit-names';
import { onSubjectNeutral } from '../../../core/expression/subject-neutral';
import type { HeadModel } from '../../../core/head-model/head-model';
import { HeadModelEvaluator } from '../../../core/head-model/head-model-evaluator';
import { poseHead } from '../../../core/geometry/pose-head';
import { wrinkleActivations } from '../../../core/export/rig-detail-textures';
import { decodeBase64 } from './base64';

/** A pose of a rig: ARKit's 52 weights (ARKIT_BLENDSHAPES order) and the jaw rotation (axis-angle, radians). */
export interface RigPose {
  arkit: ArrayLike<number>;
  jaw: readonly [number, number, number];
  /**
   * What the weights are relative to: the neutral of the person they were captured from (an
   * ExpressionView's `neutral`), null or absent for weights made by hand, or 'played' for weights
   * already on this head ({@link RigPoser.played}).
   */
  from?: ArrayLike<number> | null | 'played';
}

/**
 * Poses a subject's rig in the renderer: the same evaluator and the same posing as the studio's 3D
 * view (`poseHead`), so the head on screen is the one the studio would send, with no round trip per
 * slider move. Weights play on top of the subject's neutral, relative to their own person's, as the
 * exports retarget them (#12). The output arrays are reused: upload them before the next call.
 *
 * ```ts
 * const poser = new RigPoser(await api().call('subjects.rig', { subjectId }));
 * const { positions, normals, wrinkles } = poser.pose({ arkit: weights, jaw: [0.2, 0, 0] });
 * ```
 */
export class RigPoser {
  readonly model: HeadModel;
  /** Pack expression weights reached by ARKit; false for PCA packs without a transfer. */
  readonly arkitMapped: boolean;
  private readonly evaluator: HeadModelEvaluator;
  private readonly corners: Uint32Array;
  private readonly map: Float32Array;
  private readonly psi: Float64Array<ArrayBuffer>;
  readonly positions: Float32Array;
  readonly normals: Float32Array;
  /** Per wrinkle map of the rig's detail (`rig.detail.wrinkles` order): its blend weight in the last pose, 0…1. */
  readonly wrinkles: Float32Array;
  private readonly wrinkleDrivers: NonNullable<HeadRig['detail']>['wrinkles'];
  /** The subject's neutral (52 ARKit weights) the rig rests at, or null (the pack's ψ = 0). */
  readonly neutral: Float32Array | null;
  /** Milliseconds the last `pose` took (evaluation and the corners' copy). */
  lastMs = 0;

  constructor(rig: HeadRig) {
    const arrays: HeadRigArrays = {
      neutral: decodeBase64(rig.neutral, Float32Array),
      triangles: decodeBase64(rig.triangles, Uint32Array),
      expressions: rig.expressions.map((e) => ({ name: e.name, indices: decodeBase64(e.indices, Uint32Array), deltas: decodeBase64(e.deltas, Int16Array), scale: e.scale })),
      arkitToExpression: decodeBase64(rig.arkitToExpression, Float32Array),
      joints: {
        names: rig.joints.names,
        parents: Int32Array.from(rig.joints.parents),
        regressorRow: decodeBase64(rig.joints.regressorRow, Uint32Array),
        regressorCol: decodeBase64(rig.joints.regressorCol, Uint32Array),
        regressorValue: decodeBase64(rig.joints.regressorValue, Float32Array),
      },
      skinWeights: decodeBase64(rig.skinWeights, Float32Array),
      pose: rig.pose?.map((p) => ({ indices: decodeBase64(p.indices, Uint32Array), deltas: decodeBase64(p.deltas, Int16Array), scale: p.scale })) ?? null,
    };
    this.model = rigHeadModel(arrays);
    this.arkitMapped = rig.arkitMapped;
    this.neutral = rig.arkitNeutral ? Float32Array.from(rig.arkitNeutral) : null;
    this.map = arrays.arkitToExpression;
    this.corners = decodeBase64(rig.cornerVertices, Uint32Array);
    if (this.corners.length !== rig.mesh.triangleCount * 3) throw new Error('The rig does not match its mesh');
    // WebAssembly SIMD where the page allows it (the CSP does), else the scalar kernel.
    let evaluator: HeadModelEvaluator;
    try {
      evaluator = new HeadModelEvaluator(this.model, { simd: true });
    } catch {
      evaluator = new HeadModelEvaluator(this.model, { simd: false });
    }
    this.evaluator = evaluator;
    this.psi = new Float64Array(this.model.expression.count);
    this.positions = new Float32Array(this.corners.length * 3);
    this.normals = new Float32Array(this.corners.length * 3);
    this.wrinkleDrivers = rig.detail?.wrinkles ?? [];
    this.wrinkles = new Float32Array(this.wrinkleDrivers.length);
  }

  /**
   * Weights as this head plays them (`onSubjectNeutral`, as exports retarget): relative to `from`
   * (their person's neutral; null: made by hand), on top of the subject's neutral.
   *
   * ```ts
   * const onHead = poser.played(view.arkit, view.neutral ?? null);
   * ```
   */
  played(arkit: ArrayLike<number>, from: ArrayLike<number> | null): Float32Array {
    return onSubjectNeutral({ arkit: Float32Array.from(arkit) }, { from, to: this.neutral }).arkit;
  }

  /**
   * The head in a pose, per drawn corner (the mesh's order), and the wrinkle maps' blend weights
   * from the same ψ and jaw (the drivers the export writes: see `rigDetailTextures`).
   */
  pose(p: RigPose): { positions: Float32Array; normals: Float32Array; wrinkles: Float32Array } {
    const t0 = performance.now();
    if (p.arkit.length !== ARKIT_BLENDSHAPES.length) throw new Error(`A pose needs ${ARKIT_BLENDSHAPES.length} ARKit weights`);
    arkitToRigExpression(this.map, p.from === 'played' ? p.arkit : this.played(p.arkit, p.from ?? null), this.psi.length, this.psi);
    const out = poseHead(this.evaluator, this.model, [], { rotation: [0, 0, 0], jaw: [p.jaw[0], p.jaw[1], p.jaw[2]], expression: this.psi });
    cornerValues(out.vertices, this.corners, this.positions);
    cornerValues(out.normals, this.corners, this.normals);
    wrinkleActivations(this.wrinkleDrivers, this.psi, p.jaw, this.wrinkles);
    this.lastMs = performance.now() - t0;
    return { positions: this.positions, normals: this.normals, wrinkles: this.wrinkles };
  }
}
