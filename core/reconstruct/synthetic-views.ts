import type { HeadModel } from '../head-model/head-model';
import { HeadModelEvaluator } from '../head-model/head-model-evaluator';
import { pickContour } from './contour-pick';
import { createProjection, projectPoints } from './fit-linearize';
import { buildFitPoints } from './fit-points';
import { projectOrtho, rotationMatrix, type OrthoCamera } from '../geometry/ortho-camera';

/**
 * Deterministic PRNG (mulberry32) with a Box–Muller normal.
 *
 * ```ts
 * const r = rng(1); const x = r.normal();
 * ```
 */
export function rng(seed: number): { uniform: () => number; normal: () => number } {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { uniform, normal: () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()) };
}

export interface SyntheticView {
  landmarks: Float64Array;
  mesh: Float64Array | null;
  yawDeg: number;
  expression: Float64Array;
  jaw: [number, number, number];
  /** The truth's global rotation (axis-angle about the root joint, as evaluated) and camera. */
  rotation: [number, number, number];
  camera: OrthoCamera;
}

/**
 * Random views of one random identity: β ~ N(0, shapeStd²), a few expressions in [0, 0.5], yaw
 * within ±maxYaw, small pitch/roll, landmarks (and the mediapipe468 vertices when present) projected
 * with an orthographic camera and Gaussian pixel noise. The jaw-contour landmarks are put where a
 * detector puts them, on the silhouette of the side turned away (the model's dynamic contour or
 * landmark marching), unless `staticContour`. `expressions` gives view v its ψ and jaw instead of
 * random ones (known truth, e.g. ARKit weights put on the pack). The synthetic truth of the fitter's tests
 * and benchmark (landmarks-only fitting needs no images).
 *
 * ```ts
 * const person = syntheticPerson(model, 1, 5, { maxYawDeg: 30, noisePx: 1.5, shapeStd: 1, scale: 1500 });
 * const fit = fitPhotos(buildFitPoints(model), person.views);
 * ```
 */
export function syntheticPerson(
  model: HeadModel,
  seed: number,
  views: number,
  o: { maxYawDeg: number; noisePx: number; shapeStd: number; scale: number; staticContour?: boolean; expressions?: readonly { expression: Float64Array; jaw: [number, number, number] }[] },
): { shape: Float64Array; views: SyntheticView[] } {
  const r = rng(seed);
  const ev = new HeadModelEvaluator(model, { normals: false, simd: false });
  const shape = Float64Array.from({ length: model.shape.count }, () => o.shapeStd * r.normal());
  const J = model.joints.names.length;
  const jawJ = model.joints.names.indexOf('jaw');
  const out: SyntheticView[] = [];
  const dense = model.regions.mediapipe468;
  const fp = buildFitPoints(model, { dense: false, gram: false });
  const proj = createProjection(fp, false);
  const picks = new Int32Array(17);
  for (let v = 0; v < views; v++) {
    // Given expressions (e.g. known ARKit weights on the pack) replace the random ones, view by view.
    const given = o.expressions?.[v];
    const expression = given ? Float64Array.from(given.expression) : new Float64Array(model.expression.count);
    if (!given) for (let k = 0; k < 5; k++) expression[Math.floor(r.uniform() * model.expression.count)] = 0.5 * r.uniform();
    const yaw = views === 1 ? (2 * r.uniform() - 1) * o.maxYawDeg : -o.maxYawDeg + (2 * o.maxYawDeg * v) / Math.max(1, views - 1);
    const pose = new Float64Array(J * 3);
    const deg = Math.PI / 180;
    pose[0] = (2 * r.uniform() - 1) * 10 * deg;
    pose[1] = -yaw * deg;
    pose[2] = (2 * r.uniform() - 1) * 5 * deg;
    const jaw: [number, number, number] = given ? [...given.jaw] : [0.1 * r.uniform(), 0, 0];
    if (jawJ > 0) pose.set(jaw, jawJ * 3);
    const res = ev.evaluate({ shape, expression, pose });
    const cam: OrthoCamera = { scale: o.scale, tx: 320 + 20 * r.normal(), ty: 300 + 20 * r.normal() };
    const landmarks = projectOrtho(res.landmarks, cam);
    if (fp.contour && !o.staticContour) {
      // The fit points rotate about the origin, the evaluator about the root joint: same picture up to a shift.
      const st = { R: rotationMatrix([pose[0]!, pose[1]!, pose[2]!]), jaw: rotationMatrix(jaw), scale: cam.scale, tx: cam.tx, ty: cam.ty, expression };
      pickContour(fp, shape, st, proj, picks);
      projectPoints(fp, shape, st, 0, false, proj, [27, ...picks]);
      const dx = landmarks[54]! - proj.pred[54]!, dy = landmarks[55]! - proj.pred[55]!;
      for (let l = 0; l < 17; l++) (landmarks[l * 2] = proj.pred[picks[l]! * 2]! + dx), (landmarks[l * 2 + 1] = proj.pred[picks[l]! * 2 + 1]! + dy);
    }
    let mesh: Float64Array | null = null;
    if (dense) {
      const pts = new Float64Array(dense.length * 3);
      for (let i = 0; i < dense.length; i++) for (let d = 0; d < 3; d++) pts[i * 3 + d] = res.vertices[dense[i]! * 3 + d]!;
      mesh = projectOrtho(pts, cam);
      for (let i = 0; i < mesh.length; i++) mesh[i] += o.noisePx * r.normal();
    }
    for (let i = 0; i < landmarks.length; i++) landmarks[i] += o.noisePx * r.normal();
    out.push({ landmarks, mesh, yawDeg: yaw, expression, jaw, rotation: [pose[0]!, pose[1]!, pose[2]!], camera: cam });
  }
  return { shape, views: out };
}
