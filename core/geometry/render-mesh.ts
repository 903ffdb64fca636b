import { rasterizeTriangles } from './rasterize-triangles';

export interface RenderMeshOptions {
  width: number;
  height: number;
  /** Turn of the model about +Y (degrees); positive turns the face toward the viewer's right (the subject's left). */
  yawDeg: number;
  pitchDeg: number;
  /** Fraction of the image left empty around the model. */
  margin: number;
  background: readonly [number, number, number];
  /** Colour where no per-vertex colour is given (linear 0…1). */
  color: readonly [number, number, number];
  /**
   * Fixed image mapping (pixels = scale·x + offsetX, offsetY − scale·y after yaw/pitch) instead of
   * fitting the model into the image: a fitted orthographic camera (overlays on photos).
   */
  view: { scale: number; offsetX: number; offsetY: number } | null;
  /** Leave the background at alpha 0, so the image can be blended over a photo. */
  transparent: boolean;
}

export const RENDER_MESH_DEFAULTS: RenderMeshOptions = { width: 512, height: 512, yawDeg: 0, pitchDeg: 0, margin: 0.08, background: [38, 40, 46], color: [0.86, 0.72, 0.62], view: null, transparent: false };

export interface RenderMeshInput {
  vertices: Float32Array;
  normals: Float32Array;
  triangles: Uint32Array;
  /** V×3 colours 0…1; `color` otherwise. */
  vertexColors?: Float32Array;
  /** 1 for triangles to draw; all when absent. */
  triangleMask?: Uint8Array;
}

/**
 * Software renderer for previews: orthographic view along −Z after yaw/pitch, fitted to the drawn
 * triangles (or a fixed `view`), z-buffered by `rasterizeTriangles`, Lambert shading per vertex
 * (Gouraud); returns RGBA bytes (row-major, top row first).
 *
 * ```ts
 * const rgba = renderMesh({ vertices, normals, triangles: model.triangles }, { width: 512, height: 512, yawDeg: 30 });
 * ```
 */
export function renderMesh(input: RenderMeshInput, options: Partial<RenderMeshOptions> = {}): Uint8Array {
  const o = { ...RENDER_MESH_DEFAULTS, ...options };
  const { vertices, normals, triangles, vertexColors, triangleMask } = input;
  const W = o.width, H = o.height;
  if (!(W > 0 && H > 0 && W <= 8192 && H <= 8192)) throw new Error('image size must be 1…8192 pixels');
  const V = vertices.length / 3;
  const yaw = (o.yawDeg * Math.PI) / 180, pitch = (o.pitchDeg * Math.PI) / 180;
  const cy = Math.cos(yaw), sy = Math.sin(yaw), cp = Math.cos(pitch), sp = Math.sin(pitch);
  // R = Rx(pitch)·Ry(yaw)
  const R = [cy, 0, sy, sp * sy, cp, -sp * cy, -cp * sy, sp, cp * cy];
  const used = new Uint8Array(V);
  for (let t = 0; t < triangles.length / 3; t++) if (!triangleMask || triangleMask[t]) for (let k = 0; k < 3; k++) used[triangles[t * 3 + k]!] = 1;
  const points = new Float64Array(V * 2), pz = new Float32Array(V), shade = new Float32Array(V * 3);
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  const lx = -0.35, ly = 0.45, lz = 0.82; // light from upper left, toward the model (unit length)
  for (let v = 0; v < V; v++) {
    const x = vertices[v * 3]!, y = vertices[v * 3 + 1]!, z = vertices[v * 3 + 2]!;
    const rx = R[0]! * x + R[1]! * y + R[2]! * z, ry = R[3]! * x + R[4]! * y + R[5]! * z;
    points[v * 2] = rx;
    points[v * 2 + 1] = ry;
    pz[v] = R[6]! * x + R[7]! * y + R[8]! * z;
    if (used[v]) (minX = Math.min(minX, rx)), (maxX = Math.max(maxX, rx)), (minY = Math.min(minY, ry)), (maxY = Math.max(maxY, ry));
    const nx = normals[v * 3]!, ny = normals[v * 3 + 1]!, nz = normals[v * 3 + 2]!;
    const rnx = R[0]! * nx + R[1]! * ny + R[2]! * nz, rny = R[3]! * nx + R[4]! * ny + R[5]! * nz, rnz = R[6]! * nx + R[7]! * ny + R[8]! * nz;
    const lambert = 0.18 + 0.82 * Math.max(0, rnx * lx + rny * ly + rnz * lz);
    for (let c = 0; c < 3; c++) shade[v * 3 + c] = lambert * (vertexColors ? vertexColors[v * 3 + c]! : o.color[c]!);
  }
  const rgba = new Uint8Array(W * H * 4);
  rgba.set([o.background[0], o.background[1], o.background[2], o.transparent ? 0 : 255]);
  for (let filled = 4; filled < rgba.length; filled *= 2) rgba.copyWithin(filled, 0, Math.min(filled, rgba.length - filled));
  if (!(maxX > minX)) return rgba;
  const scale = o.view ? o.view.scale : Math.min(W / (maxX - minX), H / (maxY - minY)) * (1 - 2 * o.margin);
  const ox = o.view ? o.view.offsetX : W / 2 - ((minX + maxX) / 2) * scale, oy = o.view ? o.view.offsetY : H / 2 + ((minY + maxY) / 2) * scale;
  for (let v = 0; v < V; v++) {
    points[v * 2] = points[v * 2]! * scale + ox;
    points[v * 2 + 1] = oy - points[v * 2 + 1]! * scale;
  }
  const raster = rasterizeTriangles(points, pz, triangles, { width: W, height: H, step: 1, originX: 0, originY: 0 }, { triangleMask: triangleMask ?? null });
  for (let p = 0; p < W * H; p++) {
    const t = raster.triangle[p]!;
    if (t < 0) continue;
    const wb = raster.bary[p * 2]!, wc = raster.bary[p * 2 + 1]!, wa = 1 - wb - wc;
    const a = triangles[t * 3]! * 3, b = triangles[t * 3 + 1]! * 3, c = triangles[t * 3 + 2]! * 3;
    for (let k = 0; k < 3; k++) {
      const s = wa * shade[a + k]! + wb * shade[b + k]! + wc * shade[c + k]!;
      // linear → sRGB-ish gamma so the shading reads naturally
      rgba[p * 4 + k] = Math.min(255, Math.round(255 * Math.pow(Math.max(0, s), 1 / 2.2)));
    }
    rgba[p * 4 + 3] = 255;
  }
  return rgba;
}
