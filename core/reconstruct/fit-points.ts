import type { HeadModel } from '../head-model/head-model';
import { buildFitGram, type FitGram } from './fit-gram';

/**
 * Surface points the fitter projects (the 68 landmarks, then the 468 MediaPipe vertices when the
 * model has region `mediapipe468`), with their bases restricted to those points.
 *
 * With the neck, head and eye joints at rest, linear blend skinning of a point reduces to
 *   y = x + (R_jaw − I)·(x_w − w·c),   x = T + B_S·β + B_E·ψ,
 * where w is the point's jaw skinning weight, x_w its jaw-weighted position and c the jaw pivot,
 * all linear in β and ψ (the pivot through the joint regressor). The global rotation then acts on
 * y about the root joint; that pivot only shifts the image, which the camera translation absorbs.
 * So the fitter's Jacobians are exact for the model it fits.
 */
export interface FitPoints {
  /** Number of points. */
  count: number;
  /** Landmark points (the model's 68) come first; dense points follow at `denseStart`. */
  landmarkCount: number;
  denseStart: number;
  denseCount: number;
  /** Surface vertices for the photometric term (`FitPointsOptions.photometric`), last. */
  photometricStart: number;
  photometricCount: number;
  /** Surface points of the photos' pins (see fit-pin-points.ts), last; none in points a model builds. */
  pinStart: number;
  pinCount: number;
  shapeCount: number;
  expressionCount: number;
  /** P×3 rest positions. */
  rest: Float64Array;
  /** (P·3)×Kβ and (P·3)×Kψ bases, row per coordinate. */
  shape: Float64Array;
  expression: Float64Array;
  /** Jaw skinning weight per point (0 for points the jaw does not move). */
  jawWeight: Float64Array;
  /** Jaw-weighted rest positions and bases (only meaningful where jawWeight ≠ 0). */
  restW: Float64Array;
  shapeW: Float64Array;
  expressionW: Float64Array;
  /** Jaw pivot: rest (3), per shape mode (3×Kβ), per expression mode (3×Kψ). */
  jawPivot: Float64Array;
  jawPivotShape: Float64Array;
  jawPivotExpression: Float64Array;
  /** True when the model has a jaw joint. */
  hasJaw: boolean;
  /**
   * Jaw-contour candidates (landmarks 0…16): FLAME's dynamic contour (`bins` × 17 points from
   * `contourStart`, chosen by yaw as DECA does), or for other models points on the surface inward
   * of each side landmark at its height (or the model's `landmarks.contourCandidates`), of which
   * the fitter takes the one on the silhouette (landmark marching) on the side turned away.
   * `candidates[i]` lists point indices; empty for landmarks that stay fixed (the chin).
   */
  contour: { kind: 'flame'; start: number; bins: number } | { kind: 'march'; candidates: Int32Array[] } | null;
  /** True when every expression mode is named (blendshapes in [0, 1], as ICT's and the starter head's). */
  namedExpressions: boolean;
  /** Gram tables of the fixed point sets (see fit-gram.ts); null when not built (the fitter then builds them). */
  gram: FitGram | null;
}

export interface FitPointsOptions {
  /** Landmark marching for models without FLAME's dynamic contour. */
  marchContour: boolean;
  /** Half height (metres) of the band a marching landmark's candidates lie in. */
  marchBand: number;
  /** Use the model's `mediapipe468` region as a dense correspondence to perception's mesh. */
  dense: boolean;
  /** Limit the shape / expression modes used (all by default). */
  shapeModes: number;
  expressionModes: number;
  /** Vertices the photometric term samples the photos at (see photometric-term.ts); none by default. */
  photometric: ArrayLike<number> | null;
  /**
   * Build the Gram tables the fitter's normal equations use (~0.15 s, 12 MB on ICT-FaceKit); false for
   * points only projected; or the tables of other fit points of the same model and modes to share
   * (they cover only the landmarks and dense points, which photometric points do not change).
   */
  gram: boolean | FitGram;
}

export const FIT_POINTS_DEFAULTS: FitPointsOptions = { marchContour: true, marchBand: 0.004, dense: true, shapeModes: Infinity, expressionModes: Infinity, photometric: null, gram: true };

/**
 * Restricts a head model to the points the fitter needs.
 *
 * ```ts
 * const points = buildFitPoints(model);
 * const fit = fitPhotos(points, [{ landmarks68 }]);
 * ```
 */
export function buildFitPoints(model: HeadModel, options: Partial<FitPointsOptions> = {}): FitPoints {
  const o = { ...FIT_POINTS_DEFAULTS, ...options };
  const Kb = Math.min(model.shape.count, o.shapeModes);
  const Ke = Math.min(model.expression.count, o.expressionModes);
  const V = model.vertexCount;
  const n = V * 3;
  const jaw = model.joints.names.indexOf('jaw');
  const tri = model.triangles;

  // Each point as a weighted sum of vertices.
  const corners: PointCorners[] = [];
  const lm = model.landmarks;
  for (let l = 0; l < lm.faces.length; l++) {
    const f = lm.faces[l]! * 3;
    corners.push({ v: [tri[f]!, tri[f + 1]!, tri[f + 2]!], w: [lm.barycentric[l * 3]!, lm.barycentric[l * 3 + 1]!, lm.barycentric[l * 3 + 2]!] });
  }
  const landmarkCount = corners.length;
  const dense = o.dense ? model.regions.mediapipe468 : undefined;
  if (dense) for (let i = 0; i < dense.length; i++) corners.push({ v: [dense[i]!], w: [1] });
  const denseCount = corners.length - landmarkCount;
  let contour: FitPoints['contour'] = null;
  const dyn = lm.dynamicContour;
  if (dyn && dyn.faces.length === dyn.bins * 17) {
    contour = { kind: 'flame', start: corners.length, bins: dyn.bins };
    for (let l = 0; l < dyn.faces.length; l++) {
      const f = dyn.faces[l]! * 3;
      corners.push({ v: [tri[f]!, tri[f + 1]!, tri[f + 2]!], w: [dyn.barycentric[l * 3]!, dyn.barycentric[l * 3 + 1]!, dyn.barycentric[l * 3 + 2]!] });
    }
  } else if (o.marchContour && landmarkCount === 68) {
    const given = lm.contourCandidates;
    contour = { kind: 'march', candidates: given ? givenCandidates(model, given, corners) : marchCandidates(model, corners, o.marchBand, corners) };
  }
  const photometricStart = corners.length;
  for (let i = 0; i < (o.photometric?.length ?? 0); i++) corners.push({ v: [o.photometric![i]!], w: [1] });
  const P = corners.length;

  const { rest, shape, expression, jawWeight, restW, shapeW, expressionW } = restrictToCorners(model, corners, Kb, Ke);

  const jawPivot = new Float64Array(3), jawPivotShape = new Float64Array(3 * Kb), jawPivotExpression = new Float64Array(3 * Ke);
  if (jaw >= 0) {
    const R = model.joints.regressor;
    for (let i = 0; i < R.value.length; i++) {
      if (R.row[i] !== jaw) continue;
      const w = R.value[i]!, vi = R.col[i]!;
      for (let d = 0; d < 3; d++) {
        jawPivot[d] += w * model.template[vi * 3 + d]!;
        for (let k = 0; k < Kb; k++) jawPivotShape[d * Kb + k] += w * model.shape.data[k * n + vi * 3 + d]!;
        for (let k = 0; k < Ke; k++) jawPivotExpression[d * Ke + k] += w * model.expression.data[k * n + vi * 3 + d]!;
      }
    }
  }
  const pts: FitPoints = {
    count: P, landmarkCount, denseStart: landmarkCount, denseCount, photometricStart, photometricCount: P - photometricStart, pinStart: P, pinCount: 0, shapeCount: Kb, expressionCount: Ke,
    rest, shape, expression, jawWeight, restW, shapeW, expressionW, jawPivot, jawPivotShape, jawPivotExpression, hasJaw: jaw >= 0, contour,
    namedExpressions: Ke > 0 && model.expression.names.length === model.expression.count,
    gram: null,
  };
  const shared = typeof o.gram === 'object' ? o.gram : null;
  if (shared && shared.size === Ke + Kb && !!shared.dense === denseCount > 0) pts.gram = shared;
  else if (o.gram) pts.gram = buildFitGram(pts);
  return pts;
}

/** A fit point as a weighted sum of model vertices (a landmark's barycentric corners, or one vertex). */
export interface PointCorners {
  v: number[];
  w: number[];
}

/** A point set's rows of the model: rest positions, bases and jaw skinning (see {@link FitPoints}). */
export type RestrictedPoints = Pick<FitPoints, 'rest' | 'shape' | 'expression' | 'jawWeight' | 'restW' | 'shapeW' | 'expressionW'>;

/**
 * The model restricted to points given as weighted vertex sums, with the first Kβ shape and Kψ
 * expression modes: what {@link buildFitPoints} builds its points from, and what pins add to them.
 *
 * ```ts
 * const rows = restrictToCorners(model, [{ v: [a, b, c], w: [0.2, 0.3, 0.5] }], points.shapeCount, points.expressionCount);
 * ```
 */
export function restrictToCorners(model: HeadModel, corners: readonly PointCorners[], Kb: number, Ke: number): RestrictedPoints {
  const n = model.vertexCount * 3;
  const J = model.joints.names.length;
  const jaw = model.joints.names.indexOf('jaw');
  const P = corners.length;
  const rest = new Float64Array(P * 3), restW = new Float64Array(P * 3), jawWeight = new Float64Array(P);
  const shape = new Float64Array(P * 3 * Kb), shapeW = new Float64Array(P * 3 * Kb);
  const expression = new Float64Array(P * 3 * Ke), expressionW = new Float64Array(P * 3 * Ke);
  corners.forEach(({ v, w }, p) => {
    for (let c = 0; c < v.length; c++) {
      const vi = v[c]!, wc = w[c]!;
      if (wc === 0) continue;
      const wj = jaw >= 0 ? model.skinWeights[vi * J + jaw]! : 0;
      jawWeight[p] += wc * wj;
      for (let d = 0; d < 3; d++) {
        const row = p * 3 + d;
        rest[row] += wc * model.template[vi * 3 + d]!;
        restW[row] += wc * wj * model.template[vi * 3 + d]!;
        for (let k = 0; k < Kb; k++) {
          const b = model.shape.data[k * n + vi * 3 + d]!;
          shape[row * Kb + k] += wc * b;
          shapeW[row * Kb + k] += wc * wj * b;
        }
        for (let k = 0; k < Ke; k++) {
          const b = model.expression.data[k * n + vi * 3 + d]!;
          expression[row * Ke + k] += wc * b;
          expressionW[row * Ke + k] += wc * wj * b;
        }
      }
    }
  });
  return { rest, shape, expression, jawWeight, restW, shapeW, expressionW };
}

/** The model's own contour candidates (`landmarks.contourCandidates`), appended as points, listed per landmark. */
function givenCandidates(model: HeadModel, given: NonNullable<HeadModel['landmarks']['contourCandidates']>, out: PointCorners[]): Int32Array[] {
  const tri = model.triangles;
  const lists: number[][] = Array.from({ length: 17 }, () => []);
  for (let i = 0; i < given.faces.length; i++) {
    const f = given.faces[i]! * 3;
    lists[given.landmark[i]!]!.push(out.length);
    out.push({ v: [tri[f]!, tri[f + 1]!, tri[f + 2]!], w: [given.barycentric[i * 3]!, given.barycentric[i * 3 + 1]!, given.barycentric[i * 3 + 2]!] });
  }
  return lists.map((l) => Int32Array.from(l));
}

/**
 * For side landmarks 0…5 and 11…16: the surface vertices of the face region at the landmark's rest
 * height (± band), between it and the mid-line and not behind it — where the silhouette moves as
 * that side turns away. Appends them as points and returns their indices per landmark.
 */
function marchCandidates(model: HeadModel, landmarks: PointCorners[], band: number, out: PointCorners[]): Int32Array[] {
  const T = model.template;
  const region = model.regions.face ?? model.regions.mediapipe468;
  const pos = (c: PointCorners) => [0, 1, 2].map((d) => c.v.reduce((s, v, k) => s + c.w[k]! * T[v * 3 + d]!, 0));
  const result: Int32Array[] = [];
  const added = new Map<number, number>();
  for (let i = 0; i < 17; i++) {
    if (!region || (i >= 7 && i <= 9)) {
      result.push(new Int32Array(0));
      continue;
    }
    const [x, y, z] = pos(landmarks[i]!) as [number, number, number];
    const list: number[] = [];
    for (let k = 0; k < region.length; k++) {
      const v = region[k]!;
      const vx = T[v * 3]!, vy = T[v * 3 + 1]!, vz = T[v * 3 + 2]!;
      if (Math.abs(vy - y) > band || vx * x <= 0 || Math.abs(vx) > Math.abs(x) || vz < z) continue;
      let p = added.get(v);
      if (p === undefined) {
        p = out.length;
        out.push({ v: [v], w: [1] });
        added.set(v, p);
      }
      list.push(p);
    }
    result.push(Int32Array.from(list));
  }
  return result;
}
