import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ARKIT_BLENDSHAPES } from '../core/expression/arkit-names';
import { arkitToPack } from '../core/expression/arkit-to-pack';
import { createArkitSolver } from '../core/expression/solve-arkit';
import type { HeadModel } from '../core/head-model/head-model';
import { importIctFaceKit, zipSourceFiles } from '../core/head-model/ict-facekit-import';
import { readZip } from '../core/head-model/zip-read';
import { rng } from '../core/reconstruct/synthetic-views';
import { buildStarterHead } from '../core/starter-head/build-starter-head';
import { readCanonicalFaceMeshAsset } from '../main/packs/starter-pack';
import { SHARED_DIR } from './bench-cli';
import { timeMedian, type BenchRow, type BenchSuite } from './bench-types';

/**
 * Expressions as data: the 52 ARKit weights of one fitted photo solved from its geometry (goal
 * ≤ 20 ms per photo) on ICT-FaceKit (its own shapes at 3000 vertices) and on the starter head
 * (transferred through ICT's shapes at the 468 FaceMesh points), the solver's tables (once per
 * pack), and the reverse for retargeting onto a pack without ARKit names (least squares).
 */
export const expressionSuite: BenchSuite = {
  name: 'expression',
  async run() {
    const { model: ict } = importIctFaceKit(zipSourceFiles(readZip(new Uint8Array(readFileSync(path.join(SHARED_DIR, 'models/ICT-FaceKit-master.zip'))))));
    const starter = buildStarterHead(await readCanonicalFaceMeshAsset());
    const rows: BenchRow[] = [];
    for (const [label, model, basis] of [['ICT-FaceKit, own shapes', ict, null], ['starter head via ICT-FaceKit (468 points)', starter, ict]] as const) {
      const buildMs = await timeMedian(() => createArkitSolver(model, basis), 3, 1);
      const solver = createArkitSolver(model, basis);
      // A person's photos: one shape, a sparse expression and a little jaw opening per photo.
      const r = rng(5);
      const shape = Float64Array.from({ length: model.shape.count }, () => r.normal());
      const photos = Array.from({ length: 8 }, () => {
        const expression = new Float64Array(model.expression.count);
        for (let k = 0; k < 6; k++) expression[Math.floor(r.uniform() * model.expression.count)] = r.uniform();
        return { expression, jaw: [0.1 * r.uniform(), 0, 0] };
      });
      let i = 0;
      const ms = await timeMedian(() => solver.solve(shape, photos[i++ % photos.length]!), 16, 3);
      rows.push(
        { group: 'expression', name: `ARKit solve per photo, ${label}`, value: ms, unit: 'ms', note: `goal ≤ 20 ms; median of 16, ${solver.points}` },
        { group: 'expression', name: `ARKit solver tables, ${label} (once per pack)`, value: buildMs, unit: 'ms' },
      );
    }
    const pca: HeadModel = { ...ict, id: 'pca-bench', expression: { ...ict.expression, names: [] }, regions: { ...ict.regions, mediapipe468: new Uint32Array(0) } };
    const smile = new Float32Array(ARKIT_BLENDSHAPES.length);
    smile[ARKIT_BLENDSHAPES.indexOf('mouthSmileLeft')] = smile[ARKIT_BLENDSHAPES.indexOf('mouthSmileRight')] = 0.7;
    const firstMs = await timeMedian(() => arkitToPack({ arkit: smile }, { ...pca }, { ict }), 1, 0);
    const againMs = await timeMedian(() => arkitToPack({ arkit: smile }, pca, { ict }), 16, 2);
    rows.push({ group: 'expression', name: 'arkitToPack onto an unnamed (PCA) pack, 51 landmarks', value: againMs, unit: 'ms', note: `median of 16; first call with its tables ${firstMs.toFixed(0)} ms` });
    return rows;
  },
};
