import { beforeAll, describe, expect, it } from 'vitest';
import type { HeadModel } from '../../../core/head-model/head-model';
import { buildStarterHead } from '../../../core/starter-head/build-starter-head';
import { EYE_PROPORTIONS, eyeballs, eyeColours, eyePlace } from '../../../core/texture/eye-colours';
import { readCanonicalFaceMeshAsset } from '../../../main/packs/starter-pack';

const BROWN = [0.3, 0.18, 0.1];
const WHITE = [0.88, 0.87, 0.85];
const SKIN = [0.8, 0.6, 0.5];

describe('eye material', () => {
  let model: HeadModel;
  beforeAll(async () => {
    model = buildStarterHead(await readCanonicalFaceMeshAsset());
  });

  it('measures the iris and sclera from seen eyeball vertices, not from the lid skin that a fit lets in', () => {
    const V = model.vertexCount, P = model.template;
    const albedo = new Float32Array(V * 3), seen = new Uint8Array(V);
    const eyes = eyeballs(model);
    expect(eyes).toHaveLength(2);
    let n = 0;
    for (const eye of eyes) {
      for (const v of eye.vertices) {
        const { r, front } = eyePlace(eye, P[v * 3]!, P[v * 3 + 1]!, P[v * 3 + 2]!);
        // A quarter of the eye (every 4th vertex) shows lid skin; the back was never seen.
        const c = n++ % 4 === 0 ? SKIN : r < EYE_PROPORTIONS.iris ? BROWN : WHITE;
        albedo.set(c, v * 3);
        seen[v] = front ? 1 : 0;
      }
    }
    const { iris, sclera } = eyeColours(model, albedo, seen);
    for (let k = 0; k < 3; k++) expect(Math.abs(iris[k]! - BROWN[k]!)).toBeLessThan(0.04);
    // White-ish: the brightest of the seen sclera, mostly grey.
    const lum = (c: number[]) => 0.2126 * c[0]! + 0.7152 * c[1]! + 0.0722 * c[2]!;
    expect(lum(sclera)).toBeGreaterThan(0.8);
    expect(Math.max(...sclera) - Math.min(...sclera)).toBeLessThan(0.03);
    // Nothing seen: the default eyes.
    const none = eyeColours(model, albedo, new Uint8Array(V));
    expect(lum(none.sclera)).toBeGreaterThan(0.75);
    expect(lum(none.iris)).toBeLessThan(0.3);
  });
});
