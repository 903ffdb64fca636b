/**
 * Per pixel of a width × height grid: the distance (pixels, two-pass chamfer with steps 1 and 1.4)
 * to the nearest pixel `from` marks; 1e9 where none is. Within a few percent of the Euclidean
 * distance, in two sweeps over the grid: texture baking measures how far texels are from a view's
 * occlusion edges with it, and detail normals how far from a chart's border.
 *
 * ```ts
 * const d = chamferDistance(edge, raster.width, raster.height); // d[y * width + x] in pixels
 * ```
 */
export function chamferDistance(from: Uint8Array, width: number, height: number): Float32Array {
  const d = Float32Array.from(from, (f) => (f ? 0 : 1e9));
  const W = width, H = height;
  // Inlined neighbour steps (no per-pixel closures: a bake runs this once per view on photo-sized
  // grids). Each relaxation rounds to float32 as the stored grid does, so the result is the same
  // value for value as relaxing in place.
  const f32 = Math.fround;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      let v = d[i]!;
      if (x > 0) v = f32(Math.min(v, d[i - 1]! + 1));
      if (y > 0) {
        v = f32(Math.min(v, d[i - W]! + 1));
        if (x > 0) v = f32(Math.min(v, d[i - W - 1]! + 1.4));
        if (x + 1 < W) v = f32(Math.min(v, d[i - W + 1]! + 1.4));
      }
      d[i] = v;
    }
  }
  for (let y = H - 1; y >= 0; y--) {
    for (let x = W - 1; x >= 0; x--) {
      const i = y * W + x;
      let v = d[i]!;
      if (x + 1 < W) v = f32(Math.min(v, d[i + 1]! + 1));
      if (y + 1 < H) {
        v = f32(Math.min(v, d[i + W]! + 1));
        if (x + 1 < W) v = f32(Math.min(v, d[i + W + 1]! + 1.4));
        if (x > 0) v = f32(Math.min(v, d[i + W - 1]! + 1.4));
      }
      d[i] = v;
    }
  }
  return d;
}
