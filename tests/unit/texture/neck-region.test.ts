import { beforeAll, describe, expect, it } from 'vitest';
import type { HeadModel } from '../../../core/head-model/head-model';
import { buildStarterHead } from '../../../core/starter-head/build-starter-head';
import type { BakedTexture } from '../../../core/texture/bake-photo-texture';
import { fillTextureHoles } from '../../../core/texture/fill-texture-holes';
import { seenEverywhereBake } from '../../helpers/seen-everywhere-bake';
import { neckRegion } from '../../../core/texture/neck-region';
import { templateLandmark } from '../../../core/texture/template-landmarks';
import { readCanonicalFaceMeshAsset } from '../../../main/packs/starter-pack';

const N = 256;
const SKIN = [190, 140, 120];
const SHIRT = [236, 238, 242];
const BEARD = [62, 48, 42];

let model: HeadModel;
beforeAll(async () => {
  model = buildStarterHead(await readCanonicalFaceMeshAsset());
});

/** A fully seen bake painted by how far below the chin (landmark 8, metres) and how far forward each texel lies. */
function bakeAll(paint: (below: number, z: number) => readonly number[]): BakedTexture {
  const chin = templateLandmark(model, 8)[1];
  return seenEverywhereBake(model, N, (p) => paint(chin - p[1], p[2]));
}

const mean = (rgb: ArrayLike<number>, texels: number[]) => [0, 1, 2].map((k) => texels.reduce((s, i) => s + rgb[i * 3 + k]!, 0) / texels.length);

describe('the neck below the jaw keeps only skin', () => {
  it('is 0 on the face (the canonical mesh down to the jaw line) and 1 well down the neck', () => {
    const neck = neckRegion(model);
    const P = model.template, chin = templateLandmark(model, 8)[1];
    let face = 0, low = 1;
    for (const v of model.regions.face!) face = Math.max(face, neck[v]!);
    for (let v = 0; v < model.vertexCount; v++) if (chin - P[v * 3 + 1]! > 0.07) low = Math.min(low, neck[v]!);
    expect(face).toBe(0);
    expect(low).toBe(1);
  });

  it("fills a shirt the photos put on the neck from the skin, and keeps a beard under the chin", () => {
    // Skin on the head, a beard 0–2 cm under the chin's front, a white collar from 8 cm under the chin down.
    const baked = bakeAll((below, z) => (below > 0.08 ? SHIRT : below > 0 && below < 0.02 && z > 0.02 ? BEARD : SKIN));
    const shirt: number[] = [], beard: number[] = [];
    for (let i = 0; i < N * N; i++) {
      if (!baked.covered[i]) continue;
      const c = baked.rgb.subarray(i * 3, i * 3 + 3);
      if (c[0] === SHIRT[0] && c[2] === SHIRT[2]) shirt.push(i);
      else if (c[0] === BEARD[0] && c[2] === BEARD[2]) beard.push(i);
    }
    const rgb = fillTextureHoles(baked, model);
    const shirtAfter = mean(rgb, shirt), beardAfter = mean(rgb, beard);
    console.log(`collar (${shirt.length} texels) ${mean(baked.rgb, shirt).map(Math.round).join(', ')} → ${shirtAfter.map(Math.round).join(', ')}; beard (${beard.length}) → ${beardAfter.map(Math.round).join(', ')}; skin ${SKIN.join(', ')}`);
    expect(shirt.length).toBeGreaterThan(300);
    expect(beard.length).toBeGreaterThan(100);
    for (let k = 0; k < 3; k++) expect(Math.abs(shirtAfter[k]! - SKIN[k]!)).toBeLessThan(12);
    for (let k = 0; k < 3; k++) expect(Math.abs(beardAfter[k]! - BEARD[k]!)).toBeLessThan(12);
  });
});
