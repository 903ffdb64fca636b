import { NodeIO } from '@gltf-transform/core';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error gltf-validator ships no types
import validator from 'gltf-validator';
import { ARKIT_BLENDSHAPES } from '../../../core/expression/arkit-names';
import { clipFromRecords } from '../../../core/expression/expression-clip';
import type { ExpressionRecord } from '../../../core/expression/expression-record';
import { axisAngleToQuaternion } from '../../../core/export/clip-animation';
import type { HeadModel } from '../../../core/head-model/head-model';
import { buildStarterHead } from '../../../core/starter-head/build-starter-head';
import { exportPackHead } from '../../../main/export/export-pack-head';
import { readCanonicalFaceMeshAsset } from '../../../main/packs/starter-pack';
import { HAVE_BLENDER, inspectInBlender } from '../../helpers/export-readers';
import { makeTempDir } from '../../helpers/temp-dir';

let model: HeadModel;
beforeAll(async () => {
  model = buildStarterHead(await readCanonicalFaceMeshAsset());
});

function record(i: number): ExpressionRecord {
  // Every weight differs per key and shape, so a swapped name or key shows.
  const arkit = Float32Array.from(ARKIT_BLENDSHAPES, (_, k) => ((k * 7 + i * 13) % 50) / 50);
  return { name: `k${i}`, arkit, jawPose: [0.05 * i, 0.01, 0], eyePose: { left: [0, 0.02 * i, 0], right: [0, -0.02 * i, 0] }, source: null };
}

describe('clip and pose export (starter head: 26 ARKit shapes)', () => {
  it('writes the clip as morph-weight, jaw and eye channels whose values are the records’ at the key times, validator-clean', async () => {
    const records = Array.from({ length: 5 }, (_, i) => record(i));
    const clip = clipFromRecords('five', records, { fps: 4 });
    const { bytes, summary } = await exportPackHead(model, { format: 'glb', clip, textureSize: 32 });
    expect(summary).toMatch(/26 blendshapes, 1 animation \(clip "five", 5 keys\)$/);
    const report = await validator.validateBytes(bytes);
    expect([report.issues.numErrors, report.issues.numWarnings]).toEqual([0, 0]);
    const doc = await new NodeIO().readBinary(bytes);
    const [animation] = doc.getRoot().listAnimations();
    expect(animation!.getName()).toBe('five');
    const channels = new Map(animation!.listChannels().map((c) => [`${c.getTargetNode()!.getName()}.${c.getTargetPath()}`, c.getSampler()!]));
    expect([...channels.keys()].sort()).toEqual(['eye_L.rotation', 'eye_R.rotation', 'jaw.rotation', `${model.name}.weights`].sort());
    const weights = channels.get(`${model.name}.weights`)!;
    expect(Array.from(weights.getInput()!.getArray()!)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const names = (doc.getRoot().listMeshes()[0]!.getExtras() as { targetNames: string[] }).targetNames;
    const out = weights.getOutput()!.getArray()!;
    records.forEach((r, t) =>
      names.forEach((name, k) => expect(out[t * names.length + k]).toBe(r.arkit[ARKIT_BLENDSHAPES.indexOf(name as (typeof ARKIT_BLENDSHAPES)[number])])),
    );
    const jaw = channels.get('jaw.rotation')!.getOutput()!.getArray()!;
    records.forEach((r, t) => axisAngleToQuaternion(r.jawPose).forEach((q, c) => expect(jaw[t * 4 + c]).toBeCloseTo(q, 7)));
    const eye = channels.get('eye_L.rotation')!.getOutput()!.getArray()!;
    expect(eye[4 * 4 + 1]).toBeCloseTo(Math.sin(0.04), 7);
  });

  it('poses a head with one expression: initial weights and the jaw joint rotated, in GLB and FBX', async () => {
    const pose = record(3);
    const { bytes, summary } = await exportPackHead(model, { format: 'glb', pose, textureSize: 32 });
    expect(summary).toMatch(/, posed as k3$/);
    const report = await validator.validateBytes(bytes);
    expect([report.issues.numErrors, report.issues.numWarnings]).toEqual([0, 0]);
    const doc = await new NodeIO().readBinary(bytes);
    const mesh = doc.getRoot().listMeshes()[0]!;
    const names = (mesh.getExtras() as { targetNames: string[] }).targetNames;
    expect(mesh.getWeights()).toEqual(names.map((n) => pose.arkit[ARKIT_BLENDSHAPES.indexOf(n as (typeof ARKIT_BLENDSHAPES)[number])]));
    const jaw = doc.getRoot().listNodes().find((n) => n.getName() === 'jaw')!;
    jaw.getRotation().forEach((q, c) => expect(q).toBeCloseTo(axisAngleToQuaternion(pose.jawPose)[c]!, 7));
    expect(doc.getRoot().listAnimations()).toEqual([]);
    const fbx = await exportPackHead(model, { format: 'fbx', pose, textureSize: 32 });
    expect(Buffer.from(fbx.bytes).includes(Buffer.from('Lcl Rotation'))).toBe(true);
  });

  it('refuses a clip on a head without ARKit-named shapes when ICT-FaceKit (the way ARKit reaches its modes) is not given', async () => {
    const pca: HeadModel = { ...model, expression: { ...model.expression, names: [] } };
    await expect(exportPackHead(pca, { format: 'glb', clip: clipFromRecords('x', [record(0)]), textureSize: 32 })).rejects.toThrow(/no ARKit/);
  });
});

describe.skipIf(!HAVE_BLENDER)('Blender 3.4 reads a posed head', () => {
  it.each(['glb', 'fbx'] as const)('%s: the jaw bone is posed at the expression’s angle and the mesh follows; a rest head does not move', async (format) => {
    const tmp = makeTempDir('deca-posed-');
    try {
      const pose = { ...record(2), jawPose: [0.3, 0, 0] as [number, number, number] };
      const file = path.join(tmp.dir, `posed.${format}`);
      writeFileSync(file, (await exportPackHead(model, { format, pose, textureSize: 32 })).bytes);
      const r = inspectInBlender(file);
      const [w, x] = r.armatures[0]!.pose.jaw!;
      expect(2 * Math.acos(Math.min(1, Math.abs(w)))).toBeCloseTo(0.3, 4);
      expect(Math.abs(x)).toBeCloseTo(Math.sin(0.15), 4);
      // World units are metres for both (Blender scales the FBX's centimetres): a chin moving centimetres.
      expect(r.meshes[0]!.posed_max_move).toBeGreaterThan(0.01);
      expect(r.meshes[0]!.posed_max_move).toBeLessThan(0.2);
      const rest = path.join(tmp.dir, `rest.${format}`);
      writeFileSync(rest, (await exportPackHead(model, { format, textureSize: 32 })).bytes);
      expect(inspectInBlender(rest).meshes[0]!.posed_max_move).toBeLessThan(1e-6);
    } finally {
      tmp.cleanup();
    }
  }, 240_000);
});
