import { opaqueTriangles } from '../geometry/opaque-triangles';
import { depthAt, photoDepth } from '../geometry/photo-depth';
import { sampleRgb } from '../geometry/sample-rgb';
import { foldShLight, shadeRgb } from '../geometry/sh-basis';
import type { HeadModel } from '../head-model/head-model';
import type { TextureView } from './bake-photo-texture';

export interface VertexAlbedoOptions {
  /** Surfaces seen more obliquely than this (normal·view) are left to other photos. */
  minFacing: number;
  /** Depth tolerance for visibility, in model units (metres). */
  depthTolerance: number;
}

export const VERTEX_ALBEDO_DEFAULTS: VertexAlbedoOptions = { minFacing: 0.25, depthTolerance: 0.004 };

/**
 * Per-vertex albedo (0…1, V×3) for the vertices flagged in `wanted`, from the photos where each is
 * visible and faces the camera, divided by the view's shading and averaged with weight facing² —
 * for parts that have no UV space of their own (ICT-FaceKit's eyeballs and teeth share the skin's
 * UV square). Vertices no photo saw take the mean of those seen. `seen` counts the contributing photos.
 *
 * ```ts
 * const { albedo } = bakeVertexAlbedo(model, views, wanted);
 * ```
 */
export function bakeVertexAlbedo(model: HeadModel, views: readonly TextureView[], wanted: Uint8Array, options: Partial<VertexAlbedoOptions> = {}): { albedo: Float32Array; seen: Uint8Array } {
  const o = { ...VERTEX_ALBEDO_DEFAULTS, ...options };
  const V = model.template.length / 3;
  const sum = new Float64Array(V * 3), weight = new Float64Array(V);
  const seen = new Uint8Array(V);
  const rgb = new Float64Array(3), shade = new Float64Array(3);
  const opaque = views.some((v) => !v.depth) ? opaqueTriangles(model.triangles, model.regions.overlays) : null;
  for (const view of views) {
    const depth = view.depth ?? photoDepth(view.vertices, model.triangles, view.camera, view.photo.width, view.photo.height, { triangleMask: opaque });
    const f = view.light ? foldShLight(view.light) : null;
    for (let v = 0; v < V; v++) {
      if (!wanted[v]) continue;
      const nx = view.normals[v * 3]!, ny = view.normals[v * 3 + 1]!, nz = view.normals[v * 3 + 2]!;
      const len = Math.hypot(nx, ny, nz) || 1;
      if (nz / len < o.minFacing) continue;
      const u = view.camera.scale * view.vertices[v * 3]! + view.camera.tx, w = -view.camera.scale * view.vertices[v * 3 + 1]! + view.camera.ty;
      if (u < 0 || w < 0 || u >= view.photo.width - 1 || w >= view.photo.height - 1) continue;
      if (view.vertices[v * 3 + 2]! < depthAt(depth, u, w) - o.depthTolerance) continue;
      sampleRgb(view.photo, u, w, rgb);
      const wt = (nz / len) ** 2;
      if (f) shadeRgb(f, nx / len, ny / len, nz / len, shade);
      else shade.fill(1);
      for (let c = 0; c < 3; c++) {
        sum[v * 3 + c] += (Math.min(255, rgb[c]! / Math.max(shade[c]!, 0.15)) / 255) * wt;
      }
      weight[v] += wt;
      seen[v] = Math.min(255, seen[v]! + 1);
    }
  }
  const albedo = new Float32Array(V * 3);
  const mean = [0, 0, 0];
  let n = 0;
  for (let v = 0; v < V; v++) {
    if (!(weight[v]! > 0)) continue;
    for (let c = 0; c < 3; c++) (albedo[v * 3 + c] = sum[v * 3 + c]! / weight[v]!), (mean[c] += albedo[v * 3 + c]!);
    n++;
  }
  for (let v = 0; v < V; v++) if (wanted[v] && !(weight[v]! > 0)) for (let c = 0; c < 3; c++) albedo[v * 3 + c] = n ? mean[c]! / n : 0.5;
  return { albedo, seen };
}
