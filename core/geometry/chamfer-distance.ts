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
  const pass = (x: number, y: number, dx: number, dy: number) => {
    const i = y * width + x;
    const relax = (nx: number, ny: number, cost: number) => {
      if (nx >= 0 && ny >= 0 && nx < width && ny < height) d[i] = Math.min(d[i]!, d[ny * width + nx]! + cost);
    };
    relax(x - dx, y, 1);
    relax(x, y - dy, 1);
    relax(x - dx, y - dy, 1.4);
    relax(x + dx, y - dy, 1.4);
  };
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pass(x, y, 1, 1);
  for (let y = height - 1; y >= 0; y--) for (let x = width - 1; x >= 0; x--) pass(x, y, -1, -1);
  return d;
}
