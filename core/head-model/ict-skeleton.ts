import type { Skeleton } from './head-model';
import { affineWeights, fitRigid, fitSphere, rotationVector, solveLinear } from './small-linalg';

/** Inclusive vertex ranges of the ICT-FaceKit topology (README, "Face Model Topology"). */
export const ICT_RANGES = {
  face: [0, 9408],
  headAndNeck: [9409, 11247],
  mouthSocket: [11248, 13293],
  eyeSockets: [13294, 14061],
  gumsAndTongue: [14062, 17038],
  teeth: [17039, 21450],
  lowerTeeth: [19247, 21450],
  eyeballLeft: [21451, 23020],
  eyeballRight: [23021, 24590],
  scleraLeft: [21451, 22220],
  scleraRight: [23021, 23790],
  /** Lacrimal fluid, eye blend and eye occlusion: see-through overlays for game-engine shaders. */
  eyeOverlays: [24591, 25350],
  eyelashes: [25351, 26718],
} as const satisfies Record<string, readonly [number, number]>;

/** Multi-PIE 68-point landmark vertex indices (README, "Facial Landmarks"; 0-based). */
export const ICT_LANDMARKS_68: readonly number[] = [
  1225, 1888, 1052, 367, 1719, 1722, 2199, 1447, 966, 3661, 4390, 3927, 3924, 2608, 3272, 4088, 3443, 268, 493, 1914, 2044, 1401, 3615,
  4240, 4114, 2734, 2509, 978, 4527, 4942, 4857, 1140, 2075, 1147, 4269, 3360, 1507, 1542, 1537, 1528, 1518, 1511, 3742, 3751, 3756, 3721,
  3725, 3732, 5708, 5695, 2081, 0, 4275, 6200, 6213, 6346, 6461, 5518, 5957, 5841, 5702, 5711, 5533, 6216, 6207, 6470, 5517, 5966,
];

/**
 * Lip landmarks the fitter uses instead of ICT's own (iBUG index → ICT vertex): ICT places the lower
 * lip's outer points (55–59) wider and lower, the inner lip points (60–67) nearer the corners and
 * the upper lip's peaks (49, 53) nearer the middle than a 68-point detector does, so a fitted head's
 * mouth stayed 0.004–0.005 of the eye-corner distance further from the detections (and from dlib's
 * points) than the detections themselves. Each vertex is the one whose projection best matched
 * DECA Studio's detected landmarks over jointly fitted photos (London set, front and 3/4 views),
 * mirrored to stay symmetric; fitted on two people it held on the other two (3/4 mouth against dlib
 * 0.043 → 0.040 on both halves).
 */
export const ICT_FIT_LIP_LANDMARKS: Readonly<Record<number, number>> = {
  49: 5665, 53: 6170, 55: 6357, 56: 6480, 57: 5945, 58: 5976, 59: 5852, 60: 5646, 61: 5736, 62: 5526, 63: 6241, 64: 6151, 65: 6485, 67: 5981,
};

export interface IctRig {
  joints: Skeleton;
  skinWeights: Float32Array;
  /** Axis-angle of the jaw joint that reproduces the `jawOpen` target at weight 1 (fitted to the lower teeth). */
  jawOpenRotation: [number, number, number];
  /** Rest joint positions, J×3. */
  restJoints: Float64Array;
}

const smoothstep = (e0: number, e1: number, x: number) => {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
};

/**
 * Gives ICT-FaceKit (which ships only blendshapes) a FLAME-like skeleton: root, neck, head, jaw,
 * eye_L, eye_R. The jaw pivot and opening rotation come from the rigid motion of the lower teeth
 * in `jawOpen`; jaw weights are how much of that rigid motion each vertex makes in `jawOpen`
 * (projected, clamped to [0, 1]); eyes pivot at their sclera's sphere centre; the head/neck split
 * is a plane from under the chin to the skull base. Joints are regressed from nearby vertices with
 * affine weights, so identity changes carry them along.
 *
 * ```ts
 * const rig = buildIctRig(templateMetres, jawOpenDeltaMetres);
 * ```
 */
export function buildIctRig(template: Float32Array, jawOpenDelta: Float32Array): IctRig {
  const V = template.length / 3;
  const range = ([a, b]: readonly [number, number]) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
  const pick = (idx: number[], src: ArrayLike<number>) => Float64Array.from(idx.flatMap((v) => [src[v * 3]!, src[v * 3 + 1]!, src[v * 3 + 2]!]));

  // Jaw: rigid fit of the lower teeth, pivot on the rotation axis in the mid-sagittal plane.
  const teeth = range(ICT_RANGES.lowerTeeth);
  const from = pick(teeth, template);
  const to = Float64Array.from(from, (x, i) => x + jawOpenDelta[teeth[Math.floor(i / 3)]! * 3 + (i % 3)]!);
  const { R, t } = fitRigid(from, to);
  // (I − R)·c = t with c.x = 0: least squares in (c.y, c.z).
  const A = [0, 1, 2].map((a) => [(a === 1 ? 1 : 0) - R[a * 3 + 1]!, (a === 2 ? 1 : 0) - R[a * 3 + 2]!]);
  const N = [0, 0, 0, 0], rhs = [0, 0];
  for (let a = 0; a < 3; a++) {
    for (let i = 0; i < 2; i++) {
      rhs[i] += A[a]![i]! * t[a]!;
      for (let j = 0; j < 2; j++) N[i * 2 + j] += A[a]![i]! * A[a]![j]!;
    }
  }
  const [cy, cz] = solveLinear(N, rhs, 2);
  const jaw = [0, cy!, cz!];

  const eyeL = fitSphere(pick(range(ICT_RANGES.scleraLeft), template)).center;
  const eyeR = fitSphere(pick(range(ICT_RANGES.scleraRight), template)).center;

  let ymin = Infinity;
  for (let v = 0; v < V; v++) ymin = Math.min(ymin, template[v * 3 + 1]!);
  const zCentreAt = (y: number) => {
    let lo = Infinity, hi = -Infinity;
    for (let v = ICT_RANGES.face[0]; v <= ICT_RANGES.headAndNeck[1]; v++) {
      if (Math.abs(template[v * 3 + 1]! - y) > 0.01) continue;
      lo = Math.min(lo, template[v * 3 + 2]!);
      hi = Math.max(hi, template[v * 3 + 2]!);
    }
    return (lo + hi) / 2;
  };
  const rootY = ymin + 0.01;
  const neckY = (ymin + jaw[1]!) / 2;
  const neckZ = zCentreAt(neckY);
  const root = [0, rootY, zCentreAt(rootY)];
  const neck = [0, neckY, neckZ];
  const head = [0, jaw[1]! - 0.01, neckZ];
  const rest = [root, neck, head, jaw, eyeL, eyeR];
  const names = ['root', 'neck', 'head', 'jaw', 'eye_L', 'eye_R'];
  const parents = Int32Array.from([-1, 0, 1, 2, 2, 2]);

  // Regressor rows: affine combinations of nearby vertices (eyes: of their own sclera).
  const row: number[] = [], col: number[] = [], value: number[] = [];
  const skin = range([ICT_RANGES.face[0], ICT_RANGES.mouthSocket[1]]);
  rest.forEach((p, j) => {
    const pool = j === 4 ? range(ICT_RANGES.scleraLeft) : j === 5 ? range(ICT_RANGES.scleraRight) : skin;
    const { vertices, weights } = affineWeights(template, p, j >= 4 ? 64 : 48, pool);
    vertices.forEach((v, i) => (row.push(j), col.push(v), value.push(weights[i]!)));
  });

  // Skinning. Head/neck split: a line in the (z, y) plane from 2 cm under the chin to 2 cm under
  // the jaw pivot at the back of the skull, blended over ±1.5 cm.
  const chin = ICT_LANDMARKS_68[8]!;
  const chinY = template[chin * 3 + 1]!, chinZ = template[chin * 3 + 2]!;
  let backZ = Infinity;
  for (let v = 0; v < V; v++) backZ = Math.min(backZ, template[v * 3 + 2]!);
  const ax = chinZ, ay = chinY - 0.02, bx = backZ, by = jaw[1]! - 0.02;
  const dl = Math.hypot(bx - ax, by - ay);
  const jawRot = rotationVector(R);
  const W = new Float32Array(V * 6);
  for (let v = 0; v < V; v++) {
    const x = template[v * 3]!, y = template[v * 3 + 1]!, z = template[v * 3 + 2]!;
    const o = v * 6;
    if (v >= ICT_RANGES.eyeballLeft[0] && v <= ICT_RANGES.eyeballLeft[1]) {
      W[o + 4] = 1;
      continue;
    }
    if (v >= ICT_RANGES.eyeballRight[0] && v <= ICT_RANGES.eyeballRight[1]) {
      W[o + 5] = 1;
      continue;
    }
    // Signed distance above the split line (z runs from chin (front) to back).
    const s = ((ax - bx) * (y - by) - (ay - by) * (z - bx)) / dl;
    const headW = smoothstep(-0.015, 0.015, s);
    const rootW = (1 - headW) * (1 - smoothstep(ymin, ymin + 0.04, y));
    const neckW = 1 - headW - rootW;
    // Jaw share: projection of the jawOpen motion onto the rigid jaw motion at this vertex.
    const px = x - jaw[0]!, py = y - jaw[1]!, pz = z - jaw[2]!;
    const rx = R[0]! * px + R[1]! * py + R[2]! * pz - px, ry = R[3]! * px + R[4]! * py + R[5]! * pz - py, rz = R[6]! * px + R[7]! * py + R[8]! * pz - pz;
    const rr = rx * rx + ry * ry + rz * rz;
    const dx = jawOpenDelta[v * 3]!, dy = jawOpenDelta[v * 3 + 1]!, dz = jawOpenDelta[v * 3 + 2]!;
    let jawW = 0;
    if (rr > 1e-6 && dx * dx + dy * dy + dz * dz > 4e-8) jawW = Math.min(1, Math.max(0, (dx * rx + dy * ry + dz * rz) / rr));
    jawW = Math.min(jawW, headW);
    W[o] = rootW;
    W[o + 1] = neckW;
    W[o + 2] = headW - jawW;
    W[o + 3] = jawW;
  }
  return {
    joints: { names, parents, regressor: { rows: 6, cols: V, row: Uint32Array.from(row), col: Uint32Array.from(col), value: Float32Array.from(value) } },
    skinWeights: W,
    jawOpenRotation: jawRot,
    restJoints: Float64Array.from(rest.flat()),
  };
}
