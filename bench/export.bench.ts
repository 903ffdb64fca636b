import { readFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { demoClip } from '../core/export/animation-clip';
import { buildExportHead } from '../core/export/export-head';
import { writeFbx } from '../core/export/fbx/write-fbx';
import { writeGlb } from '../core/export/write-glb';
import { importIctFaceKit, zipSourceFiles } from '../core/head-model/ict-facekit-import';
import { readZip } from '../core/head-model/zip-read';
import { timeMedian, type BenchSuite } from './bench-types';

const SHARED = process.env.DECA_SHARED_DIR ?? path.resolve(process.cwd(), '../shared');

/** Export of the 26,719-vertex ICT-FaceKit head with its 53 expression shapes (goal: GLB ≤ 1 s, FBX ≤ 2 s). */
export const exportSuite: BenchSuite = {
  name: 'export',
  async run() {
    const zip = readZip(new Uint8Array(readFileSync(path.join(SHARED, 'models/ICT-FaceKit-master.zip'))));
    const { model } = importIctFaceKit(zipSourceFiles(zip));
    const build = () => {
      const head = buildExportHead(model, {}, { textureSize: 1024 });
      return { ...head, animations: [demoClip(head.morphs.map((m) => m.name))] };
    };
    const buildMs = await timeMedian(build, 5, 1);
    const head = build();
    const glbMs = await timeMedian(() => writeGlb(head), 5, 1);
    const fbxMs = await timeMedian(() => writeFbx(head, { deflate: (b) => deflateSync(b, { level: 1 }) }), 5, 1);
    const note = `${head.positions.length / 3} vertices, ${head.morphs.length} shapes, 1024² textures, demo clip`;
    return [
      { group: 'export', name: 'build export model (split seams, skin, morphs, textures)', value: buildMs, unit: 'ms', note },
      { group: 'export', name: 'write GLB', value: glbMs, unit: 'ms', note },
      { group: 'export', name: 'GLB total (build + write)', value: buildMs + glbMs, unit: 'ms', note: 'goal ≤ 1000' },
      { group: 'export', name: 'write FBX (zlib level 1 arrays)', value: fbxMs, unit: 'ms', note },
      { group: 'export', name: 'FBX total (build + write)', value: buildMs + fbxMs, unit: 'ms', note: 'goal ≤ 2000' },
    ];
  },
};
