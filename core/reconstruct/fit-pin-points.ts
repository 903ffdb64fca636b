import type { HeadModel } from '../head-model/head-model';
import type { PhotoObservation } from './fit-photos';
import { buildFitGram } from './fit-gram';
import { restrictToCorners, type FitPoints, type PointCorners } from './fit-points';
import { isSurfacePin, type Pin } from './photo-pins';

/** A photo's pins as the fitter takes them (see {@link pinnedFitInputs}). */
export interface FitPins {
  /** 68 flags: 1 where the artist placed the landmark (its pixel is in the observation's landmarks). */
  landmarks: Uint8Array;
  /** Fit points held at pixels: their indices into the fit points, and x, y pairs. */
  points: Int32Array;
  xy: Float64Array;
}

/**
 * Joins pins to a fit's inputs: landmark pins replace the detected landmarks (and are flagged, so
 * the fitter weighs them as pins: strongly, without the robust loss), and each surface pin's point
 * (triangle + barycentric of the model's mesh) is appended to the fit points, restricted to the
 * model's bases like a landmark. Photos without pins keep their observation, and with no pins at
 * all the inputs come back as they are (an unpinned fit is untouched).
 *
 * ```ts
 * const pinned = pinnedFitInputs(model, points, observations, [[{ landmark: 8, x: 412, y: 610 }], null]);
 * const fit = fitPhotos(pinned.points, pinned.observations, { fixedShape: shape });
 * ```
 */
export function pinnedFitInputs(model: HeadModel, pts: FitPoints, observations: readonly PhotoObservation[], pins: readonly (readonly Pin[] | null)[]): { points: FitPoints; observations: PhotoObservation[] } {
  if (pins.length !== observations.length) throw new Error(`pinnedFitInputs: ${pins.length} pin lists for ${observations.length} photos`);
  if (pins.every((p) => !p || p.length === 0)) return { points: pts, observations: [...observations] };
  const F = model.triangles.length / 3, tri = model.triangles;
  const corners: PointCorners[] = [];
  const out = observations.map((ob, i): PhotoObservation => {
    const list = pins[i];
    if (!list || list.length === 0) return ob;
    const landmarks = Float64Array.from(ob.landmarks), flags = new Uint8Array(68);
    const points: number[] = [], xy: number[] = [];
    for (const p of list) {
      if (isSurfacePin(p)) {
        if (p.triangle >= F) throw new Error(`pin on triangle ${p.triangle}: the head model has ${F} triangles`);
        const f = p.triangle * 3;
        points.push(pts.count + corners.length);
        corners.push({ v: [tri[f]!, tri[f + 1]!, tri[f + 2]!], w: [...p.barycentric] });
        xy.push(p.x, p.y);
      } else {
        landmarks[p.landmark * 2] = p.x;
        landmarks[p.landmark * 2 + 1] = p.y;
        flags[p.landmark] = 1;
      }
    }
    return { ...ob, landmarks, pins: { landmarks: flags, points: Int32Array.from(points), xy: Float64Array.from(xy) } };
  });
  return { points: corners.length ? appendFitPoints(model, pts, corners) : pts, observations: out };
}

/**
 * The fit points with more points at the end (the Gram tables, which cover only the fixed sets, are
 * shared): surface pins (`asPins`: they become the pin range), or other points (a profile's contour
 * candidates, profile-contour.ts) that leave the pin range as it is.
 *
 * ```ts
 * const more = appendFitPoints(model, points, [{ v: [12, 12, 12], w: [1, 0, 0] }], false);
 * ```
 */
export function appendFitPoints(model: HeadModel, pts: FitPoints, corners: readonly PointCorners[], asPins = true): FitPoints {
  const Kb = pts.shapeCount, Ke = pts.expressionCount;
  const add = restrictToCorners(model, corners, Kb, Ke);
  const cat = (a: Float64Array, b: Float64Array) => {
    const c = new Float64Array(a.length + b.length);
    c.set(a);
    c.set(b, a.length);
    return c;
  };
  return {
    ...pts,
    count: pts.count + corners.length,
    pinStart: asPins ? pts.count : pts.pinStart,
    pinCount: asPins ? corners.length : pts.pinCount,
    rest: cat(pts.rest, add.rest),
    shape: cat(pts.shape, add.shape),
    expression: cat(pts.expression, add.expression),
    jawWeight: cat(pts.jawWeight, add.jawWeight),
    restW: cat(pts.restW, add.restW),
    shapeW: cat(pts.shapeW, add.shapeW),
    expressionW: cat(pts.expressionW, add.expressionW),
    gram: pts.gram ?? buildFitGram(pts),
  };
}
