import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importIctFaceKit, zipSourceFiles } from '../../../core/head-model/ict-facekit-import';
import { readZip } from '../../../core/head-model/zip-read';
import { normalizedLandmarkError } from '../../../core/reconstruct/fit-metrics';
import { fitLandmarks, fitPhotos, type FitResult, type PhotoObservation } from '../../../core/reconstruct/fit-photos';
import { buildFitPoints, type FitPoints } from '../../../core/reconstruct/fit-points';
import { combineGram } from '../../../core/reconstruct/fit-gram';
import { createNormalScratch, createPhotoCache, photoNormalEquations } from '../../../core/reconstruct/fit-normal';
import { pickContour } from '../../../core/reconstruct/contour-pick';
import { createProjection } from '../../../core/reconstruct/fit-linearize';
import { rotationMatrix } from '../../../core/geometry/ortho-camera';
import { SHARED_DIR } from '../../helpers/temp-dir';
import { referenceNormalEquations } from './reference-normal';

const ZIP = path.join(SHARED_DIR, 'models/ICT-FaceKit-master.zip');
const FIXTURES = path.join(__dirname, 'fixtures');

/** A fit as stored in the expected-results fixture. */
interface StoredFit {
  iterations: number;
  cost: number;
  shape: number[];
  photos: { rotation: number[]; jaw: number[]; expression: number[]; camera: { scale: number; tx: number; ty: number } }[];
  nme: number[];
}

/**
 * Perception's landmarks and FaceMesh points of the six photos of London Set person 002 (Face
 * Research Lab London Set, DeBruine & Jones 2017, CC BY 4.0; see shared/photos/README.md), and
 * what the fitter returned for them. The first fixture was the rank-1 assembly's (updates per
 * residual row, commit 7fd1d1b), which the Gram assembly matched to 1e-7; the fit's objective has
 * changed since (the turned-away jaw contour matched to the silhouette point nearest each detected
 * landmark, ICT's lip landmarks where a detector marks them), so the fixture is the current
 * fitter's, and the assemblies' equality is checked at every fitted state by the second test.
 */
describe.skipIf(!existsSync(ZIP))('ICT-FaceKit fit of real photos (London Set p002)', () => {
  let pts: FitPoints;
  let obs: PhotoObservation[];
  let expected: { joint: StoredFit; singles: (StoredFit & { photo: number })[] };
  beforeAll(() => {
    const { model } = importIctFaceKit(zipSourceFiles(readZip(new Uint8Array(readFileSync(ZIP)))));
    pts = buildFitPoints(model);
    const stored = JSON.parse(readFileSync(path.join(FIXTURES, 'london-p002-observations.json'), 'utf8')) as { photos: { landmarks: number[]; mesh: number[]; yawDeg: number }[] };
    obs = stored.photos.map((p) => ({ landmarks: Float64Array.from(p.landmarks), mesh: Float64Array.from(p.mesh), yawDeg: p.yawDeg }));
    expected = JSON.parse(readFileSync(path.join(FIXTURES, 'london-p002-fit-expected.json'), 'utf8'));
  }, 120_000);

  /** Largest difference of every fitted value from the stored fit, relative to 1 + |value|. */
  const deviation = (fit: FitResult, want: StoredFit): number => {
    let worst = Math.abs(fit.cost - want.cost) / want.cost;
    const cmp = (a: ArrayLike<number>, b: readonly number[]) => b.forEach((v, i) => (worst = Math.max(worst, Math.abs(a[i]! - v) / (1 + Math.abs(v)))));
    cmp(fit.shape, want.shape);
    fit.photos.forEach((p, i) => {
      const w = want.photos[i]!;
      cmp(p.rotation, w.rotation);
      cmp(p.jaw, w.jaw);
      cmp(p.expression, w.expression);
      cmp([p.camera.scale, p.camera.tx, p.camera.ty], [w.camera.scale, w.camera.tx, w.camera.ty]);
    });
    return worst;
  };

  it('fits the six photos jointly, and two of them alone, as the stored fits', () => {
    const t0 = performance.now();
    const joint = fitPhotos(pts, obs);
    const seconds = (performance.now() - t0) / 1000;
    const nme = obs.map((o, i) => normalizedLandmarkError(fitLandmarks(pts, joint.shape, joint.photos[i]!), o.landmarks));
    console.log(`joint fit of 6 photos: ${seconds.toFixed(2)} s, ${joint.iterations} LM steps, NME ${nme.map((e) => e.toFixed(4)).join(' ')}, deviation ${deviation(joint, expected.joint).toExponential(2)}`);
    expect(joint.iterations).toBe(expected.joint.iterations);
    expect(deviation(joint, expected.joint)).toBeLessThan(1e-7);
    nme.forEach((e, i) => expect(e).toBeCloseTo(expected.joint.nme[i]!, 9));
    for (const want of expected.singles) {
      const alone = fitPhotos(pts, [obs[want.photo]!]);
      expect(alone.iterations).toBe(want.iterations);
      expect(deviation(alone, want)).toBeLessThan(1e-7);
      expect(normalizedLandmarkError(fitLandmarks(pts, alone.shape, alone.photos[0]!), obs[want.photo]!.landmarks)).toBeCloseTo(want.nme[0]!, 9);
    }
  });

  it("has the rank-1 assembly's normal equations at the fitted state of every photo", () => {
    const O = { huber: 3, denseWeight: 0.1, eyelidWeight: 1 };
    const tables = { withDense: combineGram(pts.gram!, O.denseWeight, O.eyelidWeight, true), withoutDense: null };
    const scratch = createNormalScratch(pts), C = scratch.columns;
    const beta = Float64Array.from(expected.joint.shape);
    let worst = 0, outliers = 0;
    expected.joint.photos.forEach((p, i) => {
      const st = { R: rotationMatrix(p.rotation), jaw: rotationMatrix(p.jaw), scale: p.camera.scale, tx: p.camera.tx, ty: p.camera.ty, expression: Float64Array.from(p.expression) };
      const picks = new Int32Array(17);
      pickContour(pts, beta, st, createProjection(pts, false), picks);
      const L = obs[i]!.landmarks;
      const terms = { landmarks: L, mesh: obs[i]!.mesh, photometric: null, sigma: 0.02 * Math.hypot(L[72]! - L[90]!, L[73]! - L[91]!), useDense: true, picks, contourWeights: new Float64Array(17).fill(1), cache: createPhotoCache(pts) };
      const ref = referenceNormalEquations(pts, beta, st, terms, 'full', O);
      const H = new Float64Array(C * C), g = new Float64Array(C);
      const cost = photoNormalEquations(pts, tables, beta, st, terms, 'full', O, { H, g }, scratch);
      outliers += Array.from(scratch.termOmega).filter((w, t) => t >= 17 && w < 1).length;
      worst = Math.max(worst, Math.abs(cost - ref.cost) / ref.cost);
      for (let a = 0; a < C; a++) {
        worst = Math.max(worst, Math.abs(g[a]! - ref.g[a]!) / Math.sqrt(ref.H[a * C + a]! * ref.cost));
        for (let b = a; b < C; b++) worst = Math.max(worst, Math.abs(H[a * C + b]! - ref.H[a * C + b]!) / Math.sqrt(ref.H[a * C + a]! * ref.H[b * C + b]!));
      }
    });
    console.log(`ICT-FaceKit, 6 real photos: worst relative deviation from the rank-1 assembly ${worst.toExponential(2)} (${outliers} Huber outliers)`);
    expect(outliers).toBeGreaterThan(0);
    expect(worst).toBeLessThan(1e-9);
  });
});
