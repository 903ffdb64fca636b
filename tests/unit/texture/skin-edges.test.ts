import { describe, expect, it } from 'vitest';
import type { HeadModel } from '../../../core/head-model/head-model';
import { HEAD_PART, triangleParts } from '../../../core/head-model/triangle-parts';
import { buildStarterHead } from '../../../core/starter-head/build-starter-head';
import { skinEdges } from '../../../core/texture/skin-edges';
import { readCanonicalFaceMeshAsset } from '../../../main/packs/starter-pack';

/**
 * Two skin triangles sharing edge 1–2 (a unit square split along its diagonal) and an eye triangle
 * (vertices 4, 5, 6, all in the `eyes` region) hanging off vertex 3: only the skin's edges count.
 */
function squareWithEye(): HeadModel {
  const template = Float32Array.of(0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0, 2, 2, 0, 3, 2, 0, 2, 3, 0);
  const triangles = Uint32Array.of(0, 1, 2, 1, 3, 2, 4, 5, 6);
  return { template, triangles, regions: { eyes: Uint32Array.of(4, 5, 6) } } as unknown as HeadModel;
}

describe('skin edges of a head model', () => {
  it("lists each skin triangle's edges both ways, in triangle order, with their lengths and opposite corners", () => {
    const e = skinEdges(squareWithEye());
    expect(Array.from(e.offset)).toEqual([0, 2, 6, 10, 12, 12, 12, 12]);
    const of = (v: number) => Array.from(e.neighbour.subarray(e.offset[v]!, e.offset[v + 1]!));
    // Triangle 0 (0, 1, 2) adds 0–1, 1–2, 2–0; triangle 1 (1, 3, 2) adds 1–3, 3–2, 2–1.
    expect(of(0)).toEqual([1, 2]);
    expect(of(1)).toEqual([0, 2, 3, 2]);
    expect(of(2)).toEqual([1, 0, 3, 1]);
    expect(of(3)).toEqual([1, 2]);
    // The eye triangle adds nothing.
    expect(of(4)).toEqual([]);
    const opp = (v: number) => Array.from(e.opposite.subarray(e.offset[v]!, e.offset[v + 1]!));
    expect(opp(1)).toEqual([2, 0, 2, 3]);
    const len = (v: number) => Array.from(e.length.subarray(e.offset[v]!, e.offset[v + 1]!));
    expect(len(1)[0]).toBe(1);
    expect(len(1)[1]).toBeCloseTo(Math.SQRT2, 12);
  });

  it("has the same length both ways on a real head, and is built once per model", async () => {
    const model = buildStarterHead(await readCanonicalFaceMeshAsset());
    const e = skinEdges(model);
    expect(skinEdges(model)).toBe(e);
    const parts = triangleParts(model);
    let skin = 0;
    for (let t = 0; t < parts.length; t++) if (parts[t] === HEAD_PART.skin) skin++;
    expect(e.neighbour.length).toBe(skin * 6);
    const V = model.template.length / 3;
    let checked = 0;
    for (let v = 0; v < V; v += 7) {
      for (let k = e.offset[v]!; k < e.offset[v + 1]!; k++) {
        const u = e.neighbour[k]!;
        let back = -1;
        for (let j = e.offset[u]!; j < e.offset[u + 1]!; j++) if (e.neighbour[j] === v) back = j;
        expect(back).toBeGreaterThanOrEqual(0);
        // Bit for bit: the shortest paths over them must not depend on the direction walked.
        expect(Object.is(e.length[back], e.length[k])).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});
