import { describe, expect, it } from 'vitest';
import { renderMesh } from '../../../core/geometry/render-mesh';
import { vertexNormals } from '../../../core/head-model/vertex-normals';

describe('renderMesh', () => {
  // Two squares facing +Z: a red one at z = 0 and a green one in front (z = 0.1) covering its left half.
  const vertices = Float32Array.of(-1, -1, 0, 1, -1, 0, 1, 1, 0, -1, 1, 0, -1, -1, 0.1, 0, -1, 0.1, 0, 1, 0.1, -1, 1, 0.1);
  const triangles = Uint32Array.of(0, 1, 2, 0, 2, 3, 4, 5, 6, 4, 6, 7);
  const normals = new Float32Array(vertices.length);
  vertexNormals(vertices, triangles, normals);
  const colors = Float32Array.of(...[0, 1, 2, 3].flatMap(() => [1, 0, 0]), ...[4, 5, 6, 7].flatMap(() => [0, 1, 0]));
  const px = (img: Uint8Array, x: number, y: number, w: number) => [...img.subarray((y * w + x) * 4, (y * w + x) * 4 + 4)];

  it('fills the fitted square, with the nearer surface in front (z-buffer) and the background around', () => {
    const img = renderMesh({ vertices, normals, triangles, vertexColors: colors }, { width: 100, height: 100, margin: 0.1 });
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
    const img = renderMesh({ vertices, normals, triangles, vertexColors: colors }, { width: 100, height: 100, yawDeg: 180 });
    // red (now nearer) everywhere on the square; its normals face away, so only the ambient term lights it
    expect(px(img, 30, 50, 100)[0]).toBe(Math.round(255 * Math.pow(0.18, 1 / 2.2)));
    expect(px(img, 70, 50, 100)[1]).toBe(0);
  });
});
