import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HeadModel } from '../../../core/head-model/head-model';
import { HeadModelEvaluator } from '../../../core/head-model/head-model-evaluator';
import { importIctFaceKit, zipSourceFiles } from '../../../core/head-model/ict-facekit-import';
import { readZip } from '../../../core/head-model/zip-read';
import { alignedVertexError, faceMetricRegion } from '../../../core/reconstruct/fit-metrics';
import { fitPhotos, type FitResult } from '../../../core/reconstruct/fit-photos';
import { buildFitPoints } from '../../../core/reconstruct/fit-points';
import { photometricObservation } from '../../../core/reconstruct/photometric-term';
import { renderShadedHead } from '../../../core/reconstruct/render-shaded-head';
import { opaqueTriangles } from '../../../core/geometry/opaque-triangles';
import { parseCanonicalFaceMesh } from '../../../core/starter-head/canonical-face-mesh';
import { readCanonicalFaceMeshAsset } from '../../../main/packs/starter-pack';
import { photometricPoints, photometricRefineStage } from '../../../core/reconstruct/stages/photometric-refine-stage';
import { lightAlbedoStage, poseViews } from '../../../core/reconstruct/stages/light-albedo-stage';
import { SHARED_DIR } from '../../helpers/temp-dir';
import { syntheticPerson } from '../../../core/reconstruct/synthetic-views';

const ZIP = path.join(SHARED_DIR, 'models/ICT-FaceKit-master.zip');

/** Mean vertex error after similarity alignment on the NoW-style face crop (or the given vertices). */
function faceError(model: HeadModel, truth: { shape: Float64Array; expression: Float64Array; jaw: number[] }, fit: FitResult, view: number, region: ArrayLike<number> = faceMetricRegion(model)): number {
  const ev = new HeadModelEvaluator(model, { normals: false, simd: false });
  const J = model.joints.names.length, jaw = model.joints.names.indexOf('jaw');
  const pose = (j: number[]) => {
    const p = new Float64Array(J * 3);
    if (jaw > 0) p.set(j, jaw * 3);
    return p;
  };
  const t = Float32Array.from(ev.evaluate({ shape: truth.shape, expression: truth.expression, pose: pose(truth.jaw) }).vertices);
  const f = ev.evaluate({ shape: fit.shape, expression: fit.photos[view]!.expression, pose: pose(fit.photos[view]!.jaw) }).vertices;
  return alignedVertexError(f, t, region);
}

describe.skipIf(!existsSync(ZIP))('coarse fit against synthetic truth (ICT-FaceKit)', () => {
  let model: HeadModel;
  beforeAll(() => {
    ({ model } = importIctFaceKit(zipSourceFiles(readZip(new Uint8Array(readFileSync(ZIP))))));
  }, 120_000);

  it('recovers shape and expression from noisy landmarks and face mesh (single photos, and five views jointly)', () => {
    // ICT's dense correspondence (FaceMesh's 468 points) is part of the pack: truth and fit use it alike.
    expect(model.regions.mediapipe468).toHaveLength(468);
    const pts = buildFitPoints(model);
    const zeroShape = new Float64Array(model.shape.count), zeroExpr = new Float64Array(model.expression.count);
    const rows: string[] = [];
    const single: number[] = [], baseline: number[] = [], wide: number[] = [];
    for (let seed = 1; seed <= 3; seed++) {
      const person = syntheticPerson(model, seed, 1, { maxYawDeg: 30, noisePx: 1.5, shapeStd: 1, scale: 1500 });
      const v = person.views[0]!;
      const fit = fitPhotos(pts, person.views);
      const truth = { shape: person.shape, expression: v.expression, jaw: v.jaw };
      single.push(faceError(model, truth, fit, 0));
      wide.push(faceError(model, truth, fit, 0, model.regions.face));
      baseline.push(faceError(model, truth, { ...fit, shape: zeroShape, photos: [{ ...fit.photos[0]!, expression: zeroExpr, jaw: [0, 0, 0] }] }, 0));
      rows.push(
        `seed ${seed}: yaw ${v.yawDeg.toFixed(1)}°, fitted ${(single.at(-1)! * 1000).toFixed(2)} mm (whole ICT face region with ears and throat ${(wide.at(-1)! * 1000).toFixed(2)} mm), ` +
          `mean face ${(baseline.at(-1)! * 1000).toFixed(2)} mm, ${fit.iterations} LM steps`,
      );
    }
    const multi = syntheticPerson(model, 4, 5, { maxYawDeg: 30, noisePx: 1.5, shapeStd: 1, scale: 1500 });
    const jf = fitPhotos(pts, multi.views);
    const joint = multi.views.map((w, i) => faceError(model, { shape: multi.shape, expression: w.expression, jaw: w.jaw }, jf, i));
    rows.push(`joint, 5 views at yaw −30…30°: ${joint.map((x) => (x * 1000).toFixed(2)).join(' ')} mm`);
    console.log(rows.join('\n'));
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    // Face crop as NoW measures (within 95 mm of the nose tip): measured single 1.17–1.46 mm against a
    // mean face of 1.9–3.4 mm; goal ≤ 2 mm for every photo.
    single.forEach((e, i) => expect(e).toBeLessThan(baseline[i]!));
    single.forEach((e) => expect(e).toBeLessThan(0.002));
    joint.forEach((e) => expect(e).toBeLessThan(0.002));
    expect(mean(joint)).toBeLessThan(0.0016);
  });

  it("lets DECA's photometric term refine a joint fit: rendered photos of the synthetic person, solved albedo and lighting", async () => {
    const meshTris = parseCanonicalFaceMesh(await readCanonicalFaceMeshAsset()).triangles;
    const ev = new HeadModelEvaluator(model);
    const J = model.joints.names.length, jawJ = model.joints.names.indexOf('jaw');
    // A skin albedo with structure (the term aligns texture between photos), lit from above and the front.
    const N = 512, truth = { size: N, rgb: new Uint8Array(N * N * 3) };
    for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) {
      const k = 1 + 0.18 * Math.sin(x / 9) * Math.cos(y / 13) + 0.12 * Math.sin((x + y) / 5);
      truth.rgb.set([190 * k, 140 * k, 120 * k].map((v) => Math.max(0, Math.min(255, Math.round(v)))), (y * N + x) * 3);
    }
    const light = new Float64Array(27);
    for (let c = 0; c < 3; c++) (light[c] = 2.4), (light[3 + c] = 0.3), (light[6 + c] = 0.35), (light[9 + c] = 0.6);
    const person = syntheticPerson(model, 4, 5, { maxYawDeg: 30, noisePx: 1.5, shapeStd: 1, scale: 1500 });
    const images = person.views.map((v) => {
      const pose = new Float64Array(J * 3);
      pose.set(v.rotation, 0);
      if (jawJ > 0) pose.set(v.jaw, jawJ * 3);
      const out = ev.evaluate({ shape: person.shape, expression: v.expression, pose });
      const grey = { width: 640, height: 600, data: new Uint8Array(640 * 600 * 3).fill(90) };
      // The synthetic person has lashes: drawn into the photos (the studio's own renders leave the strips out).
      return { width: 640, height: 600, data: renderShadedHead(model, Float32Array.from(out.vertices), Float32Array.from(out.normals), v.camera, grey, truth, light, { triangleMask: opaqueTriangles(model.triangles, model.regions.overlays) }).rgb };
    });
    const pp = photometricPoints(model)!;
    const errors = (fit: FitResult) => person.views.map((w, i) => faceError(model, { shape: person.shape, expression: w.expression, jaw: w.jaw }, fit, i));
    const start = fitPhotos(pp.points, person.views);
    // The pipeline's stages, as the workers run them: pose, light/albedo, photometric refine.
    const views = poseViews(model, ev, start.shape, person.views.map((w, i) => ({ image: images[i]!, k: 1, fit: start.photos[i]!, meshPoints: w.mesh ?? null })));
    const solved = lightAlbedoStage(model, views, meshTris, { size: 512 });
    const refined = photometricRefineStage(model, pp, person.views, views, views.map(() => 1), meshTris, start);
    const observations = views.map((v, i) => ({ photometric: photometricObservation(model, pp.points, pp.vertices, v.vertices, v.normals, v.camera, images[i]!, solved.albedo!, pp.vertexUv, solved.lights[i]!) }));
    const before = errors(start), after = errors(refined);
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    console.log(`photometric refinement, 5 views: ${before.map((e) => (e * 1000).toFixed(2)).join(' ')} mm → ${after.map((e) => (e * 1000).toFixed(2)).join(' ')} mm`);
    for (const o of observations) expect(o.photometric.points.length).toBeGreaterThan(300);
    // measured: mean 1.16 → 0.99 mm with the stage's 256² working albedo (0.98 with a 512² one) while
    // the turned-away jaw contour was matched at the model's rest heights — the rule these synthetic
    // landmarks are drawn with. Matched to the nearest silhouette point (as detectors mark it on real
    // photos, see contour-pick.ts) the landmark fit starts nearer (1.12 mm) and the stage gains less
    // (→ 1.10 mm): the far contour's points slide along the outline and pin the pose less.
    expect(mean(after)).toBeLessThan(mean(before));
    expect(mean(after)).toBeLessThan(0.00115);
    after.forEach((e) => expect(e).toBeLessThan(0.0015));
  }, 120_000);

  it('keeps photometric points seen through see-through overlays (a veil over the face hides nothing)', () => {
    const ev = new HeadModelEvaluator(model);
    const v = syntheticPerson(model, 2, 1, { maxYawDeg: 0, noisePx: 0, shapeStd: 1, scale: 1500 }).views[0]!;
    const J = model.joints.names.length, pose = new Float64Array(J * 3);
    pose.set(v.rotation, 0);
    const out = ev.evaluate({ shape: new Float64Array(model.shape.count), expression: v.expression, pose });
    const pp = photometricPoints(model)!;
    const photo = { width: 640, height: 600, data: new Uint8Array(640 * 600 * 3).fill(128) };
    const albedo = { size: 4, rgb: new Uint8Array(4 * 4 * 3).fill(160) };
    const light = new Float64Array(27).fill(0.1);
    const plain = photometricObservation(model, pp.points, pp.vertices, Float32Array.from(out.vertices), Float32Array.from(out.normals), v.camera, photo, albedo, pp.vertexUv, light);
    // A large overlay triangle 5 cm in front of the face (like a pack's eyelashes or eye-blend shells, drawn see-through).
    const V = model.template.length / 3;
    const veil = [-0.3, -0.3, 0.3, 0.3, -0.3, 0.3, 0, 0.4, 0.3];
    const veiled = {
      ...model,
      triangles: Uint32Array.from([...model.triangles, V, V + 1, V + 2]),
      regions: { ...model.regions, overlays: Uint32Array.from([...(model.regions.overlays ?? []), V, V + 1, V + 2]) },
    };
    const vertices = Float32Array.from([...out.vertices, ...veil]);
    const normals = Float32Array.from([...out.normals, 0, 0, 1, 0, 0, 1, 0, 0, 1]);
    const seen = photometricObservation(veiled, pp.points, pp.vertices, vertices, normals, v.camera, photo, albedo, pp.vertexUv, light);
    expect(plain.points.length).toBeGreaterThan(300);
    expect(Array.from(seen.points)).toEqual(Array.from(plain.points));
  });
});
