import { describe, expect, it } from 'vitest';
import { drawnTriangles, opaqueTriangles } from '../../../core/geometry/opaque-triangles';

describe('drawnTriangles', () => {
  it('leaves out see-through overlays and lash strips, keeps the rest', () => {
    // Four triangles: skin, skin touching an overlay vertex, a lash strip, skin.
    const triangles = Uint32Array.from([0, 1, 2, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const model = { triangles, regions: { overlays: Uint32Array.from([3]), lashes: Uint32Array.from([4, 5, 6]) } };
    expect(Array.from(drawnTriangles(model))).toEqual([1, 0, 0, 1]);
    // Without a lashes region it is the opaque rule itself.
    expect(Array.from(drawnTriangles({ triangles, regions: { overlays: Uint32Array.from([3]) } }))).toEqual(Array.from(opaqueTriangles(triangles, [3])));
  });
});
