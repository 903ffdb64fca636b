import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
// @ts-expect-error gltf-validator ships no types
import validator from 'gltf-validator';
import { NodeIO } from '@gltf-transform/core';
import { ARKIT_BLENDSHAPES, arkitName, exportShapes } from '../../../core/expression/arkit-names';
import { buildExportHead } from '../../../core/export/export-head';
import { encodePng } from '../../../core/export/png-encode';
import { vertexTangents } from '../../../core/export/vertex-tangents';
import { writeGlb } from '../../../core/export/write-glb';
import { syntheticHeadModel } from '../../../core/head-model/synthetic-head-model';

describe('ARKit names', () => {
  it('maps ICT-FaceKit names and keeps unnamed PCA modes as exp_NN', () => {
    expect(arkitName('eyeBlink_L')).toBe('eyeBlinkLeft');
    expect(arkitName('mouthSmile_R')).toBe('mouthSmileRight');
    expect(arkitName('jawOpen')).toBe('jawOpen');
    expect(arkitName('cheekPuff_L')).toBeNull(); // ARKit's cheekPuff has no sides
    const names = (list: { name: string }[]) => list.map((s) => s.name);
    expect(names(exportShapes([], 3))).toEqual(['exp_00', 'exp_01', 'exp_02']);
    expect(names(exportShapes(['eyeBlink_L', 'eyeBlinkLeft'], 2))).toEqual(['eyeBlinkLeft', 'eyeBlinkLeft_1']);
  });

  it("sums the halves of ARKit's sideless shapes (ICT's browInnerUp_L/_R, cheekPuff_L/_R) into ARKit's one name", () => {
    const ict = ['browInnerUp_L', 'browInnerUp_R', 'cheekPuff_L', 'cheekPuff_R', 'eyeBlink_L', 'jawOpen', 'PupilDilate_L'];
    expect(exportShapes(ict, ict.length)).toEqual([
      { name: 'browInnerUp', sources: [0, 1] },
      { name: 'cheekPuff', sources: [2, 3] },
      { name: 'eyeBlinkLeft', sources: [4] },
      { name: 'jawOpen', sources: [5] },
      { name: 'PupilDilate_L', sources: [6] }, // pack-specific: keeps its own clear name
    ]);
    // A lone half keeps its own name; a pack with the whole shape keeps it and its halves apart.
    expect(exportShapes(['cheekPuff_R', 'jawOpen'], 2).map((s) => s.name)).toEqual(['cheekPuff_R', 'jawOpen']);
    expect(exportShapes(['cheekPuff', 'cheekPuff_L', 'cheekPuff_R'], 3).map((s) => s.name)).toEqual(['cheekPuff', 'cheekPuff_L', 'cheekPuff_R']);
    expect(ARKIT_BLENDSHAPES).toHaveLength(52);
  });

  it('exports a merged shape as the summed deltas, at the mean of the halves’ weights', () => {
    const model = syntheticHeadModel({ vertices: 300, shapeCount: 1, expressionCount: 3 });
    const named = { ...model, expression: { ...model.expression, names: ['cheekPuff_L', 'jawOpen', 'cheekPuff_R'] } };
    const head = buildExportHead(named, { expression: [0.2, 0.5, 0.6] }, { textureSize: 16 });
    expect(head.morphs.map((m) => m.name)).toEqual(['cheekPuff', 'jawOpen']);
    expect(head.morphs[0]!.weight).toBeCloseTo(0.4, 6);
    const V3 = model.vertexCount * 3;
    const v = head.sourceVertex[7]!;
    for (let c = 0; c < 3; c++) {
      const sum = model.expression.data[v * 3 + c]! + model.expression.data[2 * V3 + v * 3 + c]!;
      expect(head.morphs[0]!.deltas[7 * 3 + c]).toBeCloseTo(sum, 6);
      expect(head.morphs[1]!.deltas[7 * 3 + c]).toBe(model.expression.data[V3 + v * 3 + c]);
    }
  });
});

describe('PNG encoder', () => {
  it('writes 8-bit RGB and 16-bit grey that an independent decoder reads back exactly', async () => {
    const rgb = new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]);
    const a = await sharp(encodePng({ width: 2, height: 2, channels: 3, data: rgb })).raw().toBuffer({ resolveWithObject: true });
    expect([a.info.width, a.info.height, a.info.channels]).toEqual([2, 2, 3]);
    expect([...a.data]).toEqual([...rgb]);
    const grey = new Uint16Array([0, 1000, 32768, 65535]);
    const b = await sharp(encodePng({ width: 4, height: 1, channels: 1, data: grey })).toColourspace('grey16').raw({ depth: 'ushort' }).toBuffer({ resolveWithObject: true });
    expect(b.data.length).toBe(8); // 16 bits per sample survived
    expect([...new Uint16Array(b.data.buffer, b.data.byteOffset, 4)]).toEqual([...grey]);
  });
});

describe('export model', () => {
  const model = syntheticHeadModel({ vertices: 600, shapeCount: 3, expressionCount: 2 });

  it('bakes the identity into the base mesh and keeps expression deltas and FLAME tree + head joint', () => {
    const beta = [1.5, -0.5, 0.25];
    const head = buildExportHead(model, { shape: beta, expression: [0.4, 2] }, { textureSize: 16 });
    expect(head.joints.map((j) => [j.name, j.parent])).toEqual([['root', -1], ['neck', 0], ['head', 1], ['jaw', 2], ['eye_L', 2], ['eye_R', 2]]);
    const v = head.sourceVertex[5]!;
    const V3 = model.vertexCount * 3;
    for (let c = 0; c < 3; c++) {
      let expected = model.template[v * 3 + c]!;
      beta.forEach((b, k) => (expected += b * model.shape.data[k * V3 + v * 3 + c]!));
      expect(head.positions[5 * 3 + c]).toBeCloseTo(expected, 6);
      expect(head.morphs[1]!.deltas[5 * 3 + c]).toBe(model.expression.data[V3 + v * 3 + c]);
    }
    expect(head.morphs.map((m) => m.weight)).toEqual([0.4, 1]); // clamped to [0, 1]
    for (let i = 0; i < head.skinWeights.length; i += 4) {
      expect(head.skinWeights[i]! + head.skinWeights[i + 1]! + head.skinWeights[i + 2]! + head.skinWeights[i + 3]!).toBeCloseTo(1, 5);
    }
  });

  it('writes a displacement map into the GLB when the head has one, still validator-clean', async () => {
    const withUv = { ...model, uv: { coords: new Float32Array(model.vertexCount * 2).map((_, i) => (i % 7) / 7), triangles: model.triangles.slice() } };
    const displacement = encodePng({ width: 8, height: 8, channels: 1, data: new Uint16Array(64).fill(32768) });
    const head = buildExportHead(withUv, {}, { textureSize: 16 });
    const glb = await writeGlb({ ...head, textures: { ...head.textures, displacement } });
    const doc = await new NodeIO().readBinary(glb);
    expect(doc.getRoot().listTextures().map((t) => t.getName())).toEqual(['albedo', 'normal', 'displacement']);
    const report = await validator.validateBytes(glb);
    expect(report.issues.numErrors).toBe(0);
    expect(report.issues.numWarnings).toBe(0);
  });

  it('computes unit tangents orthogonal to the normals', () => {
    const positions = new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0]);
    const normals = new Float32Array([0, 0, 1, 0, 0, 1, 0, 0, 1]);
    const t = vertexTangents(positions, normals, new Float32Array([0, 0, 1, 0, 0, 1]), new Uint32Array([0, 1, 2]));
    expect([...t.subarray(0, 4)]).toEqual([1, 0, 0, 1]);
  });
});
