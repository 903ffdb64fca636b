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
  const W = width, H = height;
  const d = new Float32Array(W * H);
  for (let i = 0; i < W * H; i++) d[i] = from[i] ? 0 : 1e9;
  // Each candidate is rounded to float32 before it is compared, as the stored grid rounds it: the
  // minimum of rounded candidates is the rounded minimum (rounding is monotonic), so the result is
  // the same value for value as relaxing in place with min-then-round (a bake runs this once per view).
  const f32 = Math.fround;
  for (let y = 0; y < H; y++) {
    const r = y * W;
    if (y === 0) {
      for (let i = 1; i < W; i++) {
        const c = f32(d[i - 1]! + 1);
        if (c < d[i]!) d[i] = c;
      }
      continue;
    }
    for (let x = 0; x < W; x++) {
      const i = r + x;
      let v = d[i]!, c = f32(d[i - W]! + 1);
      if (c < v) v = c;
      if (x > 0) {
        c = f32(d[i - 1]! + 1);
        if (c < v) v = c;
        c = f32(d[i - W - 1]! + 1.4);
        if (c < v) v = c;
      }
      if (x + 1 < W) {
        c = f32(d[i - W + 1]! + 1.4);
        if (c < v) v = c;
      }
      d[i] = v;
    }
  }
  for (let y = H - 1; y >= 0; y--) {
    const r = y * W;
    if (y === H - 1) {
      for (let i = r + W - 2; i >= r; i--) {
        const c = f32(d[i + 1]! + 1);
        if (c < d[i]!) d[i] = c;
      }
      continue;
    }
    for (let x = W - 1; x >= 0; x--) {
      const i = r + x;
      let v = d[i]!, c = f32(d[i + W]! + 1);
      if (c < v) v = c;
      if (x + 1 < W) {
        c = f32(d[i + 1]! + 1);
        if (c < v) v = c;
        c = f32(d[i + W + 1]! + 1.4);
        if (c < v) v = c;
      }
      if (x > 0) {
        c = f32(d[i + W - 1]! + 1.4);
        if (c < v) v = c;
      }
      d[i] = v;
    }
  }
  return d;
}
