import { describe, expect, it } from 'vitest';
import { parseObj } from '../../../core/head-model/obj-parse';

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
