import { poseHead } from '../geometry/pose-head';
import type { HeadModel } from '../head-model/head-model';
import type { HeadModelEvaluator } from '../head-model/head-model-evaluator';
import type { UvTexture } from '../reconstruct/photometric-samples';
import { renderShadedHead } from '../reconstruct/render-shaded-head';
import { detailTiltMap } from './detail-shading';
import type { DetailTexels } from './detail-texels';
import { groupActivations, type ExpressionGroup } from './expression-groups';
import { SYNTHETIC_DETAIL_VIEWS, syntheticDisplacement, type SyntheticDetail, type SyntheticDetailView } from './synthetic-detail';
import { texelFrames } from './texel-frames';

export interface RenderSyntheticDetailOptions {
  width: number;
  height: number;
  /** Camera scale (pixels per metre): 3800 puts a face ~600 pixels tall, as in the London photos. */
  scale: number;
  /** Grey of the background (0…255). */
  background: number;
}

export const RENDER_SYNTHETIC_DETAIL_DEFAULTS: RenderSyntheticDetailOptions = { width: 900, height: 1000, scale: 3800, background: 70 };

/**
 * Photos of a synthetic person with known detail: the head (shape β) posed for each of
 * {@link SYNTHETIC_DETAIL_VIEWS}, rendered as DECA renders it — albedo ⊙ SH shading of the normals
 * the view's displacement (statics + its expression's wrinkles) gives.
 *
 * ```ts
 * const views = renderSyntheticDetail(model, evaluator, texels512, truth, groups, shape, albedo, light);
 * ```
 */
export function renderSyntheticDetail(
  model: HeadModel,
  evaluator: HeadModelEvaluator,
  texels: DetailTexels,
  truth: SyntheticDetail,
  groups: readonly ExpressionGroup[],
  shape: ArrayLike<number>,
  albedo: UvTexture,
  light: ArrayLike<number>,
  options: Partial<RenderSyntheticDetailOptions> = {},
): SyntheticDetailView[] {
  const o = { ...RENDER_SYNTHETIC_DETAIL_DEFAULTS, ...options };
  return SYNTHETIC_DETAIL_VIEWS.map((v) => {
    const expression = new Float64Array(model.expression.count);
    for (const [name, w] of v.expression) {
      const i = model.expression.names.indexOf(name);
      if (i >= 0) expression[i] = w;
    }
    const fit = { rotation: [0.05, (v.yawDeg * Math.PI) / 180, 0] as [number, number, number], jaw: [0, 0, 0] as [number, number, number], expression, camera: { scale: o.scale, tx: o.width / 2, ty: o.height / 2 + 60 } };
    const posed = poseHead(evaluator, model, shape, fit);
    const activations = groupActivations(groups, expression, fit.jaw);
    const frames = texelFrames(model, texels, posed.vertices, posed.normals);
    const tilt = detailTiltMap(texels, frames, syntheticDisplacement(truth, groups, activations));
    const blank = { width: o.width, height: o.height, data: new Uint8Array(o.width * o.height * 3).fill(o.background) };
    const { rgb } = renderShadedHead(model, posed.vertices, posed.normals, fit.camera, blank, albedo, light, { detailTilt: { size: texels.size, tilt } });
    return { photo: { width: o.width, height: o.height, data: rgb }, fit, vertices: posed.vertices, normals: posed.normals, activations };
  });
}
