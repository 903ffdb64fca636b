import type { HeadModel } from '../head-model/head-model';
import { fitRigid } from '../head-model/small-linalg';

/**
 * Points on a head's surface that mean the same place on another head: each a weighted sum of up to
 * three vertices (a vertex itself, or a landmark's barycentric triangle corners).
 */
export interface CorrespondingPoints {
  /** What the points are: FaceMesh's 468 points, or the 51 inner iBUG landmarks (no jaw contour). */
  kind: 'mediapipe468' | 'landmarks51';
  count: number;
  /** count×3 vertex indices. */
  vertices: Uint32Array;
  /** count×3 weights (summing to 1 per point). */
  weights: Float32Array;
}

/**
 * The densest correspondence two heads share: FaceMesh's 468 points when both carry the region
 * `mediapipe468` (ICT-FaceKit and the starter head do), otherwise the 68 iBUG landmarks without the
 * 17 jaw-contour ones (every pack has the 68; the contour is where a silhouette falls, not a fixed
 * place on the face, so it does not correspond between heads).
 *
 * ```ts
 * const kind = sharedCorrespondence(flame, ict); // 'landmarks51'
 * const pts = correspondingPoints(flame, kind);
 * ```
 */
export function sharedCorrespondence(a: HeadModel, b: HeadModel): CorrespondingPoints['kind'] {
  return a.regions.mediapipe468?.length === 468 && b.regions.mediapipe468?.length === 468 ? 'mediapipe468' : 'landmarks51';
}

/**
 * A head's corresponding points of one kind, with a clear error when it lacks them.
 *
 * ```ts
 * const pts = correspondingPoints(ict, 'mediapipe468'); // pts.count === 468
 * ```
 */
export function correspondingPoints(model: HeadModel, kind: CorrespondingPoints['kind']): CorrespondingPoints {
  if (kind === 'mediapipe468') {
    const dense = model.regions.mediapipe468;
    if (!dense || dense.length !== 468) throw new Error(`head model "${model.id}" has no FaceMesh correspondence (region mediapipe468)`);
    const vertices = new Uint32Array(468 * 3), weights = new Float32Array(468 * 3);
    for (let i = 0; i < 468; i++) (vertices[i * 3] = dense[i]!), (weights[i * 3] = 1);
    return { kind, count: 468, vertices, weights };
  }
  const L = model.landmarks.faces.length;
  if (L !== 68) throw new Error(`head model "${model.id}" has ${L} landmarks, not the 68 iBUG ones`);
  const count = 51, vertices = new Uint32Array(count * 3), weights = new Float32Array(count * 3);
  for (let i = 0; i < count; i++) {
    const f = model.landmarks.faces[17 + i]!;
    for (let c = 0; c < 3; c++) {
      vertices[i * 3 + c] = model.triangles[f * 3 + c]!;
      weights[i * 3 + c] = model.landmarks.barycentric[(17 + i) * 3 + c]!;
    }
  }
  return { kind, count, vertices, weights };
}

/**
 * Positions (or displacements) of the points from per-vertex values (V×3), as count×3 values.
 *
 * ```ts
 * const p = pointValues(pts, evaluation.vertices);
 * ```
 */
export function pointValues(pts: CorrespondingPoints, perVertex: ArrayLike<number>, out: Float64Array = new Float64Array(pts.count * 3)): Float64Array {
  for (let i = 0; i < pts.count; i++) {
    let x = 0, y = 0, z = 0;
    for (let c = 0; c < 3; c++) {
      const w = pts.weights[i * 3 + c]!;
      if (w === 0) continue;
      const v = pts.vertices[i * 3 + c]! * 3;
      x += w * perVertex[v]!;
      y += w * perVertex[v + 1]!;
      z += w * perVertex[v + 2]!;
    }
    out[i * 3] = x;
    out[i * 3 + 1] = y;
    out[i * 3 + 2] = z;
  }
  return out;
}

/**
 * The similarity that carries displacements at one head's points into another's frame: a scale (the
 * ratio of the two point sets' RMS spread about their centroids, i.e. head size) and the rotation
 * that best aligns the scaled sets (row-major 3×3). Displacements map as d_to = scale · R · d_from.
 *
 * ```ts
 * const { scale, R } = pointFrame(pointValues(flamePts, flame.template), pointValues(ictPts, ict.template));
 * ```
 */
export function pointFrame(from: ArrayLike<number>, to: ArrayLike<number>): { scale: number; R: Float64Array } {
  const spread = (p: ArrayLike<number>) => {
    const n = p.length / 3, c = [0, 0, 0];
    for (let i = 0; i < n; i++) for (let d = 0; d < 3; d++) c[d] += p[i * 3 + d]! / n;
    let s = 0;
    for (let i = 0; i < n; i++) for (let d = 0; d < 3; d++) s += (p[i * 3 + d]! - c[d]!) ** 2;
    return Math.sqrt(s / n);
  };
  const scale = spread(to) / spread(from);
  if (!(scale > 0) || !Number.isFinite(scale)) throw new Error('pointFrame: degenerate point sets');
  const scaled = Float64Array.from(from, (v) => v * scale);
  return { scale, R: fitRigid(scaled, to).R };
}
