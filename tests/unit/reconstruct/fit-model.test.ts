import { beforeAll, describe, expect, it } from 'vitest';
import type { HeadModel } from '../../../core/head-model/head-model';
import { HeadModelEvaluator } from '../../../core/head-model/head-model-evaluator';
import { pickContour } from '../../../core/reconstruct/contour-pick';
import { createProjection, projectPoints, type PhotoState } from '../../../core/reconstruct/fit-linearize';
import { alignedVertexError, normalizedLandmarkError } from '../../../core/reconstruct/fit-metrics';
import { fitLandmarks, fitPhotos } from '../../../core/reconstruct/fit-photos';
import { buildFitPoints, type FitPoints } from '../../../core/reconstruct/fit-points';
import { axisAngle, projectOrtho, rotationMatrix } from '../../../core/geometry/ortho-camera';
import { poseHead } from '../../../core/geometry/pose-head';
import { shBasis, shShade } from '../../../core/geometry/sh-basis';
import { estimateShLighting } from '../../../core/reconstruct/sh-lighting';
import { buildStarterHead } from '../../../core/starter-head/build-starter-head';
import { readCanonicalFaceMeshAsset } from '../../../main/packs/starter-pack';
import { rng, syntheticPerson } from '../../../core/reconstruct/synthetic-views';

let model: HeadModel;
let pts: FitPoints;
beforeAll(async () => {
  model = buildStarterHead(await readCanonicalFaceMeshAsset());
  pts = buildFitPoints(model);
});

function randomState(seed: number): { beta: Float64Array; st: PhotoState } {
  const r = rng(seed);
  const beta = Float64Array.from({ length: pts.shapeCount }, () => r.normal());
  const st: PhotoState = {
    R: rotationMatrix([0.2 * r.normal(), 0.4 * r.normal(), 0.1 * r.normal()]),
    jaw: rotationMatrix([0.15, 0.02, -0.03]),
    scale: 1400 + 100 * r.normal(),
    tx: 300,
    ty: 280,
    expression: Float64Array.from({ length: pts.expressionCount }, () => 0.5 * r.uniform()),
  };
  return { beta, st };
}

describe('coarse fitter model (starter head)', () => {
  it('projects exactly what HeadModelEvaluator poses, once the root pivot is folded into the translation', () => {
    const { beta, st } = randomState(7);
    const proj = createProjection(pts);
    projectPoints(pts, beta, st, pts.count, false, proj);
    const ev = new HeadModelEvaluator(model, { normals: false, simd: false });
    const photo = { rotation: axisAngle(st.R), jaw: axisAngle(st.jaw), expression: st.expression, camera: { scale: st.scale, tx: st.tx, ty: st.ty } };
    const out = poseHead(ev, model, beta, photo);
    const lm = projectOrtho(out.landmarks, photo.camera);
    let max = 0;
    for (let i = 0; i < 136; i++) max = Math.max(max, Math.abs(lm[i]! - proj.pred[i]!));
    const dense = model.regions.mediapipe468!;
    for (let m = 0; m < 468; m++) for (let d = 0; d < 2; d++) {
      const v = dense[m]!;
      const p = d === 0 ? photo.camera.scale * out.vertices[v * 3]! + photo.camera.tx : -photo.camera.scale * out.vertices[v * 3 + 1]! + photo.camera.ty;
      max = Math.max(max, Math.abs(p - proj.pred[(68 + m) * 2 + d]!));
    }
    // float32 vertices at ~300 px: a few 1e-5 px of rounding
    expect(max).toBeLessThan(1e-3);
    // the jaw really moves the chin (the check is not vacuous)
    expect(pts.jawWeight[8]).toBeGreaterThan(0.5);
  });

  it('has analytic Jacobians that match central differences', () => {
    const { beta, st } = randomState(11);
    const proj = createProjection(pts);
    projectPoints(pts, beta, st, pts.count, true, proj);
    const C = proj.columns, Ke = pts.expressionCount;
    const a = createProjection(pts), b = createProjection(pts);
    const mul = (A: Float64Array, B: Float64Array) => Float64Array.from({ length: 9 }, (_, i) => A[Math.floor(i / 3) * 3]! * B[i % 3]! + A[Math.floor(i / 3) * 3 + 1]! * B[3 + (i % 3)]! + A[Math.floor(i / 3) * 3 + 2]! * B[6 + (i % 3)]!);
    const perturbed = (c: number, h: number) => {
      const s: PhotoState = { ...st, expression: Float64Array.from(st.expression) };
      const bb = Float64Array.from(beta);
      const e = [0, 0, 0];
      if (c < 3) (e[c] = h), (s.R = mul(st.R, rotationMatrix(e)));
      else if (c === 3) s.scale = st.scale * Math.exp(h);
      else if (c === 4) s.tx += h;
      else if (c === 5) s.ty += h;
      else if (c < 9) (e[c - 6] = h), (s.jaw = mul(st.jaw, rotationMatrix(e)));
      else if (c < 9 + Ke) s.expression[c - 9] += h;
      else bb[c - 9 - Ke] += h;
      return { s, bb };
    };
    let worst = 0;
    for (let c = 0; c < C; c++) {
      const h = 1e-5;
      const p = perturbed(c, h), m = perturbed(c, -h);
      projectPoints(pts, p.bb, p.s, pts.count, false, a);
      projectPoints(pts, m.bb, m.s, pts.count, false, b);
      for (let row = 0; row < pts.count * 2; row++) {
        const fd = (a.pred[row]! - b.pred[row]!) / (2 * h);
        const an = proj.jac[row * C + c]!;
        worst = Math.max(worst, Math.abs(fd - an) / (1 + Math.abs(an)));
      }
    }
    expect(worst).toBeLessThan(1e-4);
  });

  it('fits synthetic landmarks and FaceMesh points of a random person', () => {
    const person = syntheticPerson(model, 5, 3, { maxYawDeg: 30, noisePx: 1.5, shapeStd: 1, scale: 1500 });
    const fit = fitPhotos(pts, person.views);
    const ev = new HeadModelEvaluator(model, { normals: false, simd: false });
    const J = model.joints.names.length, jaw = model.joints.names.indexOf('jaw');
    const pose = (j: readonly number[]) => Float64Array.from({ length: J * 3 }, (_, i) => (Math.floor(i / 3) === jaw ? j[i % 3]! : 0));
    const errors = person.views.map((v, i) => {
      const truth = Float32Array.from(ev.evaluate({ shape: person.shape, expression: v.expression, pose: pose(v.jaw) }).vertices);
      const f = ev.evaluate({ shape: fit.shape, expression: fit.photos[i]!.expression, pose: pose(fit.photos[i]!.jaw) }).vertices;
      return alignedVertexError(f, truth, model.regions.face);
    });
    const meanFace = alignedVertexError(Float32Array.from(ev.evaluate({}).vertices), Float32Array.from(ev.evaluate({ shape: person.shape }).vertices), model.regions.face);
    const nme = person.views.map((v, i) => normalizedLandmarkError(fitLandmarks(pts, fit.shape, fit.photos[i]!), v.landmarks));
    console.log(`starter head, 3 views joint: face error ${errors.map((e) => (e * 1000).toFixed(2)).join(' ')} mm (mean face ${(meanFace * 1000).toFixed(2)} mm), NME ${nme.map((e) => e.toFixed(4)).join(' ')}`);
    for (const e of errors) expect(e).toBeLessThan(0.5 * meanFace);
    // 1.5 px noise over a ~140 px eye-corner distance is ~0.011 on its own
    for (const e of nme) expect(e).toBeLessThan(0.02);
    // the recovered yaw follows the truth (−30°, 0°, 30°)
    person.views.forEach((v, i) => expect(Math.abs((-fit.photos[i]!.rotation[1] * 180) / Math.PI - v.yawDeg)).toBeLessThan(4));
  });

  it('stops at once when asked (a cancelled job) and leaves the start untouched', () => {
    const person = syntheticPerson(model, 9, 1, { maxYawDeg: 10, noisePx: 1.5, shapeStd: 1, scale: 1500 });
    const fit = fitPhotos(pts, person.views, { shouldStop: () => true });
    expect(fit.iterations).toBe(0);
    expect(Array.from(fit.shape).every((b) => b === 0)).toBe(true);
  });

  it('moves the far side of the jaw contour to the silhouette (landmark marching), and picks FLAME bins as DECA does', () => {
    const { beta, st } = randomState(3);
    const proj = createProjection(pts);
    const picks = new Int32Array(17);
    pickContour(pts, beta, { ...st, R: rotationMatrix([0, 0, 0]) }, proj, picks);
    expect(Array.from(picks)).toEqual(Array.from({ length: 17 }, (_, l) => l));
    // Turned 30° towards +X: the subject's left (rest x > 0, landmarks 9…16) turns away.
    const turned = { ...st, R: rotationMatrix([0, (30 * Math.PI) / 180, 0]) };
    pickContour(pts, beta, turned, proj, picks);
    const moved = Array.from(picks).map((p, l) => (p !== l ? l : -1)).filter((l) => l >= 0);
    expect(moved.length).toBeGreaterThanOrEqual(4);
    for (const l of moved) expect(pts.rest[l * 3]).toBeGreaterThan(0);
    projectPoints(pts, beta, turned, 0, false, proj, Array.from({ length: 17 }, (_, l) => l));
    const fixed = Array.from({ length: 17 }, (_, l) => proj.pred[l * 2]!);
    projectPoints(pts, beta, turned, 0, false, proj, picks);
    for (const l of moved) expect(proj.pred[picks[l]! * 2]!).toBeGreaterThan(fixed[l]!);
    // FLAME: 79 bins; yaw −20° → bin 20, +20° → bin 59, beyond ±39° clamped (DECA's lbs.py rule)
    const flame = { ...pts, contour: { kind: 'flame' as const, start: 1000, bins: 79 } };
    const bin = (deg: number) => {
      pickContour(flame, beta, { ...st, R: rotationMatrix([0, (deg * Math.PI) / 180, 0]) }, proj, picks);
      return (picks[0]! - 1000) / 17;
    };
    expect([bin(-20), bin(20), bin(0), bin(-60), bin(60)]).toEqual([20, 59, 0, 39, 78]);
  });
});

describe('SH lighting (DECA convention)', () => {
  it('recovers 27 known coefficients from shaded normals, and matches DECA’s constants', () => {
    const r = rng(21);
    const truth = Float64Array.from({ length: 27 }, (_, i) => (i < 3 ? 2 + 0.3 * i : 0.4 * r.normal()));
    const M = 500;
    const normals = new Float64Array(M * 3), colors = new Float64Array(M * 3);
    for (let i = 0; i < M; i++) {
      const n = [r.normal(), r.normal(), Math.abs(r.normal())];
      const l = Math.hypot(n[0]!, n[1]!, n[2]!);
      normals.set(n.map((x) => x / l), i * 3);
      colors.set(shShade(truth, normals[i * 3]!, normals[i * 3 + 1]!, normals[i * 3 + 2]!), i * 3);
    }
    const est = estimateShLighting(normals, colors, 0);
    for (let i = 0; i < 27; i++) expect(est.light[i]).toBeCloseTo(truth[i]!, 6);
    expect(est.rms).toBeLessThan(1e-9);
    // DECA: band 0 constant 1/sqrt(4π) = 0.2820948; band 8 (π/4)(1/2)sqrt(5/(4π)) at n = +z: ·(3·1 − 1)
    const b = new Float64Array(9);
    shBasis(0, 0, 1, b);
    expect(b[0]).toBeCloseTo(0.2820948, 6);
    expect(b[3]).toBeCloseTo(((2 * Math.PI) / 3) * Math.sqrt(3 / (4 * Math.PI)), 9);
    expect(b[8]).toBeCloseTo((Math.PI / 4) * 0.5 * Math.sqrt(5 / (4 * Math.PI)) * 2, 9);
  });
});
