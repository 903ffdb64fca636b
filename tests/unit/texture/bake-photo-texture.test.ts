import { describe, expect, it } from 'vitest';
import type { HeadModel } from '../../../core/head-model/head-model';
import { shShade } from '../../../core/geometry/sh-basis';
import { bakePhotoTexture, type TextureView } from '../../../core/texture/bake-photo-texture';
import { backdropAt, plainBackdrop } from '../../../core/texture/plain-backdrop';
import { fillTextureHoles } from '../../../core/texture/fill-texture-holes';

/**
 * Two unit squares facing the camera (+Z), side by side in UV space: the left one at z = 0 in
 * front, the right one 1 cm behind it (hidden), so visibility and mapping can both be checked.
 */
function twoQuads(): HeadModel {
  const template = new Float32Array([
    // front quad x∈[-0.05, 0.05], y∈[-0.05, 0.05], z = 0
    -0.05, -0.05, 0, 0.05, -0.05, 0, 0.05, 0.05, 0, -0.05, 0.05, 0,
    // hidden quad, same xy, z = −0.01
    -0.05, -0.05, -0.01, 0.05, -0.05, -0.01, 0.05, 0.05, -0.01, -0.05, 0.05, -0.01,
  ]);
  const triangles = new Uint32Array([0, 1, 2, 0, 2, 3, 4, 5, 6, 4, 6, 7]);
  const coords = new Float32Array([0, 0, 0.5, 0, 0.5, 1, 0, 1, 0.5, 0, 1, 0, 1, 1, 0.5, 1]);
  return {
    id: 'quads', name: 'quads', source: '', license: '', vertexCount: 8, template, triangles,
    uv: { coords, triangles: triangles.slice() },
    shape: { count: 0, data: new Float32Array(0), names: [] }, expression: { count: 0, data: new Float32Array(0), names: [] }, pose: null,
    joints: { names: ['root'], parents: Int32Array.from([-1]), regressor: { rows: 1, cols: 8, row: new Uint32Array([0]), col: new Uint32Array([0]), value: new Float32Array([1]) } },
    skinWeights: new Float32Array(8).fill(1),
    landmarks: { faces: new Uint32Array(0), barycentric: new Float32Array(0), dynamicContour: null },
    regions: {},
  };
}

// Two facing quads seen head-on, plain photos and a light whose shading is 0.5 everywhere: the
// past-white cases below share them.
const FACING_NORMALS = new Float32Array(8 * 3).map((_, i) => (i % 3 === 2 ? 1 : 0));
const HEAD_ON = { scale: 1000, tx: 50, ty: 50 };
const plain = (rgb: number[]) => {
  const photo = { width: 100, height: 100, data: new Uint8Array(100 * 100 * 3) };
  for (let i = 0; i < 100 * 100; i++) photo.data.set(rgb, i * 3);
  return photo;
};
const halfShading = () => {
  const unit = Array.from({ length: 27 }, (_, k) => (k < 3 ? 1 : 0));
  const s = shShade(unit, 0, 0, 1)[0];
  return unit.map((v) => (v * 0.5) / s);
};

describe('photo texture baking', () => {
  it('maps photo pixels into UV space, and leaves a hidden surface unseen', () => {
    const model = twoQuads();
    // A 100×100 photo whose red channel grows left to right and green top to bottom.
    const photo = { width: 100, height: 100, data: new Uint8Array(100 * 100 * 3) };
    for (let y = 0; y < 100; y++) for (let x = 0; x < 100; x++) photo.data.set([x * 2, y * 2, 77], (y * 100 + x) * 3);
    const normals = new Float32Array(8 * 3).map((_, i) => (i % 3 === 2 ? 1 : 0));
    // 1000 px per metre: the front quad covers the photo exactly. (The photo is one smooth gradient, as a
    // vignetted studio wall is: with the backdrop test on, all of it would count as wall.)
    const baked = bakePhotoTexture(model, [{ photo, vertices: model.template, normals, camera: { scale: 1000, tx: 50, ty: 50 } }], { size: 64, backdropDistance: 0 });
    const at = (x: number, y: number) => [...baked.rgb.subarray((y * 64 + x) * 3, (y * 64 + x) * 3 + 3)];
    // Texel (8, 32) is u ≈ 0.13, v ≈ 0.49 on the front quad → photo x ≈ 26, y ≈ 50.
    const [r, g, b] = at(8, 32);
    expect(Math.abs(r! - 2 * 26.5)).toBeLessThan(4);
    expect(Math.abs(g! - 2 * 50.5)).toBeLessThan(4);
    expect(b).toBe(77);
    // The hidden quad (right half of the atlas) is covered by UVs but seen by no photo.
    expect(baked.covered[32 * 64 + 48]).toBe(1);
    expect(baked.weight[32 * 64 + 48]).toBe(0);
    expect(baked.weight[32 * 64 + 8]).toBeCloseTo(1, 5);
  });

  it('fills unseen texels from their mirror image, and everything else smoothly', () => {
    const size = 8;
    const baked = {
      size,
      rgb: new Uint8Array(size * size * 3),
      weight: new Float32Array(size * size),
      position: new Float32Array(size * size * 3),
      covered: new Uint8Array(size * size),
      triangle: new Int32Array(size * size).fill(-1),
      bary: new Float32Array(size * size * 2),
    };
    // Texel 0 saw red at x = +0.03; texel 1 is its unseen mirror at x = −0.03; texel 2 is unseen, unmirrored.
    baked.rgb.set([200, 10, 10], 0);
    baked.weight[0] = 1;
    baked.position.set([0.03, 0, 0], 0);
    baked.position.set([-0.03, 0, 0], 3);
    baked.position.set([0, 0.2, 0], 6);
    baked.covered.set([1, 1, 1]);
    const rgb = fillTextureHoles(baked, twoQuads());
    expect([...rgb.subarray(3, 6)]).toEqual([200, 10, 10]);
    // Everything else takes the only known colours by push-pull: no black left anywhere.
    for (let i = 0; i < size * size; i++) expect(rgb[i * 3]).toBeGreaterThan(0);
  });

  it('does not bake a plain backdrop where the head model is larger than the person', () => {
    const model = twoQuads();
    // A grey studio wall with the person (skin) over x = 10…70 of the front quad only.
    const photo = { width: 100, height: 100, data: new Uint8Array(100 * 100 * 3) };
    // The wall is vignetted: 40 levels brighter in the middle than at the corners, radially.
    const wallAt = (x: number, y: number) => 120 + 40 * (1 - (((x - 50) / 50) ** 2 + ((y - 50) / 50) ** 2) / 2);
    for (let y = 0; y < 100; y++) for (let x = 0; x < 100; x++) photo.data.set(x >= 10 && x < 70 && y > 5 ? [200, 150, 128] : [wallAt(x, y), wallAt(x, y) + 2, wallAt(x, y) + 5], (y * 100 + x) * 3);
    const wall = plainBackdrop(photo)!;
    expect(wall).not.toBeNull();
    // Behind the head, where the fit saw none of it, the wall's fit is within a few levels of the truth.
    const behind = backdropAt(wall, 85, 50);
    expect(Math.abs(behind[0]! - wallAt(85, 50))).toBeLessThan(8);
    const normals = new Float32Array(8 * 3).map((_, i) => (i % 3 === 2 ? 1 : 0));
    const baked = bakePhotoTexture(model, [{ photo, vertices: model.template, normals, camera: { scale: 1000, tx: 50, ty: 50 } }], { size: 64 });
    // Texel x = 8 (photo x ≈ 26) saw skin; texel x = 28 (photo x ≈ 88) saw the wall and stays unseen, for the fill.
    expect(baked.weight[32 * 64 + 8]).toBeGreaterThan(0);
    expect([...baked.rgb.subarray((32 * 64 + 8) * 3, (32 * 64 + 8) * 3 + 3)]).toEqual([200, 150, 128]);
    expect(baked.weight[32 * 64 + 28]).toBe(0);
    // A busy background (a room behind a selfie) is no backdrop: nothing is rejected.
    const busy = { width: 100, height: 100, data: Uint8Array.from({ length: 100 * 100 * 3 }, (_, i) => (i * 7919) % 251) };
    expect(plainBackdrop(busy)).toBeNull();
  });

  /**
   * A "jaw" over a "neck": the upper half of the photo is a quad at z = 0, the lower half shows a
   * second quad 3 cm behind it. The frontal photo shows a dark band just below the jaw's contour (its
   * shadow, or the jaw itself where the fitted head sits a few pixels off); a photo from below sees
   * the same stretch of neck well clear of the contour, and plain skin.
   */
  it('trusts the view that sees the neck clear of the jaw over the one whose contour (and its shadow) lies on it', () => {
    const template = new Float32Array([
      ...[-0.05, 0, 0, 0.05, 0, 0, 0.05, 0.05, 0, -0.05, 0.05, 0],
      ...[-0.05, -0.05, -0.03, 0.05, -0.05, -0.03, 0.05, 0.05, -0.03, -0.05, 0.05, -0.03],
    ]);
    const triangles = new Uint32Array([0, 1, 2, 0, 2, 3, 4, 5, 6, 4, 6, 7]);
    const model: HeadModel = { ...twoQuads(), template, triangles, uv: { coords: new Float32Array([0, 0, 0.5, 0, 0.5, 1, 0, 1, 0.5, 0, 1, 0, 1, 1, 0.5, 1]), triangles: triangles.slice() } };
    const SKIN = [200, 150, 128], SHADOW = [90, 60, 50];
    const camera = { scale: 1000, tx: 50, ty: 50 };
    const front = { width: 100, height: 100, data: new Uint8Array(100 * 100 * 3) };
    // Photo rows 50…57 lie just below the jaw's contour (row 50): the shadow band.
    for (let y = 0; y < 100; y++) for (let x = 0; x < 100; x++) front.data.set(y >= 50 && y < 58 ? SHADOW : SKIN, (y * 100 + x) * 3);
    const below = { width: 100, height: 100, data: new Uint8Array(100 * 100 * 3) };
    for (let i = 0; i < 100 * 100; i++) below.data.set(SKIN, i * 3);
    // From 30° below: rotate about x (y' = y cos θ − z sin θ, z' = y sin θ + z cos θ with θ = −30°).
    const th = (-30 * Math.PI) / 180, c = Math.cos(th), sn = Math.sin(th);
    const rotated = new Float32Array(template.length), rn = new Float32Array(template.length);
    for (let v = 0; v < 8; v++) {
      const y = template[v * 3 + 1]!, z = template[v * 3 + 2]!;
      rotated.set([template[v * 3]!, y * c - z * sn, y * sn + z * c], v * 3);
      rn.set([0, -sn, c], v * 3);
    }
    const normals = new Float32Array(8 * 3).map((_, i) => (i % 3 === 2 ? 1 : 0));
    const views: TextureView[] = [
      { photo: front, vertices: template, normals, camera },
      { photo: below, vertices: rotated, normals: rn, camera },
    ];
    const baked = bakePhotoTexture(model, views, { size: 64, backdropDistance: 0 });
    const rgb = fillTextureHoles(baked, model);
    // The neck quad's texels that the frontal photo maps to rows 50…57: texel rows 32…36 of the right half.
    const lum = (p: ArrayLike<number>, i = 0) => 0.2126 * p[i]! + 0.7152 * p[i + 1]! + 0.0722 * p[i + 2]!;
    let band = 0, n = 0;
    for (let ty = 32; ty < 37; ty++) for (let tx = 36; tx < 60; tx++) (band += lum(rgb, (ty * 64 + tx) * 3)), n++;
    band /= n;
    console.log(`neck texels below the jaw: luminance ${band.toFixed(1)} (skin ${lum(SKIN).toFixed(1)}, shadow ${lum(SHADOW).toFixed(1)})`);
    // Averaged by facing alone they come out more than half way to the shadow (106); the frontal photo's
    // samples fade out towards its contour, so the photo from below sets their colour (134).
    expect(Math.abs(band - lum(SKIN))).toBeLessThan(0.2 * lum(SKIN));
  });

  it('keeps the hue of a de-lit colour brighter than white', () => {
    const model = twoQuads();
    const half = halfShading();
    const view = (photo: TextureView['photo'], light: number[] | null = null): TextureView => ({ photo, vertices: model.template, normals: FACING_NORMALS, camera: HEAD_ON, light });
    // A light whose shading is 0.5 everywhere: (250, 200, 150) de-lit is (500, 400, 300), past white.
    const lit = bakePhotoTexture(model, [view(plain([250, 200, 150]), half)], { size: 64, backdropDistance: 0 });
    const [r, g, b] = [...lit.rgb.subarray((32 * 64 + 8) * 3, (32 * 64 + 8) * 3 + 3)];
    // Scaled back to white along its hue (255, 204, 153), not clipped to (255, 255, 255).
    expect(r).toBe(255);
    expect(Math.abs(g! - 204)).toBeLessThanOrEqual(1);
    expect(Math.abs(b! - 153)).toBeLessThanOrEqual(1);
  });

  it('lets a photo whose de-lit colour is in range replace one past white (the backdrop beside a too-wide neck)', () => {
    const model = twoQuads();
    // London p002's case: skin (60, 52, 45) de-lit (120, 104, 90) in one photo; in another the pale green
    // backdrop (160, 176, 160) shows where the model's neck is, de-lit (320, 352, 320): 1.38× past white.
    const half = halfShading();
    const skin = { photo: plain([60, 52, 45]), vertices: model.template, normals: FACING_NORMALS, camera: HEAD_ON, light: half };
    const wall = { photo: plain([160, 176, 160]), vertices: model.template, normals: FACING_NORMALS, camera: HEAD_ON, light: half };
    const baked = bakePhotoTexture(model, [skin, wall], { size: 64, backdropDistance: 0 });
    const [r, g, b] = [...baked.rgb.subarray((32 * 64 + 8) * 3, (32 * 64 + 8) * 3 + 3)];
    // Averaged in at 1/1.38² of the skin's weight it came out (158, 156, 139): grey-green, G ≈ R.
    expect(Math.abs(r! - 120)).toBeLessThanOrEqual(1);
    expect(Math.abs(g! - 104)).toBeLessThanOrEqual(1);
    expect(Math.abs(b! - 90)).toBeLessThanOrEqual(1);
  });
});
