import type { HeadModel } from '../head-model/head-model';
import { drawnTriangles } from './opaque-triangles';
import { renderMesh, type RenderMeshOptions } from './render-mesh';

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
export function renderHeadPreview(model: HeadModel, vertices: Float32Array, normals: Float32Array, options: Partial<RenderMeshOptions> = {}): Uint8Array {
  const V = model.vertexCount;
  const colors = new Float32Array(V * 3);
  const skin = options.color ?? [0.86, 0.72, 0.62];
  for (let v = 0; v < V; v++) colors.set(skin, v * 3);
  for (const [region, color] of Object.entries(REGION_COLORS)) for (const v of model.regions[region] ?? []) colors.set(color, v * 3);
  return renderMesh({ vertices, normals, triangles: model.triangles, vertexColors: colors, triangleMask: drawnTriangles(model) }, options);
}
