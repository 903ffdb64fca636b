export interface RasterOptions {
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

export const RASTER_DEFAULTS: RasterOptions = { width: 512, height: 512, yawDeg: 0, pitchDeg: 0, margin: 0.08, background: [38, 40, 46], color: [0.86, 0.72, 0.62], view: null, transparent: false };

export interface RasterInput {
  vertices: Float32Array;
  normals: Float32Array;
  triangles: Uint32Array;
  /** V×3 colours 0…1; `color` otherwise. */
  vertexColors?: Float32Array;
  /** 1 for triangles to draw; all when absent. */
  triangleMask?: Uint8Array;
}

/**
 * Software rasteriser: orthographic view along −Z after yaw/pitch, fitted to the drawn triangles,
 * z-buffer, Lambert shading per vertex (Gouraud), returns RGBA bytes (row-major, top row first).
 *
 * ```ts
 * const rgba = rasterizeMesh({ vertices, normals, triangles: model.triangles }, { width: 512, height: 512, yawDeg: 30 });
 * ```
 */
export function rasterizeMesh(input: RasterInput, options: Partial<RasterOptions> = {}): Uint8Array {
  const o = { ...RASTER_DEFAULTS, ...options };
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
  const px = new Float32Array(V), py = new Float32Array(V), pz = new Float32Array(V), shade = new Float32Array(V * 3);
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  const lx = -0.35, ly = 0.45, lz = 0.82; // light from upper left, toward the model (unit length)
  for (let v = 0; v < V; v++) {
    const x = vertices[v * 3]!, y = vertices[v * 3 + 1]!, z = vertices[v * 3 + 2]!;
    px[v] = R[0]! * x + R[1]! * y + R[2]! * z;
    py[v] = R[3]! * x + R[4]! * y + R[5]! * z;
    pz[v] = R[6]! * x + R[7]! * y + R[8]! * z;
    if (used[v]) {
      minX = Math.min(minX, px[v]!); maxX = Math.max(maxX, px[v]!);
      minY = Math.min(minY, py[v]!); maxY = Math.max(maxY, py[v]!);
    }
    const nx = normals[v * 3]!, ny = normals[v * 3 + 1]!, nz = normals[v * 3 + 2]!;
    const rnx = R[0]! * nx + R[1]! * ny + R[2]! * nz, rny = R[3]! * nx + R[4]! * ny + R[5]! * nz, rnz = R[6]! * nx + R[7]! * ny + R[8]! * nz;
    const lambert = 0.18 + 0.82 * Math.max(0, rnx * lx + rny * ly + rnz * lz);
    for (let c = 0; c < 3; c++) shade[v * 3 + c] = lambert * (vertexColors ? vertexColors[v * 3 + c]! : o.color[c]!);
  }
  const rgba = new Uint8Array(W * H * 4);
  for (let i = 0; i < W * H; i++) rgba.set([o.background[0], o.background[1], o.background[2], o.transparent ? 0 : 255], i * 4);
  if (!(maxX > minX)) return rgba;
  const scale = o.view ? o.view.scale : Math.min(W / (maxX - minX), H / (maxY - minY)) * (1 - 2 * o.margin);
  const ox = o.view ? o.view.offsetX : W / 2 - ((minX + maxX) / 2) * scale, oy = o.view ? o.view.offsetY : H / 2 + ((minY + maxY) / 2) * scale;
  for (let v = 0; v < V; v++) {
    px[v] = px[v]! * scale + ox;
    py[v] = oy - py[v]! * scale;
  }
  const depth = new Float32Array(W * H).fill(-Infinity);
  for (let t = 0; t < triangles.length / 3; t++) {
    if (triangleMask && !triangleMask[t]) continue;
    const a = triangles[t * 3]!, b = triangles[t * 3 + 1]!, c = triangles[t * 3 + 2]!;
    const ax = px[a]!, ay = py[a]!, bx = px[b]!, by = py[b]!, cx = px[c]!, cyy = py[c]!;
    const area = (bx - ax) * (cyy - ay) - (by - ay) * (cx - ax);
    if (area === 0) continue;
    const x0 = Math.max(0, Math.floor(Math.min(ax, bx, cx))), x1 = Math.min(W - 1, Math.ceil(Math.max(ax, bx, cx)));
    const y0 = Math.max(0, Math.floor(Math.min(ay, by, cyy))), y1 = Math.min(H - 1, Math.ceil(Math.max(ay, by, cyy)));
    for (let y = y0; y <= y1; y++) {
      const sy2 = y + 0.5;
      for (let x = x0; x <= x1; x++) {
        const sx = x + 0.5;
        const w0 = ((bx - sx) * (cyy - sy2) - (by - sy2) * (cx - sx)) / area;
        const w1 = ((cx - sx) * (ay - sy2) - (cyy - sy2) * (ax - sx)) / area;
        const w2 = 1 - w0 - w1;
        if (w0 < 0 || w1 < 0 || w2 < 0) continue;
        const z = w0 * pz[a]! + w1 * pz[b]! + w2 * pz[c]!;
        const p = y * W + x;
        if (z <= depth[p]!) continue;
        depth[p] = z;
        for (let k = 0; k < 3; k++) {
          const s = w0 * shade[a * 3 + k]! + w1 * shade[b * 3 + k]! + w2 * shade[c * 3 + k]!;
          // linear → sRGB-ish gamma so the shading reads naturally
          rgba[p * 4 + k] = Math.min(255, Math.round(255 * Math.pow(Math.max(0, s), 1 / 2.2)));
        }
        rgba[p * 4 + 3] = 255;
      }
    }
  }
  return rgba;
}
