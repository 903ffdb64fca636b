import { readFileSync } from 'node:fs';
import path from 'node:path';
import { importIctFaceKit, zipSourceFiles } from '../core/head-model/ict-facekit-import';
import { readZip } from '../core/head-model/zip-read';
import { fitLandmarks, fitPhotos, type PhotoObservation } from '../core/reconstruct/fit-photos';
import { buildFitPoints } from '../core/reconstruct/fit-points';
import { pinnedFitInputs } from '../core/reconstruct/fit-pin-points';
import type { Pin } from '../core/reconstruct/photo-pins';
import { buildStarterHead } from '../core/starter-head/build-starter-head';
import { readCanonicalFaceMeshAsset } from '../main/packs/starter-pack';
import { timeMedian, type BenchRow, type BenchSuite } from './bench-types';

const SHARED = process.env.DECA_SHARED_DIR ?? path.resolve(process.cwd(), '../shared');
const FIXTURE = path.resolve(process.cwd(), 'tests/unit/reconstruct/fixtures/london-p002-observations.json');

/**
 * Pins (issue #13: "the head follows the mouse"): London p002's six stored observations, fitted
 * jointly, then a chin pin 20 px below the fitted chin on the first photo — the one-photo refit
 * with the shape held (what a drag previews; goal ≤ 0.5 s) and the joint subject refitted from its
 * stored fit (what `reconstruct` runs after a pin change; goal ≤ 3 s).
 */
export const pinsSuite: BenchSuite = {
  name: 'pins',
  async run() {
    const rows: BenchRow[] = [];
    const { model: ict } = importIctFaceKit(zipSourceFiles(readZip(new Uint8Array(readFileSync(path.join(SHARED, 'models/ICT-FaceKit-master.zip'))))));
    const starter = buildStarterHead(await readCanonicalFaceMeshAsset());
    const stored = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { photos: { landmarks: number[]; mesh: number[]; yawDeg: number }[] };
    const obs: PhotoObservation[] = stored.photos.map((p) => ({ landmarks: Float64Array.from(p.landmarks), mesh: Float64Array.from(p.mesh), yawDeg: p.yawDeg }));
    for (const [label, model] of [['ICT-FaceKit', ict], ['starter head', starter]] as const) {
      const pts = buildFitPoints(model);
      const joint = fitPhotos(pts, obs);
      const chin = fitLandmarks(pts, joint.shape, joint.photos[0]!);
      const pin: Pin = { landmark: 8, x: chin[16]!, y: chin[17]! + 20 };
      const one = pinnedFitInputs(model, pts, [obs[0]!], [[pin]]);
      const all = pinnedFitInputs(model, pts, obs, obs.map((_, i) => (i === 0 ? [pin] : null)));
      let steps = [0, 0];
      const oneMs = await timeMedian(() => (steps[0] = fitPhotos(one.points, one.observations, { fixedShape: joint.shape, init: { shape: joint.shape, photos: [joint.photos[0]!] } }).iterations), 5, 1);
      const jointMs = await timeMedian(() => (steps[1] = fitPhotos(all.points, all.observations, { init: { shape: joint.shape, photos: joint.photos } }).iterations), 3, 1);
      rows.push(
        { group: 'pins', name: `${label}: one photo refit, shape held (chin pin)`, value: oneMs / 1000, unit: 's', note: `${steps[0]} LM steps; goal ≤ 0.5 s` },
        { group: 'pins', name: `${label}: joint subject refit, ${obs.length} photos (chin pin)`, value: jointMs / 1000, unit: 's', note: `${steps[1]} LM steps, from the stored fit; goal ≤ 3 s` },
      );
    }
    return rows;
  },
};
