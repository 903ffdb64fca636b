import { beforeAll, describe, expect, it } from 'vitest';
import { opaqueTriangles } from '../../../core/geometry/opaque-triangles';
import { rasterizeUv } from '../../../core/geometry/rasterize-uv';
import type { HeadModel } from '../../../core/head-model/head-model';
import { HEAD_PART, triangleParts } from '../../../core/head-model/triangle-parts';
import { buildStarterHead } from '../../../core/starter-head/build-starter-head';
import { bakeableTriangles } from '../../../core/texture/bakeable-triangles';
import { readCanonicalFaceMeshAsset } from '../../../main/packs/starter-pack';

const N = 1024;

describe('which triangles bake into the texture', () => {
  let model: HeadModel;
  beforeAll(async () => {
    model = buildStarterHead(await readCanonicalFaceMeshAsset());
  });

  it('leaves no texel of a layout without overlaps unbaked: slivers thinner than the ownership grid bake too', () => {
    // The starter head's charts do not overlap, so every texel a skin triangle covers must be baked.
    // Its shell is a grid of 0.7 × 5.5 mm triangles, 3 texels wide at 1024²: when those were left out
    // as "claimed" (their one grid cell already held by the quad's other half), their texels were
    // holes filled from the space between charts — dashes all over the shell, and full columns that
    // rendered as lines from the ear across the back of the head.
    const parts = triangleParts(model), opaque = opaqueTriangles(model.triangles, model.regions.overlays);
    const skin = Uint8Array.from({ length: model.triangles.length / 3 }, (_, t) => (parts[t] === HEAD_PART.skin && opaque[t] ? 1 : 0));
    const all = rasterizeUv(model.uv!, N, { triangleMask: skin, grow: 0.01 });
    const baked = rasterizeUv(model.uv!, N, { triangleMask: bakeableTriangles(model), grow: 0.01 });
    let skinTexels = 0, holes = 0;
    for (let i = 0; i < N * N; i++) {
      if (all.triangle[i]! < 0) continue;
      skinTexels++;
      if (baked.triangle[i]! < 0) holes++;
    }
    let left = 0;
    for (let t = 0; t < skin.length; t++) if (skin[t] && !bakeableTriangles(model)[t]) left++;
    console.log(`starter head: ${skinTexels} skin texels, ${holes} not baked; ${left} of its skin triangles left out`);
    expect(skinTexels).toBeGreaterThan(0.4 * N * N);
    expect(holes).toBe(0);
  });
});
