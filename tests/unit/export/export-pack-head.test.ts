import { NodeIO } from '@gltf-transform/core';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error gltf-validator ships no types
import validator from 'gltf-validator';
import type { HeadModel } from '../../../core/head-model/head-model';
import { buildStarterHead } from '../../../core/starter-head/build-starter-head';
import { exportPackHead } from '../../../main/export/export-pack-head';
import { readCanonicalFaceMeshAsset } from '../../../main/packs/starter-pack';

let model: HeadModel;
beforeAll(async () => {
  model = buildStarterHead(await readCanonicalFaceMeshAsset());
});

describe('exportPackHead', () => {
  it('embeds albedo and normal maps by default and none when asked, both validator-clean', async () => {
    for (const [textures, expected] of [[true, ['albedo', 'normal', 'eye']], [false, []]] as const) {
      const { bytes, summary } = await exportPackHead(model, { format: 'glb', textures, textureSize: 64 });
      const doc = await new NodeIO().readBinary(bytes);
      expect(doc.getRoot().listTextures().map((t) => t.getName())).toEqual(expected);
      const report = await validator.validateBytes(bytes);
      expect([report.issues.numErrors, report.issues.numWarnings]).toEqual([0, 0]);
      expect(summary).toMatch(/^GLB, [\d.]+ MiB, \d+ vertices, 14692 triangles, 6 joints, 26 blendshapes$/);
    }
  });

  it('writes binary FBX with the demo animation', async () => {
    const { bytes, summary } = await exportPackHead(model, { format: 'fbx', animation: 'demo', textureSize: 32 });
    expect(Buffer.from(bytes.subarray(0, 20)).toString('latin1')).toBe('Kaydara FBX Binary  ');
    expect(summary).toMatch(/^FBX, .* 26 blendshapes, 1 animation$/);
  });
});
