import type { HeadModel } from '../head-model/head-model';
import { rodrigues } from '../head-model/rodrigues';

/** Positions of chosen vertices of a head whose only rotated joint is the jaw. */
export interface JawPosedPoints {
  /** The chosen vertices' positions (count×3) for identity β, expression ψ and the jaw's axis-angle. */
  evaluate(shape: ArrayLike<number>, expression: ArrayLike<number>, jaw: ArrayLike<number>, out?: Float64Array): Float64Array;
}

/**
 * The forward model ({@link HeadModelEvaluator}'s: shaped vertices, joints regressed from them,
 * linear blend skinning) at a few vertices only, for the one pose an expression needs — the jaw
 * rotated, every other joint at rest. Then each joint's transform is the identity except the
 * jaw's and its descendants', a rotation R about the jaw's regressed position c, so a vertex moves
 * to v + w·(R − I)(v − c) with w its skin weight on those joints: exact, and a few hundred times
 * cheaper than evaluating ICT-FaceKit's 26 719 vertices. Null for models with pose correctives
 * (FLAME: the jaw's rotation also bends the surface through B_P) or without a jaw joint.
 *
 * ```ts
 * const pts = createJawPosedPoints(ict, chosen);
 * const p = pts?.evaluate(beta, psi, [0.2, 0, 0]);
 * ```
 */
export function createJawPosedPoints(model: HeadModel, vertices: ArrayLike<number>): JawPosedPoints | null {
  const J = model.joints.names.length, jaw = model.joints.names.indexOf('jaw');
  if (model.pose || jaw <= 0) return null;
  const follows = Array.from({ length: J }, () => false);
  for (let j = 0; j < J; j++) follows[j] = j === jaw || (model.joints.parents[j]! >= 0 && follows[model.joints.parents[j]!]!);
  const V3 = model.vertexCount * 3, n = vertices.length;
  // The jaw joint's regressor row: the vertices its position is averaged from.
  const reg = model.joints.regressor;
  const regCols: number[] = [], regW: number[] = [];
  for (let i = 0; i < reg.value.length; i++) if (reg.row[i] === jaw) (regCols.push(reg.col[i]!), regW.push(reg.value[i]!));
  const all = Uint32Array.from([...Array.from(vertices), ...regCols]);
  const skin = Float64Array.from({ length: n }, (_, i) => {
    let w = 0;
    for (let j = 0; j < J; j++) if (follows[j]) w += model.skinWeights[vertices[i]! * J + j]!;
    return w;
  });
  const identity = new Float64Array(all.length * 3), shaped = new Float64Array(all.length * 3), R = new Float64Array(9);
  let identityFor: Float64Array | null = null;
  const addBasis = (data: Float32Array, coeffs: ArrayLike<number>, target: Float64Array) => {
    for (let k = 0; k < coeffs.length; k++) {
      const c = coeffs[k]!;
      if (c === 0) continue;
      const o = k * V3;
      for (let i = 0; i < all.length; i++) {
        const v = o + all[i]! * 3;
        target[i * 3] += c * data[v]!;
        target[i * 3 + 1] += c * data[v + 1]!;
        target[i * 3 + 2] += c * data[v + 2]!;
      }
    }
  };
  return {
    evaluate(shape, expression, jawPose, out = new Float64Array(n * 3)) {
      if (!identityFor || identityFor.length !== shape.length || identityFor.some((v, k) => v !== shape[k])) {
        for (let i = 0; i < all.length; i++) for (let d = 0; d < 3; d++) identity[i * 3 + d] = model.template[all[i]! * 3 + d]!;
        addBasis(model.shape.data, shape, identity);
        identityFor = Float64Array.from(shape);
      }
      shaped.set(identity);
      addBasis(model.expression.data, expression, shaped);
      let cx = 0, cy = 0, cz = 0;
      for (let r = 0; r < regCols.length; r++) {
        const o = (n + r) * 3;
        cx += regW[r]! * shaped[o]!;
        cy += regW[r]! * shaped[o + 1]!;
        cz += regW[r]! * shaped[o + 2]!;
      }
      rodrigues(jawPose[0] ?? 0, jawPose[1] ?? 0, jawPose[2] ?? 0, R);
      for (let i = 0; i < n; i++) {
        const x = shaped[i * 3]! - cx, y = shaped[i * 3 + 1]! - cy, z = shaped[i * 3 + 2]! - cz, w = skin[i]!;
        out[i * 3] = shaped[i * 3]! + w * (R[0]! * x + R[1]! * y + R[2]! * z - x);
        out[i * 3 + 1] = shaped[i * 3 + 1]! + w * (R[3]! * x + R[4]! * y + R[5]! * z - y);
        out[i * 3 + 2] = shaped[i * 3 + 2]! + w * (R[6]! * x + R[7]! * y + R[8]! * z - z);
      }
      return out;
    },
  };
}
