import { describe, expect, it } from 'vitest';
import { SH_CONSTANTS } from '../../../core/geometry/sh-basis';
import type { HeadModel } from '../../../core/head-model/head-model';
import { bakePhotoTexture, type TextureView } from '../../../core/texture/bake-photo-texture';
import { castShadowTrust } from '../../../core/texture/cast-shadow-trust';

/**
 * A jaw over a neck, reduced to two planes: a wall facing the camera (+Z; x ∈ ±5 cm, y from 0 down
 * to −20 cm, 1 cm grid) and a shelf jutting 5 cm out of its top (y = 0, z ∈ [0, 5 cm], facing down).
 * The wall's UVs are its (x, y) mapped onto [0, 1]² (v = 1 at the top); the shelf has none of its own.
 */
function shelfOverWall(): { model: HeadModel; normals: Float32Array; wallRows: number } {
  const cols = 11, rows = 21;
  const pos: number[] = [], nrm: number[] = [], uv: number[] = [], tri: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      pos.push(-0.05 + c * 0.01, -r * 0.01, 0);
      nrm.push(0, 0, 1);
      uv.push(c / (cols - 1), 1 - r / (rows - 1));
    }
  }
  for (let r = 0; r + 1 < rows; r++) {
    for (let c = 0; c + 1 < cols; c++) {
      const a = r * cols + c;
      tri.push(a, a + cols, a + 1, a + 1, a + cols, a + cols + 1);
    }
  }
  const wallTris = tri.length / 3, s = pos.length / 3;
  pos.push(-0.05, 0, 0.001, 0.05, 0, 0.001, 0.05, 0, 0.05, -0.05, 0, 0.05);
  for (let k = 0; k < 4; k++) nrm.push(0, -1, 0), uv.push(0, 0);
  tri.push(s, s + 1, s + 2, s, s + 2, s + 3);
  const V = pos.length / 3;
  const triangles = Uint32Array.from(tri);
  // Only the wall bakes: its triangles alone carry UVs.
  const uvTris = triangles.slice(0, wallTris * 3);
  const model = {
    id: 'shelf', name: 'shelf', source: '', license: '', vertexCount: V, template: Float32Array.from(pos), triangles,
    uv: { coords: Float32Array.from(uv), triangles: uvTris },
    shape: { count: 0, data: new Float32Array(0), names: [] }, expression: { count: 0, data: new Float32Array(0), names: [] }, pose: null,
    joints: { names: ['root'], parents: Int32Array.from([-1]), regressor: { rows: 1, cols: V, row: new Uint32Array([0]), col: new Uint32Array([0]), value: new Float32Array([1]) } },
    skinWeights: new Float32Array(V).fill(1),
    landmarks: { faces: new Uint32Array(0), barycentric: new Float32Array(0), dynamicContour: null },
    regions: {},
  } as unknown as HeadModel;
  return { model, normals: Float32Array.from(nrm), wallRows: rows };
}

/** SH light (27 coefficients) of a grey distant light along unit `d` plus as much ambient light: E ∝ ½ + ½ n·d. */
function distantLight(d: readonly number[], directional = 1): number[] {
  const light = new Array<number>(27).fill(0);
  for (let c = 0; c < 3; c++) {
    light[c] = 0.5 / SH_CONSTANTS[0]!;
    for (let k = 0; k < 3; k++) light[(k + 1) * 3 + c] = (0.5 * directional * d[k]!) / SH_CONSTANTS[k + 1]!;
  }
  return light;
}

const ABOVE = [0, 0.6, 0.8];
const FRONT = [0, 0, 1];
/** Mean trust of the wall's vertices in row r (r cm below the shelf). */
const row = (trust: Float32Array, r: number) => Array.from(trust.subarray(r * 11, r * 11 + 11)).reduce((a, b) => a + b, 0) / 11;

describe('cast-shadow trust', () => {
  it('lowers trust on the wall under the shelf when the light comes from above, not far below it nor under a frontal light', () => {
    const { model, normals } = shelfOverWall();
    const above = castShadowTrust(model.template, normals, model.triangles, distantLight(ABOVE))!;
    // Just under the shelf every direction of the cone is blocked: down to the floor (0.05).
    expect(row(above, 1)).toBeLessThan(0.1);
    // 20 cm down the light's whole cone passes in front of the shelf's edge.
    expect(row(above, 20)).toBe(1);
    // The shelf faces down, away from the light: dark by its normal, which SH shading explains, so never lowered.
    expect(Math.min(...above.subarray(231))).toBe(1);
    const front = castShadowTrust(model.template, normals, model.triangles, distantLight(FRONT))!;
    // A frontal light's cone (±0.5 rad) reaches over the shelf's lip only within a few centimetres of it.
    expect(row(front, 1)).toBeGreaterThan(row(above, 1) + 0.2);
    expect(row(front, 4)).toBe(1);
    expect(row(above, 4)).toBeLessThan(0.5);
  });

  it('leaves an even (ambient) light alone and scales the loss by how directional the light is', () => {
    const { model, normals } = shelfOverWall();
    expect(castShadowTrust(model.template, normals, model.triangles, distantLight(ABOVE, 0))).toBeNull();
    const soft = castShadowTrust(model.template, normals, model.triangles, distantLight(ABOVE, 0.1))!;
    const hard = castShadowTrust(model.template, normals, model.triangles, distantLight(ABOVE, 1))!;
    expect(row(soft, 1)).toBeGreaterThan(row(hard, 1) + 0.3);
    expect(() => castShadowTrust(model.template, normals, model.triangles, [1, 1, 1])).toThrow(/27 SH coefficients/);
  });

  it('lets the view that saw the wall lit outweigh the one that saw it in the shelf’s shadow when baking', () => {
    const { model, normals } = shelfOverWall();
    // Both photos show the wall head-on (1000 px per metre); the shadowed one is dark just under the
    // shelf (the cast shadow SH shading cannot explain) and elsewhere lit as its light says (0.9 of the
    // frontal light's shading), the lit one is even: both de-light to the same colour where lit.
    const camera = { scale: 1000, tx: 50, ty: 5 };
    const photo = (shadowed: boolean) => {
      const p = { width: 100, height: 220, data: new Uint8Array(100 * 220 * 3) };
      for (let y = 0; y < 220; y++) for (let x = 0; x < 100; x++) p.data.set(!shadowed ? [180, 150, 130] : y < 45 ? [60, 70, 50] : [162, 135, 117], (y * 100 + x) * 3);
      return p;
    };
    const views: TextureView[] = [
      { photo: photo(true), vertices: model.template, normals, camera, light: distantLight(ABOVE) },
      { photo: photo(false), vertices: model.template, normals, camera, light: distantLight(FRONT) },
    ];
    const at = (rgb: Uint8Array, size: number, u: number, v: number) => {
      const i = (Math.floor((1 - v) * size) * size + Math.floor(u * size)) * 3;
      return [rgb[i]!, rgb[i + 1]!, rgb[i + 2]!];
    };
    const opts = { size: 64, backdropDistance: 0, edgeMargin: 0 };
    // 2 cm under the shelf: the wall's point (0, −0.02) at UV (0.5, 0.9).
    const aware = bakePhotoTexture(model, views, opts);
    const blind = bakePhotoTexture(model, views, { ...opts, castShadow: null });
    const lit = at(aware.rgb, 64, 0.5, 0.2);
    const shadowAware = at(aware.rgb, 64, 0.5, 0.9), shadowBlind = at(blind.rgb, 64, 0.5, 0.9);
    const gap = (a: number[], b: number[]) => Math.max(...a.map((x, k) => Math.abs(x - b[k]!)));
    // Without the shadow test the dark view drags the texel far from the lit wall's colour; with it the
    // lit view's colour wins and the dark view's weight has fallen to a few per cent.
    expect(gap(shadowBlind, lit)).toBeGreaterThan(30);
    expect(gap(shadowAware, lit)).toBeLessThan(10);
    const w = (b: typeof aware) => b.weight[Math.floor(0.1 * 64) * 64 + 32]!;
    expect(w(aware)).toBeLessThan(w(blind) * 0.7);
  });
});
