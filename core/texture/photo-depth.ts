import type { OrthoCamera } from '../geometry/ortho-camera';

/** Depth (camera-space z, larger is nearer) of the posed head per photo pixel, at a reduced size. */
export interface PhotoDepth {
  width: number;
  height: number;
  /** Photo pixels per depth-buffer pixel. */
  step: number;
  depth: Float32Array;
}

/**
 * Rasterises the posed mesh's depth as the photo's orthographic camera sees it (u = s·x + tx,
 * v = −s·y + ty), keeping the nearest surface per pixel, so texture baking can tell visible points
 * from hidden ones.
 *
 * ```ts
 * const depth = photoDepth(vertices, triangles, fit.camera, photo.width, photo.height);
 * ```
 */
export function photoDepth(vertices: ArrayLike<number>, triangles: ArrayLike<number>, camera: OrthoCamera, width: number, height: number, maxSide = 512): PhotoDepth {
  const step = Math.max(1, Math.max(width, height) / maxSide);
  const W = Math.ceil(width / step), H = Math.ceil(height / step);
  const depth = new Float32Array(W * H).fill(-Infinity);
  const px = (i: number) => (camera.scale * vertices[i * 3]! + camera.tx) / step;
  const py = (i: number) => (-camera.scale * vertices[i * 3 + 1]! + camera.ty) / step;
  for (let t = 0; t < triangles.length; t += 3) {
    const a = triangles[t]!, b = triangles[t + 1]!, c = triangles[t + 2]!;
    const [ax, ay, bx, by, cx, cy] = [px(a), py(a), px(b), py(b), px(c), py(c)];
    const area = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
    if (Math.abs(area) < 1e-12) continue;
    const x0 = Math.max(0, Math.floor(Math.min(ax, bx, cx))), x1 = Math.min(W - 1, Math.ceil(Math.max(ax, bx, cx)));
    const y0 = Math.max(0, Math.floor(Math.min(ay, by, cy))), y1 = Math.min(H - 1, Math.ceil(Math.max(ay, by, cy)));
    const za = vertices[a * 3 + 2]!, zb = vertices[b * 3 + 2]!, zc = vertices[c * 3 + 2]!;
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const sx = x + 0.5, sy = y + 0.5;
        const w1 = ((cx - bx) * (sy - by) - (cy - by) * (sx - bx)) / area;
        const w2 = ((ax - cx) * (sy - cy) - (ay - cy) * (sx - cx)) / area;
        const w3 = 1 - w1 - w2;
        if (w1 < 0 || w2 < 0 || w3 < 0) continue;
        const z = w1 * za + w2 * zb + w3 * zc;
        const i = y * W + x;
        if (z > depth[i]!) depth[i] = z;
      }
    }
  }
  return { width: W, height: H, step, depth };
}

/** The depth buffer's value at a photo position (nearest pixel); −∞ where no surface is. */
export function depthAt(d: PhotoDepth, u: number, v: number): number {
  const x = Math.floor(u / d.step), y = Math.floor(v / d.step);
  if (x < 0 || y < 0 || x >= d.width || y >= d.height) return -Infinity;
  return d.depth[y * d.width + x]!;
}
