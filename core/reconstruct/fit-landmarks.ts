import { pickContour } from './contour-pick';
import { createProjection, projectPoints, type PhotoState } from './fit-linearize';
import type { FitPoints } from './fit-points';
import { rotationMatrix, type PhotoFit } from '../geometry/ortho-camera';

/**
 * The 68 landmarks of a fitted photo projected into it (x, y pairs), as the fitter sees them (the
 * jaw contour where it follows the silhouette; with the photo's `observed` landmarks, the turned-away
 * side's contour points are the silhouette points the fit matched to them, see `pickContour`; unless
 * `contour` is false: a profile's fixed points).
 *
 * ```ts
 * const nme = normalizedLandmarkError(fitLandmarks(points, fit.shape, fit.photos[0]), observed);
 * ```
 */
export function fitLandmarks(pts: FitPoints, shape: ArrayLike<number>, photo: PhotoFit, observed?: ArrayLike<number> | null, contour = true): Float64Array {
  const proj = createProjection(pts, false);
  const beta = Float64Array.from({ length: pts.shapeCount }, (_, k) => shape[k] ?? 0);
  const st: PhotoState = { R: rotationMatrix(photo.rotation), jaw: rotationMatrix(photo.jaw), scale: photo.camera.scale, tx: photo.camera.tx, ty: photo.camera.ty, expression: Float64Array.from({ length: pts.expressionCount }, (_, k) => photo.expression[k] ?? 0) };
  const picks = Int32Array.from({ length: 17 }, (_, l) => l);
  if (contour) pickContour(pts, beta, st, proj, picks, undefined, observed);
  projectPoints(pts, beta, st, 68, false, proj);
  projectPoints(pts, beta, st, 0, false, proj, picks);
  const out = proj.pred.slice(0, 136);
  for (let l = 0; l < 17; l++) (out[l * 2] = proj.pred[picks[l]! * 2]!), (out[l * 2 + 1] = proj.pred[picks[l]! * 2 + 1]!);
  return out;
}
