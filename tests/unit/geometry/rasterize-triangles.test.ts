import { describe, expect, it } from 'vitest';
import { rasterMaskFromMesh } from '../../../core/geometry/mesh-mask';
import { opaqueTriangles } from '../../../core/geometry/opaque-triangles';
import { depthAt, photoDepth } from '../../../core/geometry/photo-depth';
import { interpolateAt, rasterGrid, rasterizeTriangles } from '../../../core/geometry/rasterize-triangles';
import { rasterizeUv } from '../../../core/geometry/rasterize-uv';
import { sampleRgb } from '../../../core/geometry/sample-rgb';

const unitGrid = (width: number, height: number) => ({ width, height, step: 1, originX: 0, originY: 0 });

describe('the one rasteriser', () => {
  it('samples pixel centres with inclusive edges: two triangles sharing a diagonal cover a square once, without gaps', () => {
    // Square [0, 4]² split along its diagonal, which passes exactly through the pixel centres (i + ½, i + ½).
    const points = [0, 0, 4, 0, 4, 4, 0, 4];
    const r = rasterizeTriangles(points, null, [0, 1, 2, 0, 2, 3], unitGrid(6, 6));
    let covered = 0;
    for (let y = 0; y < 6; y++) for (let x = 0; x < 6; x++) if (r.triangle[y * 6 + x]! >= 0) covered++, expect(x < 4 && y < 4).toBe(true);
    expect(covered).toBe(16);
    // Centres on the shared edge belong to both: without depth the earlier triangle keeps them.
    for (let i = 0; i < 4; i++) expect(r.triangle[i * 6 + i]).toBe(0);
    expect(r.triangle[0 * 6 + 3]).toBe(0); // (3.5, 0.5): below the diagonal
    expect(r.triangle[3 * 6 + 0]).toBe(1); // (0.5, 3.5): above it
  });

  it('equals a brute-force evaluation of the convention on random overlapping triangles', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const P = 60, T = 40;
    const points = Array.from({ length: P * 2 }, (_, i) => (i % 2 ? 5 + rand() * 70 : 10 + rand() * 90)); // extent 110 × 80
    const depth = Array.from({ length: P }, () => rand());
    const triangles = Array.from({ length: T * 3 }, () => Math.floor(rand() * P));
    const grid = rasterGrid(110, 80, { window: [8, 4, 104, 76], maxSide: 48 });
    const r = rasterizeTriangles(points, depth, triangles, grid);
    for (let y = 0; y < grid.height; y++) {
      for (let x = 0; x < grid.width; x++) {
        // The pixel's centre in extent units; the nearest triangle containing it (edges inclusive), the earlier on a tie.
        const px = grid.originX + (x + 0.5) * grid.step, py = grid.originY + (y + 0.5) * grid.step;
        let want = -1, wantZ = -Infinity;
        for (let t = 0; t < T; t++) {
          const [a, b, c] = [triangles[t * 3]!, triangles[t * 3 + 1]!, triangles[t * 3 + 2]!];
          const e = (i: number, j: number) => (points[j * 2]! - points[i * 2]!) * (py - points[i * 2 + 1]!) - (points[j * 2 + 1]! - points[i * 2 + 1]!) * (px - points[i * 2]!);
          const area = e(a, b) + e(b, c) + e(c, a);
          if (Math.abs(area) < 1e-9) continue;
          const wa = e(b, c) / area, wb = e(c, a) / area, wc = e(a, b) / area;
          if (wa < 0 || wb < 0 || wc < 0) continue;
          const z = wa * depth[a]! + wb * depth[b]! + wc * depth[c]!;
          if (z > wantZ) (wantZ = z), (want = t);
        }
        expect(r.triangle[y * grid.width + x], `pixel ${x}, ${y}`).toBe(want);
      }
    }
    expect(new Set(r.triangle).size).toBeGreaterThan(10);
  });

  it('leaves out a centre a triangle misses by a hair, unless grown', () => {
    // The hypotenuse x + y = 2 − ε passes just short of the centre (0.5, 0.5)… and (1.5, 0.5), (0.5, 1.5).
    const points = [0, 0, 1.999, 0, 0, 1.999];
    expect(rasterizeTriangles(points, null, [0, 1, 2], unitGrid(4, 4)).triangle.filter((t) => t === 0).length).toBe(1);
    expect(rasterizeTriangles(points, null, [0, 1, 2], unitGrid(4, 4), { grow: 0.01 }).triangle.filter((t) => t === 0).length).toBe(3);
  });

  it('keeps the nearer surface, and the earlier triangle on a tie', () => {
    const quad = [0, 0, 4, 0, 0, 4];
    const points = [...quad, ...quad, ...quad];
    const tris = [0, 1, 2, 3, 4, 5, 6, 7, 8];
    const r = rasterizeTriangles(points, [0, 0, 0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5], tris, unitGrid(4, 4));
    expect(r.triangle[0]).toBe(1);
    expect(r.depth![0]).toBeCloseTo(0.5, 6);
    expect(r.depth![15]).toBe(-Infinity);
    // A mask leaves triangles out, keeping the full list's indices.
    expect(rasterizeTriangles(points, [0, 0, 0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5], tris, unitGrid(4, 4), { triangleMask: Uint8Array.of(1, 0, 1) }).triangle[0]).toBe(2);
  });

  it('covers a window at a reduced resolution (step) and interpolates at pixel centres', () => {
    const grid = rasterGrid(2000, 2000, { window: [0, 0, 1000, 1000], maxSide: 100 });
    expect(grid).toEqual({ width: 100, height: 100, step: 10, originX: 0, originY: 0 });
    const r = rasterizeTriangles([0, 0, 1000, 0, 0, 1000], null, [0, 1, 2], grid);
    expect(r.triangle.filter((t) => t === 0).length).toBeCloseTo(5000, -2);
    // Pixel (3, 7) of the raster is photo point (35, 75): the interpolated position says so.
    const out = new Float64Array(2);
    expect(interpolateAt(r, [0, 1, 2], [0, 0, 1000, 0, 0, 1000], 2, 7 * 100 + 3, out)).toBe(true);
    expect([out[0], out[1]]).toEqual([expect.closeTo(35, 4), expect.closeTo(75, 4)]);
  });

  it('rasterises a 2-D mesh into the same grid as a face raster (the face mask)', () => {
    const grid = { width: 10, height: 10, step: 2, originX: 100, originY: 50 };
    // A square of photo pixels [104, 112) × [54, 60): raster pixels x 2…5, y 2…4.
    const mask = rasterMaskFromMesh(grid, [104, 54, 112, 54, 112, 60, 104, 60], [0, 1, 2, 0, 2, 3]);
    const on: number[] = [];
    mask.forEach((m, i) => m && on.push(i));
    expect(on).toEqual([22, 23, 24, 25, 32, 33, 34, 35, 42, 43, 44, 45]);
  });

  it('maps texel centres to UVs (rows from v = 1)', () => {
    const N = 8;
    const uv = { coords: Float32Array.of(0, 0, 1, 0, 1, 1, 0, 1), triangles: Uint32Array.of(0, 1, 2, 0, 2, 3) };
    const r = rasterizeUv(uv, N);
    expect(r.triangle.every((t) => t >= 0)).toBe(true);
    const out = new Float64Array(2);
    interpolateAt(r, uv.triangles, uv.coords, 2, 1 * N + 6, out); // texel x 6, row 1
    expect(out[0]).toBeCloseTo(6.5 / N, 6);
    expect(out[1]).toBeCloseTo(1 - 1.5 / N, 6);
  });

  it('samples images in the same convention: a pixel centre gives the pixel', () => {
    const img = { width: 3, height: 2, data: Uint8Array.from({ length: 18 }, (_, i) => i * 10) };
    const rgb = new Float64Array(3);
    sampleRgb(img, 1.5, 0.5, rgb);
    expect([...rgb]).toEqual([30, 40, 50]);
    sampleRgb(img, 2, 1, rgb); // the corner between four pixels: their mean
    expect(rgb[0]).toBeCloseTo((30 + 60 + 120 + 150) / 4, 9);
  });

  it('looks depth up by photo position, and a see-through overlay neither draws nor occludes', () => {
    // Two triangles over the same pixels: the nearer one (z = 0.01) is an overlay (its vertices 3…5).
    const vertices = [0, 0, 0, 0.1, 0, 0, 0, 0.1, 0, 0, 0, 0.01, 0.1, 0, 0.01, 0, 0.1, 0.01];
    const triangles = [0, 1, 2, 3, 4, 5];
    const opaque = opaqueTriangles(triangles, [3]);
    expect([...opaque]).toEqual([1, 0]);
    const camera = { scale: 1000, tx: 0, ty: 100 };
    const all = photoDepth(vertices, triangles, camera, 200, 200, { maxSide: 100 });
    const seen = photoDepth(vertices, triangles, camera, 200, 200, { maxSide: 100, triangleMask: opaque });
    expect(all.step).toBe(2);
    expect(depthAt(all, 10, 90)).toBeCloseTo(0.01, 6);
    expect(depthAt(seen, 10, 90)).toBe(0);
    expect(depthAt(seen, 150, 10)).toBe(-Infinity);
    expect(depthAt(seen, -1, 10)).toBe(-Infinity);
  });
});
