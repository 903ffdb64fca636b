import { INNER_LIP_LOWER, INNER_LIP_UPPER, type StarterHeadSurface } from './starter-head-shell';
import { at, smoothstep, type Vec3 } from './starter-head-fields';

export const STARTER_JOINTS = ['root', 'neck', 'head', 'jaw', 'eye_L', 'eye_R'] as const;
export const STARTER_PARENTS = [-1, 0, 1, 2, 2, 2];

/** Pivot of the jaw (temporomandibular joints' midpoint), cm. */
export const JAW_PIVOT: Vec3 = [0, -0.8, -2.8];

export interface StarterRig {
  /** V×J skinning weights. */
  weights: Float32Array;
  /** Per vertex: how much it follows the jaw (0…1), for skinning and the jawOpen shape. */
  jaw: Float32Array;
  /** Per vertex: how much it belongs to the head above the neck (0…1). */
  head: Float32Array;
  /** Sparse joint regressor rows: vertex indices and weights per joint. */
  regressor: { vertices: number[]; weights: number[] }[];
}

/**
 * Skinning weights and the joint regressor of the starter head: root at the neck's base, neck,
 * head at the skull base, jaw at the temporomandibular joints, one joint per eyeball.
 *
 * ```ts
 * const rig = buildStarterRig(surface);
 * ```
 */
export function buildStarterRig(s: StarterHeadSurface): StarterRig {
  const p = s.positions;
  const V = p.length / 3;
  const J = STARTER_JOINTS.length;
  const weights = new Float32Array(V * J);
  const jaw = new Float32Array(V);
  const head = new Float32Array(V);
  const mouthCorners = [at(p, INNER_LIP_UPPER[0]!), at(p, INNER_LIP_UPPER[INNER_LIP_UPPER.length - 1]!)];
  const mouthLine = (mouthCorners[0]![1] + mouthCorners[1]![1]) / 2;
  const jawOf = (v: Vec3) => {
    // Below the lips' line, which rises towards the ears along the jaw's ramus; in front of the ears.
    const line = mouthLine + 0.55 * Math.max(0, Math.abs(v[0]) - 2.6);
    // Under the chin the skin hands over gradually to the neck, so an open jaw stretches it smoothly.
    return smoothstep(-0.35, 0.35, line - v[1]) * smoothstep(-5.5, -3.0, v[2]) * smoothstep(-13.5, -9.2, v[1]);
  };
  const lower = new Set(INNER_LIP_LOWER.slice(1, -1));
  const upper = new Set(INNER_LIP_UPPER.slice(1, -1));
  const corners = new Set([INNER_LIP_UPPER[0]!, INNER_LIP_UPPER[INNER_LIP_UPPER.length - 1]!]);
  const jawExplicit = (i: number) => (lower.has(i) ? 1 : upper.has(i) ? 0 : corners.has(i) ? 0.5 : null);
  for (let i = 0; i < V; i++) {
    const v = at(p, i);
    // The neck meets the head along a line from under the chin (front, low) to the nape (back, higher).
    const boundary = -9.5 - 0.25 * (v[2] + 4);
    head[i] = smoothstep(-2.5, 1.5, v[1] - boundary);
    const source = s.mouthSource[i]!;
    jaw[i] = jawExplicit(i) ?? (source >= 0 ? (jawExplicit(source) ?? jawOf(at(p, source))) : i >= s.parts.mouth[0] && i < s.parts.mouth[1] ? 0.5 : jawOf(v));
  }
  const eyeL = s.parts.eyeL, eyeR = s.parts.eyeR;
  for (let i = 0; i < V; i++) {
    const row = i * J;
    if (i >= eyeL[0] && i < eyeL[1]) {
      weights[row + 4] = 1;
      continue;
    }
    if (i >= eyeR[0] && i < eyeR[1]) {
      weights[row + 5] = 1;
      continue;
    }
    const y = p[i * 3 + 1]!;
    const root = 1 - smoothstep(-18.5, -14, y);
    const above = (1 - root) * head[i]!;
    weights[row] = root;
    weights[row + 1] = (1 - root) * (1 - head[i]!);
    weights[row + 2] = above * (1 - jaw[i]!);
    weights[row + 3] = above * jaw[i]!;
  }

  // Joint regressor: each joint is the mean of vertices placed around it, so J(β) follows the shape.
  const shell = s.parts.shell;
  const ring = (y: number, tolerance: number) => {
    const out: number[] = [];
    for (let i = shell[0]; i < shell[1]; i++) if (Math.abs(p[i * 3 + 1]! - y) < tolerance && p[i * 3 + 2]! < 2) out.push(i);
    return out;
  };
  const nearestPair = (target: Vec3) => {
    let best = -1, bestD = Infinity;
    for (let i = 0; i < V; i++) {
      if (i >= eyeR[0]) break;
      const d = (p[i * 3]! - target[0]) ** 2 + (p[i * 3 + 1]! - target[1]) ** 2 + (p[i * 3 + 2]! - target[2]) ** 2;
      if (d < bestD) (bestD = d), (best = i);
    }
    const mirrorTarget: Vec3 = [-p[best * 3]!, p[best * 3 + 1]!, p[best * 3 + 2]!];
    let twin = -1;
    bestD = Infinity;
    for (let i = 0; i < eyeR[0]; i++) {
      const d = (p[i * 3]! - mirrorTarget[0]) ** 2 + (p[i * 3 + 1]! - mirrorTarget[1]) ** 2 + (p[i * 3 + 2]! - mirrorTarget[2]) ** 2;
      if (d < bestD) (bestD = d), (twin = i);
    }
    return [best, twin];
  };
  const range = (r: [number, number]) => Array.from({ length: r[1] - r[0] }, (_, k) => r[0] + k);
  const sets = [ring(-18.8, 0.6), ring(-11, 0.5), ring(-6.5, 0.5), nearestPair([7.2, JAW_PIVOT[1], JAW_PIVOT[2]]), range(eyeL), range(eyeR)];
  const regressor = sets.map((vertices) => {
    if (vertices.length === 0) throw new Error('starter head: a joint has no vertices to regress from');
    return { vertices, weights: vertices.map(() => 1 / vertices.length) };
  });
  return { weights, jaw, head, regressor };
}
