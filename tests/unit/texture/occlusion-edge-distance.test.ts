import { describe, expect, it } from 'vitest';
import type { Raster } from '../../../core/geometry/rasterize-triangles';
import { occlusionEdgeDistance } from '../../../core/texture/occlusion-edge-distance';

/** A 20 × 20 depth buffer: background in columns 0…3, a surface at z = 0 in rows 0…9 and, 3 cm behind it, z = −0.03 in rows 10…19. */
function steppedDepth(): Raster {
  const W = 20, depth = new Float32Array(W * W);
  for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) depth[y * W + x] = x < 4 ? -Infinity : y < 10 ? 0 : y < 15 ? -0.03 - 0.002 * (y - 10) : -0.04;
  return { width: W, height: W, step: 1, originX: 0, originY: 0, triangle: new Int32Array(W * W), bary: new Float32Array(W * W * 2), depth };
}

describe('occlusion edges of a depth buffer', () => {
  it('measures the distance to the silhouette and to depth steps, not to a steep but continuous surface', () => {
    const d = occlusionEdgeDistance(steppedDepth());
    const at = (x: number, y: number) => d[y * 20 + x]!;
    // Both sides of the step between rows 9 and 10 are edges, and the surface's first column at the background.
    expect(at(12, 9)).toBe(0);
    expect(at(12, 10)).toBe(0);
    expect(at(4, 3)).toBe(0);
    // Rows 10…14 fall 2 mm a pixel (steep, continuous) then 2 mm to −0.04: no edge inside them.
    expect(at(12, 13)).toBeCloseTo(3, 5);
    expect(at(12, 16)).toBeCloseTo(6, 5);
    expect(at(16, 3)).toBeCloseTo(6, 5);
    // The background itself is no edge: its distances count to the nearest surface edge pixel.
    expect(at(0, 3)).toBeCloseTo(4, 5);
  });

  it('measures the band within maxDistance of the edges value for value, and only says "that far or farther" beyond', () => {
    // A 160 × 120 buffer: a tilted ellipse (a head) with a nearer disc (a nose) on it, background round them.
    const W = 160, H = 120, depth = new Float32Array(W * H).fill(-Infinity);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const u = (x - 70) * 0.9 + (y - 60) * 0.3, v = -(x - 70) * 0.3 + (y - 60) * 0.9;
        if ((u / 40) ** 2 + (v / 30) ** 2 < 1) depth[y * W + x] = -0.001 * u;
        if ((x - 80) ** 2 + (y - 55) ** 2 < 64) depth[y * W + x] = 0.05;
      }
    }
    const raster: Raster = { width: W, height: H, step: 1, originX: 0, originY: 0, triangle: new Int32Array(W * H), bary: new Float32Array(W * H * 2), depth };
    const full = occlusionEdgeDistance(raster);
    const cap = 6.5;
    const capped = occlusionEdgeDistance(raster, { maxDistance: cap });
    let band = 0, beyond = 0;
    for (let i = 0; i < W * H; i++) {
      if (full[i]! < cap) {
        expect(capped[i]).toBe(full[i]);
        band++;
      } else {
        expect(capped[i]!).toBeGreaterThanOrEqual(cap);
        if (capped[i] === 1e9) beyond++;
      }
    }
    // The silhouette's and the nose's bands, and a background corner left unmeasured.
    expect(band).toBeGreaterThan(1500);
    expect(beyond).toBeGreaterThan(1000);
    expect(capped[0]).toBe(1e9);
    expect(full[0]).toBeGreaterThan(20);
  });

  it('needs a buffer with depth', () => {
    expect(() => occlusionEdgeDistance({ ...steppedDepth(), depth: null })).toThrow(/depth/);
  });
});
