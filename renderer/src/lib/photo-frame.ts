import type { PhotoHeadView } from '../../../core/api/contract';
import { rotationMatrix } from '../../../core/geometry/ortho-camera';

/** A part of the upright photo in its pixels: x, y of the top-left corner, width, height. */
export type PhotoCrop = readonly [number, number, number, number];

/** What a 3D view needs to show a head as its photo's camera saw it. */
export interface PhotoFrame {
  /** The head's turn as a 4×4 world matrix in Babylon's row-vector order (v' = v·M, so M = Rᵀ). */
  world: number[];
  /** Orthographic bounds (metres) of a camera on +Z looking down −Z, +X right and +Y up. */
  left: number;
  right: number;
  bottom: number;
  top: number;
}

/**
 * The orthographic view that lines a forward-facing head up with a crop of its photo: the fit's
 * camera maps x to u = s·x + tx and y to v = −s·y + ty, so the crop's pixel edges are metres
 * (u − tx)/s across and (ty − v)/s up. A canvas of another shape than the crop (`aspect` = width ÷
 * height) keeps the crop whole and centred, widening the other axis, as `preserveAspectRatio="xMidYMid
 * meet"` does for the photo beside it.
 *
 * ```ts
 * const f = photoFrame(mesh.photoView!, [x0, y0, side, side], canvas.width / canvas.height);
 * camera.orthoLeft = f.left; … head.setPreTransformMatrix(Matrix.FromArray(f.world));
 * ```
 */
export function photoFrame(view: PhotoHeadView, crop: PhotoCrop, aspect = 1): PhotoFrame {
  const { scale: s, tx, ty } = view.camera;
  if (!(s > 0)) throw new Error(`photoFrame: the fit's camera scale must be positive (got ${s})`);
  let [x0, y0, w, h] = crop;
  // Widen the crop to the canvas's shape about its centre.
  if (w / h < aspect) (x0 -= (h * aspect - w) / 2), (w = h * aspect);
  else if (w / h > aspect) (y0 -= (w / aspect - h) / 2), (h = w / aspect);
  const R = rotationMatrix(view.rotation);
  const world = [R[0]!, R[3]!, R[6]!, 0, R[1]!, R[4]!, R[7]!, 0, R[2]!, R[5]!, R[8]!, 0, 0, 0, 0, 1];
  return { world, left: (x0 - tx) / s, right: (x0 + w - tx) / s, top: (ty - y0) / s, bottom: (ty - y0 - h) / s };
}
