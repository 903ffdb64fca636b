import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HeadModel } from '../../../core/head-model/head-model';
import { importIctFaceKit, zipSourceFiles } from '../../../core/head-model/ict-facekit-import';
import { readZip } from '../../../core/head-model/zip-read';
import { landmarkAgreement } from '../../../core/perception/landmark-agreement';
import { fitLandmarks, fitPhotos, type PhotoObservation } from '../../../core/reconstruct/fit-photos';
import { buildFitPoints } from '../../../core/reconstruct/fit-points';
import { buildStarterHead } from '../../../core/starter-head/build-starter-head';
import { readCanonicalFaceMeshAsset } from '../../../main/packs/starter-pack';
import { DLIB_REFERENCE_FILE, loadDlibReference, londonView } from '../../helpers/dlib-reference';
import { SHARED_DIR } from '../../helpers/temp-dir';

const ZIP = path.join(SHARED_DIR, 'models/ICT-FaceKit-master.zip');
const FIXTURE = path.join(__dirname, 'fixtures/london-observations.json');

interface StoredObservation {
  file: string;
  person: string;
  yawDeg: number;
  landmarks: number[];
  mesh: number[];
}

/** Mean agreement with dlib (÷ its outer-eye-corner distance) of the detections and of the fitted heads, per view. */
function againstDlib(model: HeadModel): Record<'frontal' | '3/4', { detected: number; fitted: number }> {
  const stored = (JSON.parse(readFileSync(FIXTURE, 'utf8')) as { photos: StoredObservation[] }).photos;
  const reference = loadDlibReference();
  const pts = buildFitPoints(model);
  const sums = { frontal: { detected: 0, fitted: 0, n: 0 }, '3/4': { detected: 0, fitted: 0, n: 0 } };
  for (const person of new Set(stored.map((s) => s.person))) {
    const photos = stored.filter((s) => s.person === person);
    const obs: PhotoObservation[] = photos.map((p) => ({ landmarks: Float64Array.from(p.landmarks), mesh: Float64Array.from(p.mesh), yawDeg: p.yawDeg }));
    const fit = fitPhotos(pts, obs);
    photos.forEach((p, i) => {
      const ref = reference.get(path.join(SHARED_DIR, 'photos', p.file))!;
      const pairs = (a: ArrayLike<number>) => Array.from({ length: 68 }, (_, l) => [a[l * 2]!, a[l * 2 + 1]!]);
      const view = londonView(p.file) as 'frontal' | '3/4';
      sums[view].detected += landmarkAgreement(pairs(p.landmarks), ref).all;
      sums[view].fitted += landmarkAgreement(pairs(fitLandmarks(pts, fit.shape, fit.photos[i]!, obs[i]!.landmarks)), ref).all;
      sums[view].n++;
    });
  }
  const mean = (s: { detected: number; fitted: number; n: number }) => ({ detected: s.detected / s.n, fitted: s.fitted / s.n });
  return { frontal: mean(sums.frontal), '3/4': mean(sums['3/4']) };
}

const line = (label: string, r: ReturnType<typeof againstDlib>) =>
  `${label} vs dlib ÷ eye-corner distance: 3/4 detected ${r['3/4'].detected.toFixed(4)}, fitted ${r['3/4'].fitted.toFixed(4)}; frontal detected ${r.frontal.detected.toFixed(4)}, fitted ${r.frontal.fitted.toFixed(4)}`;

/**
 * Issue #13: "the fitted head's projected landmarks are no further from the reference than the
 * detected ones" — dlib's 68-point predictor on the London set's front and 3/4 views (16 3/4, 8
 * frontal; four people, each fitted jointly), against the detections stored in the fixture.
 */
describe.skipIf(!existsSync(DLIB_REFERENCE_FILE) || !existsSync(FIXTURE))('fitted landmarks against dlib (London set)', () => {
  // Before (ICT's own lip vertices, the far jaw contour at the model's rest heights): 3/4 fitted
  // 0.0516 against 0.0494 detected (the far contour's end 0.13 off, the mouth 0.044), frontal 0.0319.
  // Measured: 3/4 0.0491, frontal 0.0316 (the full reconstruct pipeline: 0.0487 and 0.0311).
  it.skipIf(!existsSync(ZIP))('ICT-FaceKit: 3/4 views no further from dlib than the detections, frontal no worse than before', () => {
    const { model } = importIctFaceKit(zipSourceFiles(readZip(new Uint8Array(readFileSync(ZIP)))));
    const r = againstDlib(model);
    console.log(line('ICT-FaceKit', r));
    expect(r['3/4'].fitted).toBeLessThanOrEqual(r['3/4'].detected);
    expect(r.frontal.fitted).toBeLessThanOrEqual(0.0319);
  }, 240_000);

  // The starter head's 68 points sit where a detector marks them on the fitted head, and its
  // turned-away jaw marches along candidate lines rather than MediaPipe's sparse vertices
  // (starter-landmarks.ts). 3/4 fitted (detected): before 0.0562 — jaw 0.079 (0.069), brows 0.067
  // (0.068), nose 0.053 (0.043), eyes 0.031 (0.030), mouth 0.048 (0.038); then 0.0509 — jaw 0.0702,
  // brows 0.0646, nose 0.0436, eyes 0.0322, mouth 0.0421; frontal 0.0404 → 0.0356 (detected 0.0317).
  // Now 0.0489 — jaw 0.0688 (0.0691), brows 0.0595 (0.0682), nose 0.0409 (0.0427), eyes 0.0308
  // (0.0301), mouth 0.0412 (0.0378); frontal 0.0345: the brows' arch and the eyes' depth as identity
  // modes, the nose ridge's 28–29 by iBUG's even spacing instead of copied from the detector, the far
  // jaw's end along ±6 mm lines, an 8 mm smile lift. Per person (3/4): p002 0.0461 → 0.0434, p005
  // 0.0488 → 0.0471, p021 0.0571 → 0.0566, p025 0.0517 → 0.0485. Still behind the detections: the
  // mouth (its neutral inner upper lip 0.015 high, the broad smiles' corners low).
  it('starter head: 3/4 views no further from dlib than the detections, frontal no worse than before', async () => {
    const r = againstDlib(buildStarterHead(await readCanonicalFaceMeshAsset()));
    console.log(line('starter head', r));
    expect(r['3/4'].fitted).toBeLessThanOrEqual(r['3/4'].detected);
    expect(r.frontal.fitted).toBeLessThanOrEqual(0.0356);
  }, 120_000);
});
