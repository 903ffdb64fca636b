import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importIctFaceKit, zipSourceFiles } from '../core/head-model/ict-facekit-import';
import { readZip } from '../core/head-model/zip-read';
import { HeadModelEvaluator } from '../core/head-model/head-model-evaluator';
import { fitPhotos } from '../core/reconstruct/fit-photos';
import { buildFitPoints } from '../core/reconstruct/fit-points';
import { rasterizeFit } from '../core/geometry/rasterize-fit';
import { syntheticPerson } from '../core/reconstruct/synthetic-views';
import { buildStarterHead } from '../core/starter-head/build-starter-head';
import type { HeadModel } from '../core/head-model/head-model';
import { readCanonicalFaceMeshAsset } from '../main/packs/starter-pack';
import { FaceAnalyzer } from '../main/perception/face-analyzer';
import { faceToJson, type FaceJson } from '../core/perception/face-json';
import { observationOf } from '../core/reconstruct/stages/perceive-stage';
import { lightAlbedoStage, poseViews, type StagePhoto } from '../core/reconstruct/stages/light-albedo-stage';
import { PHOTOMETRIC_REFINE_STAGE_DEFAULTS, photometricPoints, photometricRefineStage } from '../core/reconstruct/stages/photometric-refine-stage';
import { decodePhoto } from '../main/perception/decode-photo';
import { parseCanonicalFaceMesh } from '../core/starter-head/canonical-face-mesh';
import { timeMedian, type BenchRow, type BenchSuite } from './bench-types';

const SHARED = process.env.DECA_SHARED_DIR ?? path.resolve(process.cwd(), '../shared');
const MODEL_DIR = process.env.DECA_MODELS_DIR || path.join(os.tmpdir(), 'deca-studio-test-models');

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
    rows.push(await rasterRow(ict));
    rows.push(...(await realPhotoRows(ict)));
    return rows;
  },
};

/** The fit rasteriser at DECA's 224×224 on ICT-FaceKit's 50k triangles (z-buffer, barycentrics). */
async function rasterRow(ict: HeadModel): Promise<BenchRow> {
  const out = new HeadModelEvaluator(ict).evaluate({});
  const camera = { scale: 1200, tx: 112, ty: 112 };
  const ms = await timeMedian(() => rasterizeFit(out.vertices, ict.triangles, camera, 224, 224, { maxSide: 224 }), 12, 2);
  return { group: 'reconstruct', name: 'rasterise a posed ICT-FaceKit head at 224×224', value: ms, unit: 'ms', note: `${ict.triangles.length / 3} triangles, median of 12` };
}

/**
 * One London person's 6 frontal and 3/4 photos on ICT-FaceKit, perception done beforehand: the
 * joint fit, and the photometric stage (lighting per photo and the shared 512² albedo, alternating).
 */
async function realPhotoRows(ict: HeadModel): Promise<BenchRow[]> {
  const dir = path.join(SHARED, 'photos/london_frl/p002');
  const files = readdirSync(dir).filter((f) => /_(front|3quarter)\.jpg$/.test(f)).map((f) => path.join(dir, f));
  const analyzer = new FaceAnalyzer({ modelDir: MODEL_DIR });
  const faces: FaceJson[] = [];
  try {
    for (const f of files) {
      const r = await analyzer.analyzeFile(f);
      faces.push(faceToJson(r.faces[r.selected!]!));
    }
  } finally {
    await analyzer.dispose();
  }
  const pts = buildFitPoints(ict);
  const obs = faces.map((f) => observationOf(f)!);
  const fitMs = await timeMedian(() => fitPhotos(pts, obs), 3, 1);
  const fit = fitPhotos(pts, obs);
  const images = await Promise.all(files.map((f) => decodePhoto(f)));
  const photos: StagePhoto[] = files.map((_, i) => ({ image: images[i]!, k: 1, fit: fit.photos[i]!, meshPoints: faces[i]!.mesh468!.flat() }));
  const evaluator = new HeadModelEvaluator(ict, { simd: false });
  const triangles = parseCanonicalFaceMesh(await readCanonicalFaceMeshAsset()).triangles;
  const views = poseViews(ict, evaluator, fit.shape, photos);
  const lightMs = await timeMedian(() => lightAlbedoStage(ict, views, triangles, { size: 512 }), 3, 1);
  const light1024Ms = await timeMedian(() => lightAlbedoStage(ict, views, triangles, { size: 1024 }), 3, 1);
  const pp = photometricPoints(ict, undefined, pts)!;
  const refineMs = await timeMedian(() => photometricRefineStage(ict, pp, obs, views, photos.map(() => 1), triangles, fit), 2, 0);
  const note = `${files.length} photos 1350×1350, perception excluded`;
  return [
    { group: 'reconstruct', name: 'ICT-FaceKit, real photos: one person jointly', value: fitMs / 1000, unit: 's', note: `${(fitMs / 1000 / files.length).toFixed(2)} s per photo; ${note}` },
    { group: 'reconstruct', name: 'ICT-FaceKit, real photos: light/albedo stage, 512² albedo', value: lightMs / 1000, unit: 's', note: `rasterise, bake at 256² then 512²; ${note}` },
    { group: 'reconstruct', name: 'ICT-FaceKit, real photos: light/albedo stage, 1024² albedo (stored)', value: light1024Ms / 1000, unit: 's', note: `rasterise, bake at 256² then 1024²; ${note}` },
    { group: 'reconstruct', name: 'ICT-FaceKit, real photos: photometric refine stage', value: refineMs / 1000, unit: 's', note: `working albedo 256², then ${pp.vertices.length} points × ${files.length} photos, ${PHOTOMETRIC_REFINE_STAGE_DEFAULTS.iterations} LM steps at most` },
  ];
}
