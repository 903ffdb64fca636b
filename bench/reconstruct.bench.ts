import { readFileSync } from 'node:fs';
import path from 'node:path';
import { importIctFaceKit, zipSourceFiles } from '../core/head-model/ict-facekit-import';
import { readZip } from '../core/head-model/zip-read';
import { fitPhotos } from '../core/reconstruct/fit-photos';
import { buildFitPoints } from '../core/reconstruct/fit-points';
import { syntheticPerson } from '../core/reconstruct/synthetic-views';
import { buildStarterHead } from '../core/starter-head/build-starter-head';
import { readCanonicalFaceMeshAsset } from '../main/packs/starter-pack';
import { timeMedian, type BenchRow, type BenchSuite } from './bench-types';

const SHARED = process.env.DECA_SHARED_DIR ?? path.resolve(process.cwd(), '../shared');

/**
 * Coarse reconstruction (Levenberg–Marquardt, both stages) on synthetic landmarks with 1.5 px
 * noise: one photo alone, and one person's 8 photos with a shared shape (goal ≤ 2 s per photo).
 */
export const reconstructSuite: BenchSuite = {
  name: 'reconstruct',
  async run() {
    const rows: BenchRow[] = [];
    const { model: ict } = importIctFaceKit(zipSourceFiles(readZip(new Uint8Array(readFileSync(path.join(SHARED, 'models/ICT-FaceKit-master.zip'))))));
    const starter = buildStarterHead(await readCanonicalFaceMeshAsset());
    for (const [label, model] of [['ICT-FaceKit (+468 dense)', ict], ['starter head (+468 dense)', starter]] as const) {
      const prepMs = await timeMedian(() => buildFitPoints(model), 3, 1);
      const pts = buildFitPoints(model);
      const one = syntheticPerson(model, 3, 1, { maxYawDeg: 30, noisePx: 1.5, shapeStd: 1, scale: 1500 });
      const eight = syntheticPerson(model, 4, 8, { maxYawDeg: 30, noisePx: 1.5, shapeStd: 1, scale: 1500 });
      const oneMs = await timeMedian(() => fitPhotos(pts, one.views), 5, 1);
      const eightMs = await timeMedian(() => fitPhotos(pts, eight.views), 3, 1);
      const note = `${model.shape.count} shape + ${model.expression.count} expression modes`;
      rows.push(
        { group: 'reconstruct', name: `${label}: fit point set (once per pack)`, value: prepMs, unit: 'ms', note },
        { group: 'reconstruct', name: `${label}: one photo`, value: oneMs / 1000, unit: 's', note: 'goal ≤ 2 s per photo' },
        { group: 'reconstruct', name: `${label}: one person, 8 photos jointly`, value: eightMs / 1000, unit: 's', note: `${(eightMs / 8000).toFixed(2)} s per photo` },
      );
    }
    return rows;
  },
};
