import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HeadModel } from '../../../core/head-model/head-model';
import { HeadModelEvaluator } from '../../../core/head-model/head-model-evaluator';
import { importIctFaceKit, zipSourceFiles } from '../../../core/head-model/ict-facekit-import';
import { readZip } from '../../../core/head-model/zip-read';
import { opaqueTriangles } from '../../../core/geometry/opaque-triangles';
import { profileLandmarks } from '../../../core/perception/profile-silhouette';
import { fitLandmarks, fitPhotos, type FitResult, type PhotoObservation } from '../../../core/reconstruct/fit-photos';
import { buildFitPoints, type FitPoints } from '../../../core/reconstruct/fit-points';
import { pinnedFitInputs } from '../../../core/reconstruct/fit-pin-points';
import { profileObservation, type ProfilePoint } from '../../../core/reconstruct/profile-observation';
import { profileContourInputs } from '../../../core/reconstruct/profile-contour';
import { renderShadedHead } from '../../../core/reconstruct/render-shaded-head';
import { rng, syntheticPerson, type SyntheticView } from '../../../core/reconstruct/synthetic-views';
import { SHARED_DIR } from '../../helpers/temp-dir';
import { decodePhoto } from '../../../main/perception/decode-photo';
import { landmarkMetrics } from '../../../core/reconstruct/stages/metrics-stage';

const ZIP = path.join(SHARED_DIR, 'models/ICT-FaceKit-master.zip');
/** The midline landmarks a profile's silhouette shows: sellion, nose tip, subnasale, upper and lower lip, chin. */
/** Pixel noise of the pins placed from the truth (an artist's hand). */
const PIN_NOISE = 1.5;
const MIDLINE = [27, 30, 33, 51, 57, 8];

/**
 * Nose-tip and chin depth (along the head's forward axis, neutral expression) in front of the outer
 * eye corners' midpoint, as fractions of the sellion-to-chin distance (landmarks 27–8): what a
 * profile shows best and front views worst. Relative, as the fit's other errors are measured after a
 * similarity alignment: an orthographic camera trades the head's size against its scale.
 */
function depths(ev: HeadModelEvaluator, shape: ArrayLike<number>, pogonion: number): { nose: number; chin: number; height: number } {
  const out = ev.evaluate({ shape: Float64Array.from(shape) });
  const lm = out.landmarks, v = out.vertices;
  const eyes = (lm[36 * 3 + 2]! + lm[45 * 3 + 2]!) / 2;
  const height = Math.hypot(lm[27 * 3]! - lm[8 * 3]!, lm[27 * 3 + 1]! - lm[8 * 3 + 1]!, lm[27 * 3 + 2]! - lm[8 * 3 + 2]!);
  const chin = v[pogonion * 3 + 2]!;
  return { nose: (lm[30 * 3 + 2]! - eyes) / height, chin: (chin - eyes) / height, height };
}

/** The chin's most forward midline vertex of the mean face (pogonion), below the lower lip (57) and above the chin landmark (8). */
function pogonionVertex(model: HeadModel, ev: HeadModelEvaluator): number {
  const out = ev.evaluate({ shape: new Float64Array(model.shape.count) });
  const lm = out.landmarks, v = out.vertices;
  let best = -1;
  for (let i = 0; i < v.length / 3; i++) {
    if (Math.abs(v[i * 3]!) > 0.002 || v[i * 3 + 1]! > lm[57 * 3 + 1]! - 0.008 || v[i * 3 + 1]! < lm[8 * 3 + 1]!) continue;
    if (best < 0 || v[i * 3 + 2]! > v[best * 3 + 2]!) best = i;
  }
  return best;
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
    const pogonion = pogonionVertex(model, ev);
    const pogTri = model.triangles.findIndex((v) => v === pogonion);
    const full = new HeadModelEvaluator(model);
    for (let seed = 1; seed <= 3; seed++) {
      // Front and 3/4 views (yaw −35°, 0°, 35°), and the same person's two profiles (yaw ∓90°, neutral).
      const person = syntheticPerson(model, seed, 3, { maxYawDeg: 35, noisePx: 1.5, shapeStd: 1, scale: 1500 });
      const neutral = { expression: new Float64Array(model.expression.count), jaw: [0, 0, 0] as [number, number, number] };
      const profiles = syntheticPerson(model, seed, 2, { maxYawDeg: 90, noisePx: 0, shapeStd: 1, scale: 1500, expressions: [neutral, neutral], staticContour: true });
      expect(Array.from(profiles.shape)).toEqual(Array.from(person.shape));
      const truth = depths(ev, person.shape, pogonion);
      truthDepths.push(truth);
      const err = (fit: FitResult) => {
        const d = depths(ev, fit.shape, pogonion);
        // In millimetres of the truth's face: the relative error times its sellion-to-chin distance.
        return [Math.abs(d.nose - truth.nose) * truth.height, Math.abs(d.chin - truth.chin) * truth.height];
      };
      const base = fitPhotos(pts, person.views);
      // Pins from the truth: the midline points, the visible outer eye corner and mouth corner.
      const r = rng(100 + seed);
      const pinObs = profiles.views.map((v) => {
        const visible = v.yawDeg > 0 ? [45, 54] : [36, 48];
        return [...MIDLINE, ...visible].map((l) => ({ landmark: l, x: v.landmarks[l * 2]! + PIN_NOISE * r.normal(), y: v.landmarks[l * 2 + 1]! + PIN_NOISE * r.normal() }));
      });
      // And a surface pin on the chin's most forward point (pogonion), which no iBUG landmark names.
      const surface = profiles.views.map((v) => {
        const J = model.joints.names.length, pose = new Float64Array(J * 3);
        pose.set(v.rotation, 0);
        const o = full.evaluate({ shape: profiles.shape, expression: v.expression, pose });
        const x = v.camera.scale * o.vertices[pogonion * 3]! + v.camera.tx, y = -v.camera.scale * o.vertices[pogonion * 3 + 1]! + v.camera.ty;
        const corner = pogTri % 3, bary: [number, number, number] = [0, 0, 0];
        bary[corner] = 1;
        return { triangle: Math.floor(pogTri / 3), barycentric: bary, x, y };
      });
      const pinLists = pinObs.map((p, i) => [...p, surface[i]!]);
      const pinned = pinnedFitInputs(model, pts, [...person.views, ...pinObs.map((p, i) => profileObservation(p, { yawDeg: profiles.views[i]!.yawDeg }))], [null, null, null, ...pinLists]);
      const withPins = fitPhotos(pinned.points, pinned.observations);
      // The automatic path: the profiles drawn (grey backdrop), their silhouettes read.
      const auto = profiles.views.map((v) => silhouettePoints(v, profiles.shape));
      autoFound += auto.filter((a) => a !== null).length;
      const autoObs: PhotoObservation[] = auto.flatMap((a, i) => (a ? [profileObservation(a.points, { yawDeg: profiles.views[i]!.yawDeg, eyeDistancePx: a.eyeDistancePx, curve: a.curve })] : []));
      const joined = profileContourInputs(model, pts, [...person.views, ...autoObs]);
      const withAuto = fitPhotos(joined.points, joined.observations);
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
    // Pins (with one on the pogonion) improve both, and so does the silhouette, now matched to the
    // head's own occluding contour (profile-contour.ts). Measured with the fitter as merged (the
    // far-side jaw along the silhouette, ICT's fitted lip landmarks), mean of 3 people: nose 1.01 →
    // 0.16 mm pinned, → 0.72 mm automatic; chin 1.57 → 0.58 mm pinned, → 1.45 mm automatic (it was
    // worse than without profiles while the silhouette's points were held to fixed landmarks). The
    // chin gains little: the silhouette alone cannot tell a head nodded a few degrees from a chin
    // set further back (not every person gains), where pins on the eye and mouth corners hold the nod.
    for (const k of [0, 1]) expect(mean(errs.pins, k)).toBeLessThan(0.7 * mean(errs.base, k));
    expect(mean(errs.auto, 0)).toBeLessThan(0.9 * mean(errs.base, 0));
    expect(mean(errs.auto, 1)).toBeLessThan(mean(errs.base, 1));
  }, 240_000);

  /** A profile view of the truth drawn on a grey backdrop, and the landmarks its silhouette shows. */
  function silhouettePoints(v: SyntheticView, shape: Float64Array): { points: ProfilePoint[]; eyeDistancePx: number; curve: number[] } | null {
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
    const found = profileLandmarks({ width: W, height: H, data: rgb }, [x0, lm[27 * 2 + 1]! - 0.2 * h, h, h], facing);
    return found;
  }
});
/** The London profiles' detector output and hand-placed points (see the fixture's note). */
interface LondonProfiles {
  photos: { photo: string; detector: { box: number[]; detectorYaw: number }; hand: ProfilePoint[] }[];
}

describe.skipIf(!existsSync(ZIP) || !existsSync(path.join(SHARED_DIR, 'photos/london_frl')))('profile photos of real people (London Set), automatic path', () => {
  it('reads the silhouette of at least half of the eight profiles and fits them near hand-placed points', async () => {
    const { model } = importIctFaceKit(zipSourceFiles(readZip(new Uint8Array(readFileSync(ZIP)))));
    const pts = buildFitPoints(model);
    const fixture = JSON.parse(readFileSync(path.join(__dirname, 'fixtures/london-profiles-hand.json'), 'utf8')) as LondonProfiles;
    const rows: string[] = [];
    const fitted: { all: number; unseen: number; found: number }[] = [];
    for (const p of fixture.photos) {
      const image = await decodePhoto(path.join(SHARED_DIR, p.photo));
      const found = profileLandmarks(image, p.detector.box, p.detector.detectorYaw > 0 ? 1 : -1);
      if (!found) {
        rows.push(`${p.photo}: silhouette not read`);
        continue;
      }
      const joined = profileContourInputs(model, pts, [profileObservation(found.points, { yawDeg: p.detector.detectorYaw, eyeDistancePx: found.eyeDistancePx, curve: found.curve })]);
      const obs = joined.observations[0]!;
      const fit = fitPhotos(joined.points, [obs]);
      const nme = landmarkMetrics(pts, fit, [obs]).nme[0]!;
      // Against the hand-placed points, ÷ their sellion-to-chin distance.
      const hand = new Map(p.hand.map((q) => [q.landmark, q]));
      const scale = Math.hypot(hand.get(27)!.x - hand.get(8)!.x, hand.get(27)!.y - hand.get(8)!.y);
      const proj = fitLandmarks(pts, fit.shape, fit.photos[0]!, null, false);
      const dist = (q: ProfilePoint) => Math.hypot(proj[q.landmark * 2]! - q.x, proj[q.landmark * 2 + 1]! - q.y) / scale;
      const seen = new Set(found.points.map((q) => q.landmark));
      const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
      const all = mean(p.hand.map(dist)), unseen = mean(p.hand.filter((q) => !seen.has(q.landmark)).map(dist));
      const detection = mean(found.points.map((q) => Math.hypot(q.x - hand.get(q.landmark)!.x, q.y - hand.get(q.landmark)!.y) / scale));
      const ok = nme < 0.1;
      if (ok) fitted.push({ all, unseen, found: detection });
      rows.push(`${p.photo}: ${found.points.length} silhouette points (their distance to the hand's ${(detection * 100).toFixed(1)}%), fit NME ${nme.toFixed(3)}${ok ? '' : ' (not fitted)'}; fitted head vs hand points: all ${(all * 100).toFixed(1)}%, those the silhouette did not give ${(unseen * 100).toFixed(1)}% of sellion–chin`);
    }
    const mean = (k: 'all' | 'unseen' | 'found') => fitted.reduce((x, f) => x + f[k], 0) / fitted.length;
    rows.push(`fitted ${fitted.length} of ${fixture.photos.length}; mean error vs hand points: all ${(mean('all') * 100).toFixed(1)}%, not given by the silhouette ${(mean('unseen') * 100).toFixed(1)}%, silhouette points themselves ${(mean('found') * 100).toFixed(1)}% of the sellion–chin distance`);
    console.log(rows.join('\n'));
    // Measured: 7 of 8 (005_01's lips and chin do not give the notch-bump sequence); fitted head vs
    // hand points 6.8% of the sellion–chin distance (13.3% for the points the silhouette does not
    // give: the visible eye and mouth corners), the silhouette's points 3.3%. (5.0% when the nose
    // tip, subnasale and lips were held as landmarks: the head's landmarks now follow its contour
    // onto the silhouette rather than onto these points, which a hand puts where iBUG says.)
    expect(fitted.length).toBeGreaterThanOrEqual(6);
    expect(mean('found')).toBeLessThan(0.05);
    expect(mean('all')).toBeLessThan(0.08);
  }, 120_000);
});
