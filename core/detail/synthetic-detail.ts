import type { HeadModel } from '../head-model/head-model';
import type { DetailTexels } from './detail-texels';
import type { ExpressionGroup } from './expression-groups';

/** A known displacement for tests and benchmarks: the person's static detail and one wrinkle field per group. */
export interface SyntheticDetail {
  /** Per compact texel (metres). */
  statics: Float32Array;
  /** Group name → wrinkles at activation 1 (metres per texel). */
  wrinkles: Map<string, Float32Array>;
}

/**
 * A face's detail in the model's own terms (positions on the template, from its 68 landmarks): static
 * nasolabial folds, eye bags and a few moles, and forehead lines for the 'forehead' group and crow's
 * feet for 'crowsFeet' — amplitudes 0.3–1.5 mm, as DECA's detail maps carry. The truth of the detail
 * stage's synthetic tests.
 *
 * ```ts
 * const truth = syntheticDetail(model, texels, 7);
 * ```
 */
export function syntheticDetail(model: HeadModel, texels: DetailTexels, seed = 1): SyntheticDetail {
  const lm = landmarkPositions(model);
  const at = (i: number) => lm.slice(i * 3, i * 3 + 3);
  const K = texels.texel.length, P = texels.position;
  const statics = new Float32Array(K), forehead = new Float32Array(K), crows = new Float32Array(K);
  const browY = Math.max(at(19)[1]!, at(24)[1]!);
  const eyeL = at(36), eyeR = at(45);
  const eyeWidth = Math.hypot(at(39)[0]! - at(36)[0]!, at(39)[1]! - at(36)[1]!);
  let s = seed >>> 0;
  const rand = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 4294967296);
  const moles = Array.from({ length: 6 }, () => {
    const side = rand() < 0.5 ? 31 : 35; // beside the nose wings, then offset onto the cheeks
    const c = at(side);
    return [c[0]! + (side === 31 ? -1 : 1) * (0.012 + 0.02 * rand()), c[1]! + (rand() - 0.3) * 0.03];
  });
  for (let t = 0; t < K; t++) {
    const x = P[t * 3]!, y = P[t * 3 + 1]!;
    let d = 0;
    // Nasolabial folds: grooves from each nose wing to beyond the mouth corner.
    for (const [a, b] of [[31, 48], [35, 54]] as const) {
      const p = at(a), q = at(b);
      const qx = q[0]! + (q[0]! - p[0]!) * 0.15, qy = q[1]! + (q[1]! - p[1]!) * 0.15;
      d -= 0.0011 * Math.exp(-(segmentDistance(x, y, p[0]!, p[1]!, qx, qy) ** 2) / (2 * 0.0025 ** 2));
    }
    // Eye bags below each eye.
    for (const [a, b] of [[36, 39], [42, 45]] as const) {
      const cx = (at(a)[0]! + at(b)[0]!) / 2, cy = (at(a)[1]! + at(b)[1]!) / 2 - 0.011;
      d += 0.0008 * Math.exp(-(((x - cx) / (0.6 * eyeWidth)) ** 2 + ((y - cy) / 0.004) ** 2) / 2);
    }
    for (const [mx, my] of moles) d += 0.0005 * Math.exp(-((x - mx!) ** 2 + (y - my!) ** 2) / (2 * 0.0015 ** 2));
    statics[t] = d;
    // Forehead lines: horizontal waves above the brows, tapered at the sides and top.
    const h = y - browY - 0.012;
    if (h > 0 && h < 0.045 && Math.abs(x) < 0.05) {
      const taper = Math.cos((Math.PI / 2) * (x / 0.05)) ** 2 * Math.sin((Math.PI * h) / 0.045) ** 2;
      forehead[t] = 0.0007 * taper * Math.sin((2 * Math.PI * h) / 0.007);
    }
    // Crow's feet: radial creases fanning out from the outer eye corners.
    for (const e of [eyeL, eyeR]) {
      const dx = (x - e[0]!) * Math.sign(e[0]!), dy = y - e[1]!;
      const r = Math.hypot(dx, dy);
      if (dx > 0.004 && r < 0.022) {
        const angle = Math.atan2(dy, dx);
        crows[t] += -0.0006 * Math.cos(angle * 9) ** 8 * Math.sin((Math.PI * (r - 0.004)) / 0.018) ** 2;
      }
    }
  }
  return { statics, wrinkles: new Map([['forehead', forehead], ['crowsFeet', crows]]) };
}

/**
 * The displacement of a photo from its expression's group activations: statics + Σ a_g · wrinkles_g.
 *
 * ```ts
 * const D = syntheticDisplacement(truth, groups, groupActivations(groups, expression, jaw));
 * ```
 */
export function syntheticDisplacement(truth: SyntheticDetail, groups: readonly ExpressionGroup[], activations: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(truth.statics);
  groups.forEach((g, i) => {
    const w = truth.wrinkles.get(g.name);
    const a = activations[i] ?? 0;
    if (w && a) for (let t = 0; t < out.length; t++) out[t] += a * w[t]!;
  });
  return out;
}

function landmarkPositions(model: HeadModel): Float64Array {
  const L = model.landmarks.faces.length, out = new Float64Array(L * 3);
  for (let l = 0; l < L; l++) {
    const f = model.landmarks.faces[l]!;
    for (let k = 0; k < 3; k++) {
      const v = model.triangles[f * 3 + k]!, w = model.landmarks.barycentric[l * 3 + k]!;
      for (let d = 0; d < 3; d++) out[l * 3 + d] += w * model.template[v * 3 + d]!;
    }
  }
  return out;
}

function segmentDistance(x: number, y: number, ax: number, ay: number, bx: number, by: number): number {
  const vx = bx - ax, vy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * vx + (y - ay) * vy) / (vx * vx + vy * vy)));
  return Math.hypot(x - ax - t * vx, y - ay - t * vy);
}

/** One rendered view of the synthetic person: the photo, its fit (the truth's pose and camera) and its groups' activations. */
export interface SyntheticDetailView {
  photo: { width: number; height: number; data: Uint8Array };
  fit: { rotation: [number, number, number]; jaw: [number, number, number]; expression: Float64Array; camera: { scale: number; tx: number; ty: number } };
  vertices: Float32Array;
  normals: Float32Array;
  activations: Float64Array;
}

/** The six views of the detail tests: two neutral, two raising the brows, two squinting; yaw within ±25°. */
export const SYNTHETIC_DETAIL_VIEWS: readonly { yawDeg: number; expression: [string, number][] }[] = [
  { yawDeg: -25, expression: [] },
  { yawDeg: 20, expression: [] },
  { yawDeg: 0, expression: [['browInnerUp_L', 1], ['browInnerUp_R', 1], ['browOuterUp_L', 0.8], ['browOuterUp_R', 0.8]] },
  { yawDeg: 25, expression: [['browInnerUp_L', 0.8], ['browInnerUp_R', 0.8], ['browOuterUp_L', 0.6], ['browOuterUp_R', 0.6]] },
  { yawDeg: -15, expression: [['eyeSquint_L', 1], ['eyeSquint_R', 1], ['cheekSquint_L', 0.6], ['cheekSquint_R', 0.6]] },
  { yawDeg: 15, expression: [['eyeSquint_L', 0.9], ['eyeSquint_R', 0.9], ['cheekSquint_L', 0.5], ['cheekSquint_R', 0.5]] },
];
