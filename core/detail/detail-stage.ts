import { opaqueTriangles } from '../geometry/opaque-triangles';
import type { PhotoFit } from '../geometry/ortho-camera';
import { photoDepth } from '../geometry/photo-depth';
import { poseHead } from '../geometry/pose-head';
import type { HeadModel } from '../head-model/head-model';
import type { HeadModelEvaluator } from '../head-model/head-model-evaluator';
import { buildPyramid, type RgbImage } from '../perception/image-warp';
import type { UvTexture } from '../reconstruct/photometric-samples';
import { detailObservation, type DetailObservation, type DetailObservationOptions } from './detail-observation';
import { detailedNormals, detailRms } from './detail-shading';
import type { DetailTexels } from './detail-texels';
import { groupActivations, type ExpressionGroup } from './expression-groups';
import { DETAIL_SOLVE_DEFAULTS, solveDetail, type DetailSolveOptions } from './solve-detail';
import { texelFrames, type TexelFrames } from './texel-frames';

/** A fitted photo for the detail stage: the decoded image (k image pixels per photo pixel), its fit, light and face mesh. */
export interface DetailPhoto {
  image: RgbImage;
  k: number;
  fit: PhotoFit;
  /** The photo's 27 SH coefficients from the light/albedo stage. */
  light: ArrayLike<number>;
  /** Perception's 468 FaceMesh points in photo pixels; null without. */
  meshPoints: ArrayLike<number> | null;
}

/** One photo as the detail stage measures it: its texel frames, evidence and expression-group activations. */
export interface DetailPhotoView {
  frames: TexelFrames;
  observation: DetailObservation;
  activations: Float64Array;
  light: ArrayLike<number>;
}

/**
 * Each photo's head posed by its fit and measured on the detail texels (frames, evidence against the
 * subject's albedo under the photo's light, group activations from its expression and jaw).
 *
 * ```ts
 * const views = detailPhotoViews(model, evaluator, texels, groups, shape, photos, albedo, faceMeshTriangles);
 * ```
 */
export function detailPhotoViews(
  model: HeadModel,
  evaluator: HeadModelEvaluator,
  texels: DetailTexels,
  groups: readonly ExpressionGroup[],
  shape: ArrayLike<number>,
  photos: readonly DetailPhoto[],
  albedo: UvTexture,
  meshTriangles: ArrayLike<number> | null,
  options: Partial<DetailObservationOptions> = {},
): DetailPhotoView[] {
  const opaque = opaqueTriangles(model.triangles, model.regions.overlays);
  return photos.map((p) => {
    const posed = poseHead(evaluator, model, shape, p.fit);
    const c = p.fit.camera;
    const camera = { scale: c.scale * p.k, tx: c.tx * p.k, ty: c.ty * p.k };
    const frames = texelFrames(model, texels, posed.vertices, posed.normals);
    const depth = photoDepth(posed.vertices, model.triangles, camera, p.image.width, p.image.height, { triangleMask: opaque });
    const mesh = p.meshPoints && meshTriangles ? { points: Array.from(p.meshPoints, (x) => x * p.k), triangles: meshTriangles } : null;
    const observation = detailObservation(texels, frames, { pyramid: buildPyramid(p.image), camera, depth, mesh }, albedo, p.light, options);
    return { frames, observation, activations: groupActivations(groups, p.fit.expression, p.fit.jaw), light: p.light };
  });
}

export interface DetailStageOptions extends Omit<DetailSolveOptions, 'fixedWrinkles'> {
  /**
   * Detail fades to 0 over this many texels (at 256², scaled with the map) towards the region's
   * edges — the eyes', nostrils' and lips' openings and the crop — so the relief has no step where
   * the map ends and the coarse surface takes over.
   */
  fade: number;
}
export const DETAIL_STAGE_DEFAULTS: DetailStageOptions = { ...DETAIL_SOLVE_DEFAULTS, fade: 2 };

/** What the detail stage finds for one subject (displacements in metres per compact texel). */
export interface DetailStageResult {
  /** Per photo: its static detail from the joint solve (every photo's evidence, tied by L_dc). */
  statics: Float32Array[];
  /** The person's static detail: the mean of the photos' static maps. */
  consensus: Float32Array;
  /** Per expression group: the wrinkle map at activation 1. */
  wrinkles: Float32Array[];
  /** Per expression group: how much the photos showed it (Σ activation²), the wrinkle map's weight when maps are pooled. */
  evidence: number[];
  iterations: number;
}

/**
 * DECA's detail stage for one subject: the joint solve of every photo (L_phoD, L_dc tying each
 * photo's static detail to the others, the feature, symmetry and regularisation terms), split into
 * the person's static detail (the consensus of the photos' maps) and wrinkle maps per expression group.
 *
 * ```ts
 * const result = detailStage(texels, views, supports, { shouldStop });
 * ```
 */
export function detailStage(texels: DetailTexels, views: readonly DetailPhotoView[], supports: readonly Uint8Array[], options: Partial<DetailStageOptions> = {}): DetailStageResult {
  const o = { ...DETAIL_STAGE_DEFAULTS, ...options };
  const solved = solveDetail({ texels, observations: views.map((v) => v.observation), activations: views.map((v) => v.activations), supports }, o);
  const fade = edgeFade(texels, Math.max(1, Math.round((o.fade * texels.density) / 256)));
  const faded = (m: Float32Array) => m.map((v, t) => v * fade[t]!);
  const joint = { statics: solved.statics.map(faded), wrinkles: solved.wrinkles.map(faded), iterations: solved.iterations };
  const K = texels.texel.length;
  const consensus = new Float32Array(K);
  for (const s of joint.statics) for (let t = 0; t < K; t++) consensus[t] += s[t]! / joint.statics.length;
  const evidence = supports.map((_s, g) => views.reduce((sum, v) => sum + (v.activations[g] ?? 0) ** 2, 0));
  return { statics: joint.statics, consensus, wrinkles: joint.wrinkles, evidence, iterations: joint.iterations };
}

/**
 * The photometric error (RMS, 0…1, over the photo's detail evidence) of a view rendered with a
 * displacement (null: the coarse surface) — one measure for coarse, own and swapped detail.
 *
 * ```ts
 * const own = viewRms(texels, view, decodeDetail(decoder, code, view.activations));
 * ```
 */
export function viewRms(texels: DetailTexels, view: DetailPhotoView, displacement: ArrayLike<number> | null): number {
  return detailRms(view.observation, displacement ? detailedNormals(texels, view.frames, displacement) : view.frames.normal, view.light);
}

/**
 * A static map plus wrinkle maps at the given group activations — F on one person's maps.
 *
 * ```ts
 * const D = withWrinkles(consensus, wrinkles, groupActivations(groups, fit.expression, fit.jaw));
 * ```
 */
export function withWrinkles(statics: ArrayLike<number>, wrinkles: readonly ArrayLike<number>[], activations: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(statics);
  wrinkles.forEach((w, g) => {
    const a = activations[g] ?? 0;
    if (a) for (let t = 0; t < out.length; t++) out[t] += a * w[t]!;
  });
  return out;
}

/** Per texel: min(1, steps to the region's edge / ring) — 1 inside, falling to 1/ring on the edge. */
function edgeFade(texels: DetailTexels, ring: number): Float32Array {
  const K = texels.texel.length, nb = texels.neighbours;
  const dist = new Int32Array(K).fill(-1);
  let front: number[] = [];
  for (let t = 0; t < K; t++) {
    for (let q = 0; q < 4; q++) if (nb[t * 4 + q]! < 0) dist[t] = 1;
    if (dist[t] === 1) front.push(t);
  }
  for (let d = 2; d <= ring && front.length; d++) {
    const next: number[] = [];
    for (const t of front) for (let q = 0; q < 4; q++) {
      const m = nb[t * 4 + q]!;
      if (m >= 0 && dist[m] === -1) (dist[m] = d), next.push(m);
    }
    front = next;
  }
  return Float32Array.from(dist, (d) => (d < 0 ? 1 : Math.min(1, d / ring)));
}
