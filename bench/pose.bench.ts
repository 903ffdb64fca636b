import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ARKIT_BLENDSHAPES } from '../core/expression/arkit-names';
import { arkitToRigExpression, buildHeadRig, cornerValues, rigHeadModel } from '../core/expression/head-rig';
import { poseHead } from '../core/geometry/pose-head';
import { opaqueTriangles } from '../core/geometry/opaque-triangles';
import { HeadModelEvaluator } from '../core/head-model/head-model-evaluator';
import { importIctFaceKit, zipSourceFiles } from '../core/head-model/ict-facekit-import';
import { readZip } from '../core/head-model/zip-read';
import { detailTexels, expandTexels } from '../core/detail/detail-texels';
import { expressionGroups } from '../core/detail/expression-groups';
import { syntheticDetail } from '../core/detail/synthetic-detail';
import { rigDetailTextures, wrinkleActivations, type RigDetailTextures } from '../core/export/rig-detail-textures';
import { deflateSync } from 'node:zlib';
import { SHARED_DIR } from './bench-cli';
import { timeMedian, type BenchRow, type BenchSuite } from './bench-types';

/**
 * Retargeting's live pose update as the renderer runs it (RigPoser: ARKit weights → the pack's ψ,
 * the rig evaluated with the studio's evaluator, the drawn corners filled, the wrinkle maps' blend
 * weights), on ICT-FaceKit with a made-up person and the detail stage's synthetic detail; goal
 * ≤ 16 ms a frame. The WebGL upload and the GPU's wrinkle blend are not included (the e2e test
 * prints the whole pose time in Chromium). Plus the rig's size and its detail maps, sent once per subject.
 */
export const poseSuite: BenchSuite = {
  name: 'pose',
  async run() {
    const zip = path.join(SHARED_DIR, 'models/ICT-FaceKit-master.zip');
    if (!existsSync(zip)) return [{ group: 'pose', name: 'skipped: ../shared is missing', value: NaN, unit: '' }];
    const { model } = importIctFaceKit(zipSourceFiles(readZip(new Uint8Array(readFileSync(zip)))));
    const shape = Float64Array.from({ length: model.shape.count }, (_, k) => 0.6 * Math.sin(2 * k + 1));
    let rig!: ReturnType<typeof buildHeadRig>;
    const buildMs = await timeMedian(() => (rig = buildHeadRig(model, shape)), 3, 1);
    const rigModel = rigHeadModel(rig);
    const ev = new HeadModelEvaluator(rigModel);
    const keep = opaqueTriangles(model.triangles, model.regions.overlays);
    const corners: number[] = [];
    for (let t = 0; t < keep.length; t++) if (keep[t]) corners.push(model.triangles[t * 3]!, model.triangles[t * 3 + 1]!, model.triangles[t * 3 + 2]!);
    const positions = new Float32Array(corners.length * 3), normals = new Float32Array(corners.length * 3);
    const psi = new Float64Array(rig.expressions.length);
    const arkit = new Float32Array(ARKIT_BLENDSHAPES.length);
    let frame = 0;
    const pose = () => {
      // A different expression each frame: ~a third of the shapes active, as a capture has them.
      frame++;
      for (let a = 0; a < arkit.length; a++) arkit[a] = (a + frame) % 3 === 0 ? 0.5 + 0.4 * Math.sin(a + frame) : 0;
      arkitToRigExpression(rig.arkitToExpression, arkit, psi.length, psi);
      const out = poseHead(ev, rigModel, [], { rotation: [0, 0, 0], jaw: [0.1 + 0.05 * Math.sin(frame), 0, 0], expression: psi });
      cornerValues(out.vertices, corners, positions);
      cornerValues(out.normals, corners, normals);
    };
    // The detail layer's maps as the rig sends them (the export's baker at the 3D views' 1024²).
    const texels = detailTexels(model, { size: 256 })!;
    const truth = syntheticDetail(model, texels, 7);
    const mask = new Uint8Array(256 * 256);
    for (const t of texels.texel) mask[t] = 1;
    const maps = {
      size: 256,
      displacement: expandTexels(texels, truth.statics),
      mask,
      wrinkles: expressionGroups(model).map((g) => ({
        group: g.name,
        // Every group with wrinkles (the truth's forehead lines where it has none): the most maps a rig carries.
        displacement: expandTexels(texels, truth.wrinkles.get(g.name) ?? truth.wrinkles.get('forehead')!),
        drivers: g.members.map((m) => ({ shape: model.expression.names[m.mode]!, weight: m.weight })),
        jawOpening: g.jawOpening,
      })),
    };
    let detail!: RigDetailTextures;
    const detailMs = await timeMedian(() => (detail = rigDetailTextures(model, shape.subarray(0, model.shape.count), maps, { textureSize: 1024, deflate: (b) => deflateSync(b, { level: 1 }) })), 1, 0);
    const wrinkles = new Float32Array(detail.wrinkles.length);
    const posed = () => {
      pose();
      wrinkleActivations(detail.wrinkles, psi, [0.1 + 0.05 * Math.sin(frame), 0, 0], wrinkles);
    };
    const poseMs = await timeMedian(posed, 30, 5);
    // The wrinkles' share of it alone (per pose; 1000 poses timed at once, it is microseconds).
    const weightsMs = (await timeMedian(() => {
      for (let i = 0; i < 1000; i++) wrinkleActivations(detail.wrinkles, psi, [0.1, 0, 0], wrinkles);
    }, 10, 2)) / 1000;
    const detailBytes = detail.normal.byteLength + detail.wrinkles.reduce((n, w) => n + w.normal.byteLength, 0);
    const bytes = rig.expressions.reduce((s, e) => s + e.indices.byteLength + e.deltas.byteLength, 0) + rig.neutral.byteLength + rig.skinWeights.byteLength + rig.triangles.byteLength;
    return [
      {
        group: 'pose',
        name: 'retarget pose update per frame, ICT-FaceKit (ARKit → ψ, evaluate, corners, wrinkle weights)',
        value: poseMs,
        unit: 'ms',
        note: `goal ≤ 16 ms; ${model.vertexCount} vertices, ${corners.length / 3} drawn triangles, ${detail.wrinkles.length} wrinkle maps; one core, WebGL upload and GPU blend not included`,
      },
      { group: 'pose', name: 'of which the wrinkle maps\' blend weights', value: weightsMs * 1000, unit: 'µs', note: 'per pose; the blend itself runs on the GPU (one procedural-texture pass when the weights change)' },
      { group: 'pose', name: 'subject rig detail maps build (static + wrinkle normal maps, 1024²)', value: detailMs, unit: 'ms', note: 'once per detail solve, in a worker' },
      { group: 'pose', name: 'subject rig detail maps size (PNG, before base64)', value: detailBytes / 2 ** 20, unit: 'MiB', note: `${detail.wrinkles.length + 1} maps` },
      { group: 'pose', name: 'subject rig build (shape baked, sparse int16 shapes)', value: buildMs, unit: 'ms', note: 'once per reconstruction, in a worker' },
      { group: 'pose', name: 'subject rig size before base64', value: bytes / 2 ** 20, unit: 'MiB', note: `${rig.expressions.length} expression shapes` },
    ] satisfies BenchRow[];
  },
};
