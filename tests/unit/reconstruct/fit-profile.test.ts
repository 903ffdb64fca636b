import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HeadModel } from '../../../core/head-model/head-model';
import { HeadModelEvaluator } from '../../../core/head-model/head-model-evaluator';
import { importIctFaceKit, zipSourceFiles } from '../../../core/head-model/ict-facekit-import';
import { readZip } from '../../../core/head-model/zip-read';
import { opaqueTriangles } from '../../../core/geometry/opaque-triangles';
import { rotationMatrix } from '../../../core/geometry/ortho-camera';
import { profileLandmarks } from '../../../core/perception/profile-silhouette';
import { fitLandmarks, fitPhotos, type FitResult, type PhotoObservation } from '../../../core/reconstruct/fit-photos';
import { buildFitPoints, type FitPoints } from '../../../core/reconstruct/fit-points';
import { pinnedFitInputs } from '../../../core/reconstruct/fit-pin-points';
import { profileObservation, type ProfilePoint } from '../../../core/reconstruct/profile-observation';
import { renderShadedHead } from '../../../core/reconstruct/render-shaded-head';
import { rng, syntheticPerson, type SyntheticView } from '../../../core/reconstruct/synthetic-views';
import { SHARED_DIR } from '../../helpers/temp-dir';

const ZIP = path.join(SHARED_DIR, 'models/ICT-FaceKit-master.zip');
/** The midline landmarks a profile's silhouette shows: sellion, nose tip, subnasale, upper and lower lip, chin. */
const PIN_NOISE = Number(process.env.PIN_NOISE ?? 1.5);
const MIDLINE = [27, 30, 33, 51, 57, 8];

/**
 * Nose-tip and chin depth (along the head's forward axis, neutral expression) in front of the outer
 * eye corners' midpoint, as fractions of the sellion-to-chin distance (landmarks 27–8): what a
 * profile shows best and front views worst. Relative, as the fit's other errors are measured after a
 * similarity alignment: an orthographic camera trades the head's size against its scale.
 */
function depths(ev: HeadModelEvaluator, shape: ArrayLike<number>): { nose: number; chin: number; height: number } {
  const lm = ev.evaluate({ shape: Float64Array.from(shape) }).landmarks;
  const eyes = process.env.REF_SELLION ? lm[27 * 3 + 2]! : (lm[36 * 3 + 2]! + lm[45 * 3 + 2]!) / 2;
  const height = Math.hypot(lm[27 * 3]! - lm[8 * 3]!, lm[27 * 3 + 1]! - lm[8 * 3 + 1]!, lm[27 * 3 + 2]! - lm[8 * 3 + 2]!);
  return { nose: (lm[30 * 3 + 2]! - eyes) / height, chin: (lm[8 * 3 + 2]! - eyes) / height, height };
}

describe.skipIf(!existsSync(ZIP))('profile photos in the joint fit (ICT-FaceKit, synthetic truth)', () => {
  let model: HeadModel;
  let pts: FitPoints;
  let ev: HeadModelEvaluator;
  beforeAll(() => {
    ({ model } = importIctFaceKit(zipSourceFiles(readZip(new Uint8Array(readFileSync(ZIP))))));
    pts = buildFitPoints(model);
    ev = new HeadModelEvaluator(model, { normals: false, simd: false });
  }, 120_000);

  it("ignores the landmarks a profile's mask leaves out (moving them changes nothing)", () => {
    const person = syntheticPerson(model, 7, 3, { maxYawDeg: 30, noisePx: 1, shapeStd: 1, scale: 1500 });
    const side = syntheticPerson(model, 7, 2, { maxYawDeg: 90, noisePx: 1, shapeStd: 1, scale: 1500, staticContour: true }).views[1]!;
    const points = MIDLINE.map((l) => ({ landmark: l, x: side.landmarks[l * 2]!, y: side.landmarks[l * 2 + 1]! }));
    const a = profileObservation(points, { yawDeg: side.yawDeg });
    const b = { ...a, landmarks: Float64Array.from(a.landmarks, (v, i) => (a.landmarkMask![i >> 1] ? v : v + 300 * Math.sin(i))) };
    const options = { rigidIterations: 5, fullIterations: 8 };
    const fa = fitPhotos(pts, [...person.views, a], options), fb = fitPhotos(pts, [...person.views, b], options);
    expect(fb.cost).toBeCloseTo(fa.cost, 6);
    for (let k = 0; k < fa.shape.length; k++) expect(fb.shape[k]).toBeCloseTo(fa.shape[k]!, 6);
  });

  it('lets two profile views (pins from the truth, or read off rendered silhouettes) improve nose-tip and chin depth over front and 3/4 views', () => {
    const truthDepths: { nose: number; chin: number }[] = [];
    const rows: string[] = [];
    const errs = { base: [] as number[][], pins: [] as number[][], auto: [] as number[][] };
    let autoFound = 0;
    for (let seed = 1; seed <= 3; seed++) {
      // Front and 3/4 views (yaw −35°, 0°, 35°), and the same person's two profiles (yaw ∓90°, neutral).
      const person = syntheticPerson(model, seed, 3, { maxYawDeg: 35, noisePx: 1.5, shapeStd: 1, scale: 1500 });
      const neutral = { expression: new Float64Array(model.expression.count), jaw: [0, 0, 0] as [number, number, number] };
      const profiles = syntheticPerson(model, seed, 2, { maxYawDeg: 90, noisePx: 0, shapeStd: 1, scale: 1500, expressions: [neutral, neutral], staticContour: true });
      expect(Array.from(profiles.shape)).toEqual(Array.from(person.shape));
      const truth = depths(ev, person.shape);
      truthDepths.push(truth);
      const err = (fit: FitResult) => {
        const d = depths(ev, fit.shape);
        // In millimetres of the truth's face: the relative error times its sellion-to-chin distance.
        return [Math.abs(d.nose - truth.nose) * truth.height, Math.abs(d.chin - truth.chin) * truth.height];
      };
      const base = fitPhotos(pts, person.views);
      // Pins from the truth: the midline points, the visible outer eye corner and mouth corner.
      const r = rng(100 + seed);
      const pinObs = profiles.views.map((v) => {
        const visible = process.env.VIS === "none" ? [] : process.env.VIS === "flip" ? (v.yawDeg > 0 ? [36, 48] : [45, 54]) : v.yawDeg > 0 ? [45, 54] : [36, 48];
        return [...MIDLINE, ...visible].map((l) => ({ landmark: l, x: v.landmarks[l * 2]! + PIN_NOISE * r.normal(), y: v.landmarks[l * 2 + 1]! + PIN_NOISE * r.normal() }));
      });
      const pinned = pinnedFitInputs(model, pts, [...person.views, ...pinObs.map((p, i) => profileObservation(p, { yawDeg: profiles.views[i]!.yawDeg }))], [null, null, null, ...pinObs]);
      const withPins = fitPhotos(pinned.points, pinned.observations, process.env.PROFILE_OPT ? { ...JSON.parse(process.env.PROFILE_OPT), ...(process.env.PROFILE_TRUTH ? { fixedShape: person.shape } : {}) } : {});
      if (process.env.PROFILE_DEBUG) {
        withPins.photos.forEach((ph, i) => {
          const R = rotationMatrix(ph.rotation);
          const yaw = (Math.atan2(R[2]!, R[8]!) * 180) / Math.PI;
          const p = fitLandmarks(pts, withPins.shape, ph, i < 3);
          const res = i >= 3 ? pinObs[i - 3]!.map((q) => `${q.landmark}:${Math.hypot(p[q.landmark * 2]! - q.x, p[q.landmark * 2 + 1]! - q.y).toFixed(1)}`).join(' ') : '';
          console.log(`seed ${seed} photo ${i} yaw ${yaw.toFixed(1)} scale ${ph.camera.scale.toFixed(0)} jaw ${Array.from(ph.jaw).map((v) => v.toFixed(3))} expr ${Math.hypot(...ph.expression).toFixed(3)} ${res}`);
        });
      }
      // The automatic path: the profiles drawn (grey backdrop), their silhouettes read.
      const auto = profiles.views.map((v) => silhouettePoints(v, profiles.shape));
      autoFound += auto.filter((a) => a !== null).length;
      const autoObs: PhotoObservation[] = auto.flatMap((a, i) => (a ? [profileObservation(a.points, { yawDeg: profiles.views[i]!.yawDeg, eyeDistancePx: a.eyeDistancePx })] : []));
      const withAuto = fitPhotos(pts, [...person.views, ...autoObs]);
      errs.base.push(err(base));
      errs.pins.push(err(withPins));
      errs.auto.push(err(withAuto));
      const mm = (e: number[]) => `nose ${(e[0]! * 1000).toFixed(2)} mm, chin ${(e[1]! * 1000).toFixed(2)} mm`;
      rows.push(`seed ${seed} (truth nose ${(truth.nose * truth.height * 1000).toFixed(1)} mm, chin ${(truth.chin * truth.height * 1000).toFixed(1)} mm): front+3/4 ${mm(errs.base.at(-1)!)}; + 2 pinned profiles ${mm(errs.pins.at(-1)!)}; + ${autoObs.length} automatic profiles ${mm(errs.auto.at(-1)!)}`);
    }
    const mean = (e: number[][], k: number) => e.reduce((s, x) => s + x[k]!, 0) / e.length;
    for (const [name, e] of Object.entries(errs)) rows.push(`mean ${name}: nose ${(mean(e, 0) * 1000).toFixed(2)} mm, chin ${(mean(e, 1) * 1000).toFixed(2)} mm`);
    console.log(rows.join('\n'));
    expect(autoFound).toBe(6);
    for (const k of [0, 1]) {
      expect(mean(errs.pins, k)).toBeLessThan(mean(errs.base, k));
      expect(mean(errs.auto, k)).toBeLessThan(mean(errs.base, k));
    }
  }, 240_000);

  /** A profile view of the truth drawn on a grey backdrop, and the landmarks its silhouette shows. */
  function silhouettePoints(v: SyntheticView, shape: Float64Array): { points: ProfilePoint[]; eyeDistancePx: number } | null {
    const full = new HeadModelEvaluator(model);
    const J = model.joints.names.length, jawJ = model.joints.names.indexOf('jaw');
    const pose = new Float64Array(J * 3);
    pose.set(v.rotation, 0);
    if (jawJ > 0) pose.set(v.jaw, jawJ * 3);
    const out = full.evaluate({ shape, expression: v.expression, pose });
    const W = 640, H = 600;
    const grey = { width: W, height: H, data: new Uint8Array(W * H * 3).fill(200) };
    const skin = { size: 4, rgb: new Uint8Array(4 * 4 * 3).map((_, i) => [200, 150, 130][i % 3]!) };
    const light = new Float64Array(27);
    for (let c = 0; c < 3; c++) (light[c] = 2.2), (light[3 + c] = 0.2), (light[6 + c] = 0.3), (light[9 + c] = 0.4);
    const rgb = renderShadedHead(model, Float32Array.from(out.vertices), Float32Array.from(out.normals), v.camera, grey, skin, light, { triangleMask: opaqueTriangles(model.triangles, model.regions.overlays) }).rgb;
    // A stand-in for the detector's box: square, from above the brows to the chin, its front edge at the nose.
    const lm = v.landmarks, facing = v.yawDeg > 0 ? 1 : -1;
    const h = (lm[8 * 2 + 1]! - lm[27 * 2 + 1]!) / 0.8;
    const x0 = facing === 1 ? lm[30 * 2]! - 0.02 * h : lm[30 * 2]! + 0.02 * h - h;
    return profileLandmarks({ width: W, height: H, data: rgb }, [x0, lm[27 * 2 + 1]! - 0.2 * h, h, h], facing);
  }
});
describe.skipIf(!process.env.PROFILE_DEBUG)('debug', () => {
  it('truth vs fit points', () => {
    const { model } = importIctFaceKit(zipSourceFiles(readZip(new Uint8Array(readFileSync(ZIP)))));
    const pts = buildFitPoints(model);
    for (const yaw of [0, 35, 90]) {
      const p = syntheticPerson(model, 1, 1, { maxYawDeg: yaw, noisePx: 0, shapeStd: 1, scale: 1500, staticContour: true, expressions: [{ expression: new Float64Array(model.expression.count), jaw: [0, 0, 0] }] });
      const v = p.views[0]!;
      const f = fitLandmarks(pts, p.shape, { rotation: v.rotation, jaw: v.jaw, expression: v.expression, camera: v.camera }, false);
      const d = [27, 30, 33, 51, 57, 8, 36, 45, 48, 54].map((l) => `${l}:${(f[l * 2]! - v.landmarks[l * 2]!).toFixed(1)},${(f[l * 2 + 1]! - v.landmarks[l * 2 + 1]!).toFixed(1)}`);
      console.log(`yaw ${v.yawDeg.toFixed(1)} ${d.join(' ')}`);
    }
  }, 120_000);
});
describe.skipIf(!process.env.PROFILE_DEBUG)('debug2', () => {
  it('truth init', () => {
    const { model } = importIctFaceKit(zipSourceFiles(readZip(new Uint8Array(readFileSync(ZIP)))));
    const pts = buildFitPoints(model);
    const neutral = { expression: new Float64Array(model.expression.count), jaw: [0, 0, 0] as [number, number, number] };
    const pr = syntheticPerson(model, 2, 2, { maxYawDeg: 90, noisePx: 0, shapeStd: 1, scale: 1500, expressions: [neutral, neutral], staticContour: true });
    for (const v of pr.views) {
      const pins = MIDLINE.map((l) => ({ landmark: l, x: v.landmarks[l * 2]!, y: v.landmarks[l * 2 + 1]! }));
      const obs = profileObservation(pins, { yawDeg: v.yawDeg });
      const j = pinnedFitInputs(model, pts, [obs], [pins]);
      for (const [name, init] of [['start', null], ['truth', { shape: pr.shape, photos: [{ rotation: v.rotation, jaw: v.jaw, expression: v.expression }] }]] as const) {
        for (const it of [0, 60]) {
          const f = fitPhotos(j.points, j.observations, { fixedShape: pr.shape, init: init as never, rigidIterations: it ? 20 : 0, fullIterations: it });
          const R = rotationMatrix(f.photos[0]!.rotation);
          console.log(`yaw ${v.yawDeg} ${name} it ${it}: cost ${f.cost.toFixed(3)} scale ${f.photos[0]!.camera.scale.toFixed(0)} yawfit ${((Math.atan2(R[2]!, R[8]!) * 180) / Math.PI).toFixed(1)} expr ${Math.hypot(...f.photos[0]!.expression).toFixed(3)}`);
        }
      }
    }
  }, 120_000);
});
