import { describe, expect, it } from 'vitest';
import { photoDepth } from '../../../core/geometry/photo-depth';
import type { HeadModel } from '../../../core/head-model/head-model';
import { backdropMask } from '../../../core/texture/backdrop-mask';
import { bakePhotoTexture } from '../../../core/texture/bake-photo-texture';
import { plainBackdrop } from '../../../core/texture/plain-backdrop';

/** One quad x, y ∈ [−0.05, 0.05] at z = 0 facing the camera, UVs over the left half of the atlas. */
function quad(): HeadModel {
  const template = new Float32Array([-0.05, -0.05, 0, 0.05, -0.05, 0, 0.05, 0.05, 0, -0.05, 0.05, 0]);
  const triangles = new Uint32Array([0, 1, 2, 0, 2, 3]);
  const coords = new Float32Array([0, 0, 0.5, 0, 0.5, 1, 0, 1]);
  return {
    id: 'quad', name: 'quad', source: '', license: '', vertexCount: 4, template, triangles,
    uv: { coords, triangles: triangles.slice() },
    shape: { count: 0, data: new Float32Array(0), names: [] }, expression: { count: 0, data: new Float32Array(0), names: [] }, pose: null,
    joints: { names: ['root'], parents: Int32Array.from([-1]), regressor: { rows: 1, cols: 4, row: new Uint32Array([0]), col: new Uint32Array([0]), value: new Float32Array([1]) } },
    skinWeights: new Float32Array(4).fill(1),
    landmarks: { faces: new Uint32Array(0), barycentric: new Float32Array(0), dynamicContour: null },
    regions: {},
  };
}

// London p002 seen three-quarter, reduced to one row: the grey wall (226, 226, 229); from x = 14 grey hair
// (as grey and as dark as the wall in her shadow, with a hair's sharp edge); skin from x = 30; her neck ends
// at x = 62, where her shadow on the wall begins at 75 % of the wall and brightens smoothly back to it by
// x = 90. The model (600 px per metre: x, y ∈ [20, 80]) is wider than her: its right 18 px show the shadow.
const WALL = [226, 226, 229], HAIR = [170, 170, 172], SKIN = [190, 140, 120];
function photo() {
  const img = { width: 100, height: 100, data: new Uint8Array(100 * 100 * 3) };
  for (let y = 0; y < 100; y++) {
    for (let x = 0; x < 100; x++) {
      const k = x >= 62 && x < 90 ? 1 - 0.25 * (1 - (x - 62) / 28) : 1;
      const c = y < 10 ? WALL : x >= 14 && x < 30 ? HAIR : x >= 30 && x < 62 ? SKIN : WALL.map((w) => Math.round(w * k));
      img.data.set(c, (y * 100 + x) * 3);
    }
  }
  return img;
}
const camera = { scale: 600, tx: 50, ty: 50 };

describe('backdrop mask', () => {
  it('finds the wall in the person\'s shadow where the model is wider than them, not grey hair at its silhouette', () => {
    const model = quad(), img = photo();
    const wall = plainBackdrop(img)!;
    expect(wall).not.toBeNull();
    const depth = photoDepth(model.template, model.triangles, camera, 100, 100);
    const mask = backdropMask(img, depth, wall, camera.scale);
    const at = (x: number, y: number) => mask[Math.floor(y / depth.step) * depth.width + Math.floor(x / depth.step)];
    expect(at(5, 50)).toBe(1); // the lit wall
    expect(at(95, 50)).toBe(1);
    expect(at(68, 50)).toBe(1); // the shadow inside the model's silhouette, 12 px deep
    expect(at(64, 30)).toBe(1);
    expect(at(17, 50)).toBe(0); // grey hair outside the silhouette…
    expect(at(24, 50)).toBe(0); // …and inside it
    expect(at(45, 50)).toBe(0); // skin
  });

  it('bridges stray hair strands over the shadowed wall, which break its smoothness', () => {
    const model = quad(), img = photo();
    // Two strands (one pixel wide, blonde-brown) down the shadow at x = 66 and 70: the wall between them is cut off.
    for (let y = 10; y < 100; y++) for (const x of [66, 70]) img.data.set([120, 100, 80], (y * 100 + x) * 3);
    const wall = plainBackdrop(img)!;
    const depth = photoDepth(model.template, model.triangles, camera, 100, 100);
    const at = (m: Uint8Array, x: number) => m[Math.floor(50 / depth.step) * depth.width + Math.floor(x / depth.step)];
    expect(at(backdropMask(img, depth, wall, camera.scale, { bridge: 0 }), 68)).toBe(0);
    const mask = backdropMask(img, depth, wall, camera.scale);
    expect(at(mask, 68)).toBe(1); // the wall between the strands, 2 px from the region
    expect(at(mask, 66)).toBe(0); // a strand is no wall
    expect(at(mask, 17)).toBe(0); // grey hair 3 px from the lit wall: as grey as the shadow, 97 off the wall beside it
  });

  it('reaches no deeper into the model than its reach, whatever the colour there', () => {
    const model = quad();
    const img = { width: 100, height: 100, data: new Uint8Array(100 * 100 * 3) };
    for (let i = 0; i < 100 * 100; i++) img.data.set(WALL, i * 3);
    const depth = photoDepth(model.template, model.triangles, camera, 100, 100);
    const mask = backdropMask(img, depth, plainBackdrop(img)!, camera.scale, { reach: 0.01 });
    const at = (x: number) => mask[Math.floor(50 / depth.step) * depth.width + Math.floor(x / depth.step)];
    expect(at(24)).toBe(1);
    expect(at(50)).toBe(0);
  });

  it('keeps the bake from taking the shadowed wall as albedo; hair and skin still bake', () => {
    const model = quad(), img = photo();
    const normals = new Float32Array(4 * 3).map((_, i) => (i % 3 === 2 ? 1 : 0));
    const baked = bakePhotoTexture(model, [{ photo: img, vertices: model.template, normals, camera }], { size: 64 });
    // Texel column c of row 32 is photo x = 20 + 120 (c + ½) / 64, y ≈ 50.
    const rgb = (c: number) => [...baked.rgb.subarray((32 * 64 + c) * 3, (32 * 64 + c) * 3 + 3)];
    expect(baked.weight[32 * 64 + 25]).toBe(0); // x ≈ 68: the wall at 80 % in her shadow (was baked: 48 units off the wall's colour)
    expect(baked.weight[32 * 64 + 30]).toBe(0); // x ≈ 77
    expect(baked.weight[32 * 64 + 2]).toBeGreaterThan(0); // x ≈ 25: grey hair
    expect(rgb(2)).toEqual(HAIR);
    expect(rgb(13)).toEqual(SKIN);
  });

  it("fades a view's colour towards the person's outline against the wall inside the model, as at the model's own edges", () => {
    // The starter head's neck is wider than p002's: the front view's colour ended in a line where the
    // wall mask began and other views (or the fill) took over, an oval on the neck.
    const model = quad(), img = photo();
    const normals = new Float32Array(4 * 3).map((_, i) => (i % 3 === 2 ? 1 : 0));
    const baked = bakePhotoTexture(model, [{ photo: img, vertices: model.template, normals, camera }], { size: 64 });
    const w = (c: number) => baked.weight[32 * 64 + c]!;
    // Column 13 is photo x ≈ 44 (18 px from her outline at x = 62, the edge margin being 6 px), column 21
    // x ≈ 60 and 20 x ≈ 58: skin 2 and 4 px inside it.
    expect(w(13)).toBeGreaterThan(0.99);
    expect(w(21)).toBeGreaterThan(0);
    expect(w(21)).toBeLessThan(0.3 * w(13));
    expect(w(20)).toBeLessThan(w(13));
    expect(w(20)).toBeGreaterThan(w(21));
    expect(w(25)).toBe(0);
  });
});
