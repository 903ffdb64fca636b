import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DetailMaps } from '../../../core/detail/detail-maps';
import { detailNormalPng } from '../../../core/export/detail-textures';
import { buildExportHead } from '../../../core/export/export-head';
import { rigDetailTextures, wrinkleActivations, type RigDetailTextures } from '../../../core/export/rig-detail-textures';
import { ARKIT_BLENDSHAPES } from '../../../core/expression/arkit-names';
import { arkitExpressionMap, arkitToRigExpression } from '../../../core/expression/head-rig';
import type { HeadModel } from '../../../core/head-model/head-model';
import { importIctFaceKit, zipSourceFiles } from '../../../core/head-model/ict-facekit-import';
import { readZip } from '../../../core/head-model/zip-read';
import { syntheticDetailMaps } from '../../helpers/synthetic-detail-maps';
import { SHARED_DIR } from '../../helpers/temp-dir';

const ICT = path.join(SHARED_DIR, 'models/ICT-FaceKit-master.zip');
const SIZE = 512;

const rgb = async (png: Uint8Array) => new Uint8Array((await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true })).data);

// ICT-FaceKit with the detail stage's synthetic truth (forehead lines for 'forehead', crow's feet for
// 'crowsFeet', static folds and moles): the rig's maps are the export's, its drivers the export's
// turned into the rig's expression shapes, and the viewer's blend reproduces the baker's own map
// of static + a·wrinkles.
describe.skipIf(!existsSync(ICT))('rig detail textures (ICT-FaceKit, synthetic detail)', () => {
  let model: HeadModel;
  let maps: DetailMaps;
  let rig: RigDetailTextures;
  const shape = Float64Array.from({ length: 100 }, (_, k) => 0.5 * Math.sin(3 * k + 1));

  beforeAll(() => {
    model = importIctFaceKit(zipSourceFiles(readZip(new Uint8Array(readFileSync(ICT))))).model;
    maps = syntheticDetailMaps(model);
    rig = rigDetailTextures(model, shape.subarray(0, model.shape.count), maps, { textureSize: SIZE, deflate: (b) => deflateSync(b, { level: 1 }) });
  }, 120_000);

  it("keeps the groups with wrinkles, driven by the rig's expression shapes as the export's blendshapes drive them", () => {
    // The synthetic truth has forehead lines and crow's feet; the other groups have none and are left out.
    expect(rig.wrinkles.map((w) => w.group).sort()).toEqual(['crowsFeet', 'forehead']);
    const forehead = rig.wrinkles.find((w) => w.group === 'forehead')!;
    // The export's `browInnerUp: 2` (ICT's split halves merged) is read from the first half.
    const byName = Object.fromEntries(forehead.drivers.map((d) => [model.expression.names[d.expression], d.weight]));
    expect(byName).toEqual({ browInnerUp_L: 2, browOuterUp_L: 1, browOuterUp_R: 1 });
    expect(forehead.jawOpening).toBe(0);
  });

  it('activates a group from ARKit weights through the rig, clamped to 0…1, with the jaw where it counts', () => {
    const K = model.expression.count;
    const map = arkitExpressionMap(model.expression.names, K);
    const arkit = new Float32Array(ARKIT_BLENDSHAPES.length);
    const forehead = rig.wrinkles.findIndex((w) => w.group === 'forehead');
    arkit[ARKIT_BLENDSHAPES.indexOf('browInnerUp')] = 0.2;
    // browInnerUp 0.2 → both halves 0.2 → 2 × 0.2 = 0.4.
    expect(wrinkleActivations(rig.wrinkles, arkitToRigExpression(map, arkit, K), [0, 0, 0])[forehead]).toBeCloseTo(0.4, 6);
    arkit[ARKIT_BLENDSHAPES.indexOf('browOuterUpLeft')] = 1;
    expect(wrinkleActivations(rig.wrinkles, arkitToRigExpression(map, arkit, K), [0, 0, 0])[forehead]).toBe(1);
    const chin = [{ drivers: [], jawOpening: 0.35 }];
    expect(wrinkleActivations(chin, [], [0.175, 0, 0])[0]).toBeCloseTo(0.5, 6);
    expect(wrinkleActivations(chin, [], [-0.1, 0, 0])[0]).toBe(0);
  });

  it("the viewer's blend, static + a·(wrinkle − static) in x, y and z rebuilt, matches the baker's map of static + a·wrinkles", async () => {
    const w = rig.wrinkles.find((g) => g.group === 'forehead')!;
    const a = 0.5;
    const [s, f] = [await rgb(rig.normal), await rgb(w.normal)];
    // The reference: the one baker on the displacement with half the forehead's wrinkles.
    const W = maps.wrinkles.find((g) => g.group === 'forehead')!.displacement;
    const half = Float32Array.from(maps.displacement, (d, i) => d + a * W[i]!);
    const head = buildExportHead(model, { shape: shape.subarray(0, model.shape.count) }, { blendshapes: false, textures: {} });
    const ref = await rgb(detailNormalPng(model, head, { size: maps.size, mask: maps.mask, displacement: half }, { textureSize: SIZE }));
    let n = 0, sum = 0, max = 0;
    for (let i = 0; i < SIZE * SIZE; i++) {
      // Only where the forehead's wrinkles change the map (elsewhere both are the static map exactly).
      if (Math.abs(s[i * 3]! - f[i * 3]!) + Math.abs(s[i * 3 + 1]! - f[i * 3 + 1]!) < 6) continue;
      const x = (s[i * 3]! / 127.5 - 1) * (1 - a) + (f[i * 3]! / 127.5 - 1) * a;
      const y = (s[i * 3 + 1]! / 127.5 - 1) * (1 - a) + (f[i * 3 + 1]! / 127.5 - 1) * a;
      const z = Math.sqrt(Math.max(0, 1 - x * x - y * y));
      const blend = [x, y, z].map((c) => (c + 1) * 127.5);
      const err = Math.max(...blend.map((c, k) => Math.abs(c - ref[i * 3 + k]!)));
      (n++, (sum += err), (max = Math.max(max, err)));
    }
    console.log(`forehead at a = ${a}: ${n} texels, blend vs baked: mean ${(sum / n).toFixed(2)}, max ${max.toFixed(1)} levels of 255`);
    expect(n).toBeGreaterThan(500);
    // Lerping the maps' x, y is lerping the slopes (exact but for the bake's normalisation); measured:
    // mean 0.44, max 1.0 levels (8-bit rounding).
    expect(sum / n).toBeLessThan(1);
    expect(max).toBeLessThanOrEqual(3);
  });
});
