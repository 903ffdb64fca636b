import { createProjection, projectPoints, type PhotoState } from './fit-linearize';
import type { FitPoints } from './fit-points';
import { rotationMatrix, type PhotoFit } from '../geometry/ortho-camera';

/**
 * Where the fitter starts instead of its own rigid guess (e.g. DECA's encoder): a β, and per photo
 * any of rotation, jaw, expression and camera. What is left out is guessed as without an init
 * (camera from the landmarks' spread under the given rotation and β).
 */
export interface FitInit {
  shape?: ArrayLike<number> | null;
  photos?: readonly (Partial<PhotoFit> | null | undefined)[] | null;
}

/** What the fitter observes of a photo for its start: 68 landmarks and a rough yaw. */
interface StartObservation {
  landmarks: ArrayLike<number>;
  yawDeg?: number;
  /** 68 flags, 1 where observed (a profile's few points); absent: all. */
  landmarkMask?: Uint8Array | null;
  /** Pins: pinned landmarks count as observed, pinned surface points (fit-point indices, x, y pairs) join the start's centre and spread. */
  pins?: { landmarks: Uint8Array; points: Int32Array; xy: Float64Array } | null;
}

/**
 * A photo's starting state: the init's values where given, otherwise rotation from the rough yaw,
 * no jaw or expression, and scale and translation matching the landmarks' spread and centre. Each
 * rotation matrix made from a given axis-angle is recorded in `given`, so a photo the fit leaves
 * untouched reports the very vector it was given (a matrix round trip is not bit-exact).
 *
 * ```ts
 * const given = new WeakMap<Float64Array, [number, number, number]>();
 * const st = startState(points, beta, obs, points.expressionCount, init.photos?.[0], given);
 * ```
 */
export function startState(
  pts: FitPoints,
  beta: Float64Array,
  ph: StartObservation,
  Ke: number,
  init: Partial<PhotoFit> | null | undefined,
  given: WeakMap<Float64Array, [number, number, number]>,
): PhotoState {
  const yaw = ((ph.yawDeg ?? 0) * Math.PI) / 180;
  const matrix = (v: readonly number[] | undefined, fallback: [number, number, number]): Float64Array => {
    const vec: [number, number, number] = v ? [v[0]!, v[1]!, v[2]!] : fallback;
    const R = rotationMatrix(vec);
    if (v) given.set(R, vec);
    return R;
  };
  const expression = new Float64Array(Ke);
  if (init?.expression) for (let k = 0; k < Ke; k++) expression[k] = init.expression[k] ?? 0;
  const st: PhotoState = { R: matrix(init?.rotation, [0, -yaw, 0]), jaw: matrix(init?.jaw, [0, 0, 0]), scale: 1, tx: 0, ty: 0, expression };
  if (init?.camera) {
    st.scale = init.camera.scale;
    st.tx = init.camera.tx;
    st.ty = init.camera.ty;
    return st;
  }
  const proj = createProjection(pts, false);
  projectPoints(pts, beta, st, 68, false, proj);
  // Predicted and observed pixels of what the photo shows: every landmark, or with a mask (a
  // profile) the observed and pinned ones and the pinned surface points.
  const pred: number[] = [], obs: number[] = [];
  for (let l = 0; l < 68; l++) {
    if (ph.landmarkMask && ph.landmarkMask[l] !== 1 && ph.pins?.landmarks[l] !== 1) continue;
    pred.push(proj.pred[l * 2]!, proj.pred[l * 2 + 1]!);
    obs.push(ph.landmarks[l * 2]!, ph.landmarks[l * 2 + 1]!);
  }
  if (ph.landmarkMask && ph.pins?.points.length) {
    projectPoints(pts, beta, st, 0, false, proj, ph.pins.points);
    ph.pins.points.forEach((p, q) => (pred.push(proj.pred[p * 2]!, proj.pred[p * 2 + 1]!), obs.push(ph.pins!.xy[q * 2]!, ph.pins!.xy[q * 2 + 1]!)));
  }
  const n = pred.length / 2;
  let mx = 0, my = 0, ox = 0, oy = 0;
  for (let i = 0; i < n; i++) (mx += pred[i * 2]! / n), (my += pred[i * 2 + 1]! / n), (ox += obs[i * 2]! / n), (oy += obs[i * 2 + 1]! / n);
  let sm = 0, so = 0;
  for (let i = 0; i < n; i++) {
    sm += (pred[i * 2]! - mx) ** 2 + (pred[i * 2 + 1]! - my) ** 2;
    so += (obs[i * 2]! - ox) ** 2 + (obs[i * 2 + 1]! - oy) ** 2;
  }
  // projectPoints used scale 1 and no shift: scale the spreads, then match the centres.
  st.scale = Math.sqrt(so / sm);
  st.tx = ox - st.scale * mx;
  st.ty = oy - st.scale * my;
  return st;
}
