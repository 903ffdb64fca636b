import type { OrthoCamera } from '../geometry/ortho-camera';
import { renderHeadPreview } from '../geometry/render-head-preview';
import type { HeadModel } from '../head-model/head-model';

export interface OverlayOptions {
  /** Opacity of the rendered head over the photo. */
  opacity: number;
  /** Half size of a landmark marker in pixels (0: none); scaled to the photo by default. */
  markerRadius: number | 'auto';
  photoMarker: readonly [number, number, number];
  modelMarker: readonly [number, number, number];
}

export const OVERLAY_DEFAULTS: OverlayOptions = { opacity: 0.55, markerRadius: 'auto', photoMarker: [40, 230, 60], modelMarker: [240, 40, 40] };

/**
 * The fitted head rendered with the photo's camera and blended over it, with the photo's landmarks
 * (green) and the model's projected landmarks (red). Returns RGBA of the photo's size.
 *
 * ```ts
 * const rgba = renderFitOverlay(model, out.vertices, out.normals, camera, photo, { photo: observed68, model: projected68 });
 * ```
 */
export function renderFitOverlay(
  model: HeadModel,
  vertices: Float32Array,
  normals: Float32Array,
  camera: OrthoCamera,
  photo: { width: number; height: number; data: Uint8Array },
  landmarks: { photo?: ArrayLike<number>; model?: ArrayLike<number> },
  options: Partial<OverlayOptions> = {},
): Uint8Array {
  const o = { ...OVERLAY_DEFAULTS, ...options };
  const { width: W, height: H } = photo;
  const head = renderHeadPreview(model, vertices, normals, { width: W, height: H, yawDeg: 0, pitchDeg: 0, view: { scale: camera.scale, offsetX: camera.tx, offsetY: camera.ty }, transparent: true });
  const out = new Uint8Array(W * H * 4);
  for (let i = 0; i < W * H; i++) {
    const a = head[i * 4 + 3]! ? o.opacity : 0;
    for (let c = 0; c < 3; c++) out[i * 4 + c] = Math.round((1 - a) * photo.data[i * 3 + c]! + a * head[i * 4 + c]!);
    out[i * 4 + 3] = 255;
  }
  const r = o.markerRadius === 'auto' ? Math.max(1, Math.round(Math.max(W, H) / 400)) : o.markerRadius;
  const mark = (pts: ArrayLike<number> | undefined, color: readonly [number, number, number]) => {
    if (!pts || r <= 0) return;
    for (let l = 0; l < pts.length / 2; l++) {
      const x = Math.round(pts[l * 2]!), y = Math.round(pts[l * 2 + 1]!);
      for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) {
        const px = x + dx, py = y + dy;
        if (px < 0 || py < 0 || px >= W || py >= H) continue;
        out.set(color, (py * W + px) * 4);
      }
    }
  };
  mark(landmarks.photo, o.photoMarker);
  mark(landmarks.model, o.modelMarker);
  return out;
}
