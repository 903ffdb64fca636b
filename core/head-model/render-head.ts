import type { HeadModel } from './head-model';
import { rasterizeMesh, type RasterOptions } from './rasterize';

/** Region colours for previews (linear RGB); skin elsewhere. */
const REGION_COLORS: Record<string, readonly [number, number, number]> = {
  eyes: [0.85, 0.85, 0.82],
  mouthInterior: [0.55, 0.25, 0.25],
};

/**
 * Preview image of an evaluated head: region colours, see-through `overlays` left out.
 *
 * ```ts
 * const out = new HeadModelEvaluator(model).evaluate({ expression });
 * const rgba = renderHeadPreview(model, out.vertices, out.normals, { yawDeg: 30 });
 * ```
 */
export function renderHeadPreview(model: HeadModel, vertices: Float32Array, normals: Float32Array, options: Partial<RasterOptions> = {}): Uint8Array {
  const V = model.vertexCount;
  const colors = new Float32Array(V * 3);
  const skin = options.color ?? [0.86, 0.72, 0.62];
  for (let v = 0; v < V; v++) colors.set(skin, v * 3);
  for (const [region, color] of Object.entries(REGION_COLORS)) for (const v of model.regions[region] ?? []) colors.set(color, v * 3);
  const hidden = new Uint8Array(V);
  for (const v of model.regions.overlays ?? []) hidden[v] = 1;
  const F = model.triangles.length / 3;
  const mask = new Uint8Array(F);
  for (let f = 0; f < F; f++) mask[f] = hidden[model.triangles[f * 3]!] || hidden[model.triangles[f * 3 + 1]!] || hidden[model.triangles[f * 3 + 2]!] ? 0 : 1;
  return rasterizeMesh({ vertices, normals, triangles: model.triangles, vertexColors: colors, triangleMask: mask }, options);
}
