import { describe, expect, it } from 'vitest';
import { parseObj } from '../../../core/head-model/obj-parse';
import { rasterizeMesh } from '../../../core/head-model/rasterize';
import { vertexNormals } from '../../../core/head-model/vertex-normals';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('parseObj', () => {
  it('fan-triangulates polygons, keeps per-corner UVs, resolves negative indices, skips normals and comments', () => {
    const obj = parseObj(bytes('# c\nmtllib x.mtl\nv 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\r\nvt 0 0\nvt 1 0\nvt 1 1\nvt 0 1\nvn 0 0 1\nf 1/1/1 2/2/1 3/3/1 4/4/1\nf -4/1 -2/3 -1/4\n'));
    expect([...obj.positions]).toEqual([0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0]);
    expect([...obj.triangles]).toEqual([0, 1, 2, 0, 2, 3, 0, 2, 3]);
    expect([...obj.uvTriangles!]).toEqual([0, 1, 2, 0, 2, 3, 0, 2, 3]);
    expect(obj.polygonCount).toBe(2);
  });
  it('parses exponents and signs like parseFloat', () => {
    const values = ['-1.5e-3', '2.25E+2', '+0.125', '-0', '1e-7', '123456.789'];
    const obj = parseObj(bytes(`v ${values.slice(0, 3).join(' ')}\nv ${values.slice(3).join(' ')}\n`));
    expect([...obj.positions]).toEqual(values.map((v) => Math.fround(Number.parseFloat(v))));
  });
  it('reads only positions when asked', () => {
    expect(parseObj(bytes('v 1 2 3\nf 1 1 1\n'), { positionsOnly: true }).triangles.length).toBe(0);
  });
  it('reports bad faces with their line', () => {
    expect(() => parseObj(bytes('v 0 0 0\nv 1 0 0\nf 1 2\n'))).toThrow(/OBJ line 3: face with fewer than 3 corners/);
    expect(() => parseObj(bytes('v 0 0 0\nf 1 2 3\n'))).toThrow(/references vertex 2 of 1/);
    expect(() => parseObj(bytes('v 0 x 0\n'))).toThrow(/OBJ line 1: expected a number/);
  });
});

describe('rasterizeMesh', () => {
  // Two squares facing +Z: a red one at z = 0 and a green one in front (z = 0.1) covering its left half.
  const vertices = Float32Array.of(-1, -1, 0, 1, -1, 0, 1, 1, 0, -1, 1, 0, -1, -1, 0.1, 0, -1, 0.1, 0, 1, 0.1, -1, 1, 0.1);
  const triangles = Uint32Array.of(0, 1, 2, 0, 2, 3, 4, 5, 6, 4, 6, 7);
  const normals = new Float32Array(vertices.length);
  vertexNormals(vertices, triangles, normals);
  const colors = Float32Array.of(...[0, 1, 2, 3].flatMap(() => [1, 0, 0]), ...[4, 5, 6, 7].flatMap(() => [0, 1, 0]));
  const px = (img: Uint8Array, x: number, y: number, w: number) => [...img.subarray((y * w + x) * 4, (y * w + x) * 4 + 4)];

  it('fills the fitted square, with the nearer surface in front (z-buffer) and the background around', () => {
    const img = rasterizeMesh({ vertices, normals, triangles, vertexColors: colors }, { width: 100, height: 100, margin: 0.1 });
    expect(px(img, 2, 2, 100)).toEqual([38, 40, 46, 255]);
    const left = px(img, 30, 50, 100), right = px(img, 70, 50, 100);
    expect(left[1]!).toBeGreaterThan(100); // green in front on the left half
    expect(left[0]).toBe(0);
    expect(right[0]!).toBeGreaterThan(100); // red on the right
    expect(right[1]).toBe(0);
    // the square spans 80 % of the image: 80 × 80 pixels covered
    let covered = 0;
    for (let i = 0; i < 100 * 100; i++) if (img[i * 4] !== 38 || img[i * 4 + 1] !== 40) covered++;
    expect(Math.abs(covered - 80 * 80)).toBeLessThan(2 * 80 + 2);
    // Lambert: both face +Z, so equal shading factor (0.18 + 0.82·0.82), gamma 2.2
    const expected = Math.round(255 * Math.pow(0.18 + 0.82 * 0.82, 1 / 2.2));
    expect(left[1]).toBe(expected);
    expect(right[0]).toBe(expected);
  });

  it('turned 180° about +Y shows the far side: red covers the green (mirrored to the right half)', () => {
    const img = rasterizeMesh({ vertices, normals, triangles, vertexColors: colors }, { width: 100, height: 100, yawDeg: 180 });
    // red (now nearer) everywhere on the square; its normals face away, so only the ambient term lights it
    expect(px(img, 30, 50, 100)[0]).toBe(Math.round(255 * Math.pow(0.18, 1 / 2.2)));
    expect(px(img, 70, 50, 100)[1]).toBe(0);
  });
});
