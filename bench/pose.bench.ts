import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ARKIT_BLENDSHAPES } from '../core/expression/arkit-names';
import { arkitToRigExpression, buildHeadRig, cornerValues, rigHeadModel } from '../core/expression/head-rig';
import { poseHead } from '../core/geometry/pose-head';
import { opaqueTriangles } from '../core/geometry/opaque-triangles';
import { HeadModelEvaluator } from '../core/head-model/head-model-evaluator';
import { importIctFaceKit, zipSourceFiles } from '../core/head-model/ict-facekit-import';
import { readZip } from '../core/head-model/zip-read';
import { SHARED_DIR } from './bench-cli';
import { timeMedian, type BenchRow, type BenchSuite } from './bench-types';

/**
 * Retargeting's live pose update as the renderer runs it (RigPoser: ARKit weights → the pack's ψ,
 * the rig evaluated with the studio's evaluator, the drawn corners filled), on ICT-FaceKit with a
 * made-up person; goal ≤ 16 ms a frame. The WebGL upload is not included (the e2e test prints the
 * whole pose time in Chromium). Plus the rig's size, sent once per subject.
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
    const poseMs = await timeMedian(pose, 30, 5);
    const bytes = rig.expressions.reduce((s, e) => s + e.indices.byteLength + e.deltas.byteLength, 0) + rig.neutral.byteLength + rig.skinWeights.byteLength + rig.triangles.byteLength;
    return [
      { group: 'pose', name: 'retarget pose update per frame, ICT-FaceKit (ARKit → ψ, evaluate, corners)', value: poseMs, unit: 'ms', note: `goal ≤ 16 ms; ${model.vertexCount} vertices, ${corners.length / 3} drawn triangles; one core, WebGL upload not included` },
      { group: 'pose', name: 'subject rig build (shape baked, sparse int16 shapes)', value: buildMs, unit: 'ms', note: 'once per reconstruction, in a worker' },
      { group: 'pose', name: 'subject rig size before base64', value: bytes / 2 ** 20, unit: 'MiB', note: `${rig.expressions.length} expression shapes` },
    ] satisfies BenchRow[];
  },
};
