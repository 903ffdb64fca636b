import type { DetailMaps } from '../detail/detail-maps';
import { exportShapes } from '../expression/arkit-names';
import type { HeadModel } from '../head-model/head-model';
import { detailTextures, type DetailTexturesOptions } from './detail-textures';
import { buildExportHead } from './export-head';

/**
 * A subject's detail layer for a live rig: the export's static detail normal map and its wrinkle
 * maps (one baker, the export's), with each wrinkle group's drivers turned from exported blendshape
 * names back into the rig's expression shapes, so a viewer that poses the rig with pack expression
 * weights ψ blends the wrinkles exactly as an export's consumer would with the blendshape weights.
 */
export interface RigDetailTextures {
  /** The static detail's tangent-space normal map, PNG (RGB, OpenGL convention, the pack's UV layout). */
  normal: Uint8Array;
  wrinkles: RigWrinkleTexture[];
}

/** One expression group's wrinkle normal map (static + the group's wrinkles at activation 1) and what drives it. */
export interface RigWrinkleTexture {
  group: string;
  normal: Uint8Array;
  /**
   * activation = Σ weight × ψ[expression] + max(0, jaw rotation about +X) / jawOpening (jaw term only
   * when jawOpening > 0), blended as normal = lerp(static, wrinkle, clamp(activation, 0, 1)).
   */
  drivers: { expression: number; weight: number }[];
  jawOpening: number;
}

export type RigDetailTexturesOptions = Pick<DetailTexturesOptions, 'textureSize' | 'deflate'>;

export const RIG_DETAIL_TEXTURES_DEFAULTS: Omit<RigDetailTexturesOptions, 'deflate'> = { textureSize: 1024 };

/**
 * The rig's detail textures of a subject (shape β) on a pack: {@link detailTextures} on their export
 * head, drivers by rig expression index. An exported blendshape that merges a pack's split halves
 * (ICT's browInnerUp_L/_R → browInnerUp) is read from its first half: the merged shape at weight w is
 * both halves at w, which is how ARKit weights reach the rig (`arkitExpressionMap`).
 *
 * ```ts
 * const { normal, wrinkles } = rigDetailTextures(model, rec.shape, maps, { deflate });
 * ```
 */
export function rigDetailTextures(model: HeadModel, shape: ArrayLike<number>, detail: DetailMaps, options: Partial<RigDetailTexturesOptions> = {}): RigDetailTextures {
  const o = { ...RIG_DETAIL_TEXTURES_DEFAULTS, ...options };
  // Blendshapes on: the wrinkles' drivers name exported morphs, and a head without them keeps none.
  const head = buildExportHead(model, { shape }, { blendshapes: true, textures: {} });
  const textures = detailTextures(model, head, detail, { textureSize: o.textureSize, deflate: o.deflate });
  const sourceOf = new Map(exportShapes(model.expression.names, model.expression.count).map((s) => [s.name, s.sources[0]!]));
  return {
    normal: textures.normal,
    wrinkles: textures.wrinkles.map((w) => ({
      group: w.group,
      normal: w.normal,
      drivers: w.drivers.flatMap((d) => (sourceOf.has(d.morph) ? [{ expression: sourceOf.get(d.morph)!, weight: d.weight }] : [])),
      jawOpening: w.jawJoint ? w.jawOpening : 0,
    })),
  };
}

/**
 * Each wrinkle group's blend weight for a rig pose: its activation from the pack expression weights
 * ψ and the jaw's axis-angle, clamped to [0, 1] (the lerp's range, as in an export's consumer).
 *
 * ```ts
 * const a = wrinkleActivations(rig.detail.wrinkles, psi, [0.2, 0, 0]);
 * ```
 */
export function wrinkleActivations(wrinkles: readonly Pick<RigWrinkleTexture, 'drivers' | 'jawOpening'>[], expression: ArrayLike<number>, jaw: ArrayLike<number>, out: Float32Array = new Float32Array(wrinkles.length)): Float32Array {
  for (let g = 0; g < wrinkles.length; g++) {
    const w = wrinkles[g]!;
    let a = 0;
    for (const d of w.drivers) a += d.weight * (expression[d.expression] ?? 0);
    if (w.jawOpening > 0) a += Math.max(0, jaw[0] ?? 0) / w.jawOpening;
    out[g] = Math.min(1, Math.max(0, a));
  }
  return out;
}
