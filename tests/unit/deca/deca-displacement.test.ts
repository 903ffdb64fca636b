import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decaDisplacement, sampleDecaUv } from '../../../core/deca/deca-displacement';
import { decaDisplacementOnPack, displaceAlongNormals } from '../../../core/deca/deca-displacement-on-pack';
import { decaFixedDisplacement, decaTemplateUv, decaUvMask } from '../../../core/deca/deca-uv-data';
import { syntheticHeadModel } from '../../../core/head-model/synthetic-head-model';
import { npyFloat64, sphereTemplateObj, UV } from '../../helpers/deca-detail-fixtures';
import { makeTempDir } from '../../helpers/temp-dir';

const S = UV, N = S * S;
const model = syntheticHeadModel({ seed: 3 }); // FLAME-sized: 5023 vertices

let tmp: ReturnType<typeof makeTempDir>;
const f = (name: string) => path.join(tmp.dir, name);
beforeAll(() => {
  tmp = makeTempDir('deca-displacement-');
  writeFileSync(f('head_template.obj'), sphereTemplateObj(model).text);
  writeFileSync(f('fixed.npy'), npyFloat64([S, S], Float64Array.from({ length: N }, (_, k) => 1e-4 * Math.cos(k / 300))));
});
afterAll(() => tmp.cleanup());

describe("DECA's UV conventions (core)", () => {
  it('samples texel centres at u = (j + ½)/S, v = 1 − (i + ½)/S, bilinear between them, edges clamped', () => {
    const map = Float32Array.from({ length: N }, (_, k) => Math.floor(k / S) * 1000 + (k % S));
    expect(sampleDecaUv(map, 10.5 / S, 1 - 3.5 / S)).toBeCloseTo(3010, 6); // row 3, column 10
    expect(sampleDecaUv(map, 0.3, 0.8)).toBeCloseTo((0.2 * S - 0.5) * 1000 + (0.3 * S - 0.5), 3);
    expect(sampleDecaUv(map, 0, 1)).toBe(0); // top-left corner: texel (0, 0)
    expect(sampleDecaUv(map, 1, 0)).toBe(255 * 1000 + 255);
  });

  it("composes uv_z · mask + fixed as displacement2normal does, or masks the fixed map too", () => {
    const uvZ = new Float32Array(N).fill(0.004), mask = Float32Array.from({ length: N }, (_, k) => (k < N / 2 ? 1 : k < (3 * N) / 4 ? 0.5 : 0)), fixed = new Float32Array(N).fill(0.001);
    const d = decaDisplacement(uvZ, mask, fixed);
    expect([d[0], d[N / 2], d[N - 1]].map((x) => +x!.toFixed(6))).toEqual([0.005, 0.003, 0.001]);
    const m = decaDisplacement(uvZ, mask, fixed, { fixed: 'mask' });
    expect([m[0], m[N / 2], m[N - 1]].map((x) => +x!.toFixed(6))).toEqual([0.005, 0.0025, 0]);
    expect(decaDisplacement(uvZ, mask, null)[N - 1]).toBe(0);
    expect(() => decaDisplacement(new Float32Array(10), mask, null)).toThrow(/256×256/);
  });

  it('reads the mask as DECA does: first channel / 255, nearest-resized to 256²', () => {
    const px = (w: number, h: number, ch: number, red: (r: number, c: number) => number) => {
      const a = new Uint8Array(w * h * ch).fill(200);
      for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) a[(r * w + c) * ch] = red(r, c);
      return a;
    };
    const same = decaUvMask(px(S, S, 4, (r, c) => (r + c) % 256), S, S, 4);
    expect(same[3 * S + 7]).toBeCloseTo(10 / 255, 7);
    const big = decaUvMask(px(512, 512, 3, (r, c) => (r % 2 === 0 && c % 2 === 0 ? 255 : 0)), 512, 512, 3);
    expect(big.every((v) => v === 1)).toBe(true); // source index ⌊i·512/256⌋ = 2i
    const small = decaUvMask(px(100, 100, 1, (r) => r), 100, 100, 1);
    expect(small[255 * S] * 255).toBeCloseTo(Math.floor((255 * 100) / 256), 4);
    expect(() => decaUvMask(new Uint8Array(S * S * 3), S, S, 3)).toThrow(/empty/);
    expect(() => decaUvMask(new Uint8Array(5), S, S, 3)).toThrow(/does not match/);
  });

  it('reads fixed_displacement_256.npy and head_template.obj with clear errors', () => {
    const fixed = decaFixedDisplacement(readFileSync(f('fixed.npy')));
    expect(fixed[300]).toBeCloseTo(1e-4 * Math.cos(1), 9);
    expect(() => decaFixedDisplacement(npyFloat64([128, 128], new Float64Array(128 * 128)))).toThrow(/shape \(128, 128\)/);
    expect(() => decaFixedDisplacement(npyFloat64([S, S], new Float64Array(N).fill(NaN)))).toThrow(/non-finite value at row 0, column 0/);
    expect(() => decaFixedDisplacement(new Uint8Array([1, 2, 3]))).toThrow(/not a readable .npy/);
    const template = decaTemplateUv(readFileSync(f('head_template.obj')));
    expect(template.vertexCount).toBe(5023);
    expect(template.uvTriangles.length).toBe(model.triangles.length);
    expect(() => decaTemplateUv(new TextEncoder().encode('v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n'))).toThrow(/3 vertices; .*FLAME's 5023/);
    expect(() => decaTemplateUv(new TextEncoder().encode('v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n'), { vertexCount: null })).toThrow(/no texture coordinates/);
  });
});

describe('DECA displacement on a FLAME-structured pack (core)', () => {
  const obj = sphereTemplateObj(model);
  const template = decaTemplateUv(new TextEncoder().encode(obj.text));
  const map = Float32Array.from({ length: N }, (_, k) => 0.001 * Math.sin(k / 700) + 0.0005 * ((k % S) / S));

  it('gives each vertex the bilinear sample at its template UV, seam vertices the mean of theirs', () => {
    const d = decaDisplacementOnPack(model, template, map);
    expect(d).toHaveLength(5023);
    // The fixture gives vertex v the UV index v, and V + v (u + 1) on corners across the back seam.
    const uvsOf = Array.from({ length: 5023 }, () => new Set<number>());
    template.triangles.forEach((v, c) => uvsOf[v]!.add(template.uvTriangles[c]! === v ? 0 : 1));
    let seams = 0;
    for (let v = 0; v < 5023; v++) {
      const [u, w] = obj.uvOf(v);
      const samples = [...uvsOf[v]!].map((shift) => sampleDecaUv(map, u + shift, w));
      if (samples.length === 0) expect(d[v]).toBe(0); // on no face: no UV
      else expect(d[v]).toBeCloseTo(samples.reduce((a, b) => a + b, 0) / samples.length, 7);
      if (samples.length === 2) seams++;
    }
    expect(seams).toBeGreaterThan(10);
  });

  it('refuses a pack without the template’s topology', () => {
    const other = syntheticHeadModel({ vertices: 4000 });
    expect(() => decaDisplacementOnPack(other, template, map)).toThrow(/does not have the topology of DECA's head_template.obj .*4000 vertices/);
    const flipped = { ...model, triangles: Uint32Array.from(model.triangles) };
    [flipped.triangles[1], flipped.triangles[2]] = [flipped.triangles[2]!, flipped.triangles[1]!];
    expect(() => decaDisplacementOnPack(flipped, template, map)).toThrow(/face 0 .* is not one of the template's/);
    // Faces in another order, corners rotated: the same topology.
    const t = model.triangles, F = t.length / 3;
    const shuffled = Uint32Array.from({ length: t.length }, (_, i) => t[((F - 1 - Math.floor(i / 3)) * 3 + ((i % 3) + 1) % 3)]!);
    expect(decaDisplacementOnPack({ ...model, triangles: shuffled }, template, map)).toEqual(decaDisplacementOnPack(model, template, map));
  });

  it('moves vertices along their normals (outwards on the sphere head)', () => {
    const d = new Float32Array(5023).fill(0.002);
    const moved = displaceAlongNormals(model.template, model.triangles, d);
    const v = 2500, r = (a: Float32Array) => Math.hypot(a[v * 3]!, a[v * 3 + 1]!, a[v * 3 + 2]!);
    expect(r(moved) - r(model.template)).toBeCloseTo(0.002, 4);
  });
});
