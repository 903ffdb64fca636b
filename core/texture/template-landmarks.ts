import type { HeadModel } from '../head-model/head-model';

/**
 * Template position of 68-point landmark `i` (its triangle's corners weighted by its barycentrics):
 * where a region of the head (the ears, the neck) is found from the face's landmarks.
 *
 * ```ts
 * const chin = templateLandmark(model, 8);
 * ```
 */
export function templateLandmark(model: HeadModel, i: number): [number, number, number] {
  const P = model.template, tri = model.triangles, L = model.landmarks;
  const out: [number, number, number] = [0, 0, 0];
  for (let k = 0; k < 3; k++) {
    const w = L.barycentric[i * 3 + k]!, v = tri[L.faces[i]! * 3 + k]! * 3;
    for (let c = 0; c < 3; c++) out[c] += w * P[v + c]!;
  }
  return out;
}

/**
 * Distance between the template's outer eye corners (landmarks 36 and 45): the head's scale, so
 * regions are sized alike on a pack in metres and a test head of any size.
 *
 * ```ts
 * const ring = 0.25 * templateEyeSpan(model); // ≈ 2.3 cm on an adult head
 * ```
 */
export function templateEyeSpan(model: HeadModel): number {
  const a = templateLandmark(model, 36), b = templateLandmark(model, 45);
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}
