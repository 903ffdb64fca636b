import { detailRange, type DetailMaps, type WrinkleMap } from '../detail/detail-maps';
import { rasterizeUv } from '../geometry/rasterize-uv';
import type { HeadModel } from '../head-model/head-model';
import { bakeableTriangles } from '../texture/bakeable-triangles';
import { exportShapes } from '../expression/arkit-names';
import { bakeDetailNormals, planDetailNormalBake, type DetailNormalBake } from './bake-detail-normals';
import type { HeadTextures, WrinkleTexture } from './default-textures';
import { applyDilation, dilationPlan } from './dilation-plan';
import type { ExportHead } from './export-head';
import type { ZlibDeflate } from './fbx/fbx-binary';
import { encodePng } from './png-encode';

/** The textures a subject's detail layer adds to an export. */
export type DetailTextures = Required<Pick<HeadTextures, 'normal' | 'displacement' | 'displacementScaleMm' | 'wrinkles'>>;

export interface DetailTexturesOptions {
  /** Side of the normal and wrinkle maps (the export's texture size). */
  textureSize: number;
  /** Texels grown past chart edges at `textureSize` (for mip maps). */
  dilate: number;
  /** A group whose wrinkles stay below this everywhere (metres) adds nothing to the static map and is left out. */
  minWrinkle: number;
  /** zlib compressor for the PNGs (Node's `zlib.deflateSync`); fflate in JS without one. */
  deflate?: ZlibDeflate;
}

export const DETAIL_TEXTURES_DEFAULTS: Omit<DetailTexturesOptions, 'deflate'> = { textureSize: 1024, dilate: 4, minWrinkle: 1e-6 };

/** The largest 16-bit value's distance from neutral (32768): V = 32768 + round(D / scale × 32767). */
const FULL_SCALE = 32767;

/**
 * The detail layer of a head as export textures, all in the head's UV layout:
 * - `normal`: the tangent-space detail normal map (replaces the flat one), baked at `textureSize`
 *   from the static displacement on the export's neutral head (see `bakeDetailNormals`);
 * - `displacement`: the static displacement as a 16-bit greyscale PNG at the detail maps' own size,
 *   V = 32768 + round(D / scale × 32767), with `displacementScaleMm` = scale in millimetres — the
 *   detail's range with every group's wrinkles at 1 (see `detailRange`) rounded up to 0.01 mm;
 * - `wrinkles`: per expression group the normal map of static + that group's wrinkles at activation 1,
 *   with its drivers renamed to the exported blendshapes: a pack shape that the export merges into one
 *   ARKit shape (ICT's browInnerUp_L + browInnerUp_R → browInnerUp) contributes its weight to that
 *   shape, and halves both driving a group sum their weights — exact, since the merged shape at
 *   weight w is both halves at w. Drivers naming no exported blendshape (an export without
 *   blendshapes) are dropped, and a group left with no driver and no jaw, or whose wrinkles are
 *   below `minWrinkle`, is left out.
 *
 * ```ts
 * const head = buildExportHead(model, { shape });
 * head.textures = { ...head.textures, ...detailTextures(model, head, maps, { deflate }) };
 * ```
 */
export function detailTextures(model: HeadModel, head: ExportHead, detail: DetailMaps, options: Partial<DetailTexturesOptions> = {}): DetailTextures {
  const o = { ...DETAIL_TEXTURES_DEFAULTS, ...options };
  const { bake, triangleMask } = planHeadBake(model, head, detail, o);
  const png = (rgb: Uint8Array) => encodePng({ width: o.textureSize, height: o.textureSize, channels: 3, data: rgb }, { deflate: o.deflate });

  const scaleMm = Math.max(0.01, Math.ceil(detailRange(detail) * 1e5) / 100);
  const staticRgb = bakeDetailNormals(bake, detail.displacement);
  const wrinkles: WrinkleTexture[] = [];
  const jawJoint = head.joints.some((j) => j.name === 'jaw') ? 'jaw' : null;
  for (const w of detail.wrinkles) {
    const drivers = wrinkleDrivers(model, head, w.drivers);
    const jawOpening = jawJoint ? w.jawOpening : 0;
    if ((!drivers.length && !(jawOpening > 0)) || !(maxAbs(w.displacement) >= o.minWrinkle)) continue;
    const field = new Float32Array(detail.displacement.length);
    for (let i = 0; i < field.length; i++) field[i] = detail.displacement[i]! + w.displacement[i]!;
    // Baked from the static map: only the group's own area is baked again.
    const rgb = bakeDetailNormals(bake, field, { displacement: detail.displacement, rgb: staticRgb });
    wrinkles.push({ group: w.group, normal: png(rgb), drivers, jawOpening, jawJoint: jawOpening > 0 ? jawJoint : null });
  }
  return {
    normal: png(staticRgb),
    displacement: displacementPng(head, detail, scaleMm / 1000, triangleMask, o.deflate),
    displacementScaleMm: scaleMm,
    wrinkles,
  };
}

/**
 * One tangent-space detail normal map of a head as PNG (RGB, `textureSize²`, OpenGL convention: +X
 * along +u, +Y along +v): `detail.displacement` baked exactly as {@link detailTextures} bakes the
 * static map — the one baker — for viewers that show the detail without exporting the head. Pass a
 * displacement with wrinkles added (static + Σ activation × wrinkles) to see an expression's detail.
 *
 * ```ts
 * const head = buildExportHead(model, { shape }, { blendshapes: false, textures: {} });
 * const png = detailNormalPng(model, head, maps, { textureSize: 1024, deflate });
 * ```
 */
export function detailNormalPng(model: HeadModel, head: ExportHead, detail: Pick<DetailMaps, 'size' | 'mask' | 'displacement'>, options: Partial<DetailTexturesOptions> = {}): Uint8Array {
  const o = { ...DETAIL_TEXTURES_DEFAULTS, ...options };
  const { bake } = planHeadBake(model, head, detail, o);
  return encodePng({ width: o.textureSize, height: o.textureSize, channels: 3, data: bakeDetailNormals(bake, detail.displacement) }, { deflate: o.deflate });
}

/** The bake plan of an export head's detail normal maps, and which of its triangles own their UV area. */
function planHeadBake(model: HeadModel, head: ExportHead, detail: Pick<DetailMaps, 'size' | 'mask'>, o: DetailTexturesOptions): { bake: DetailNormalBake; triangleMask: Uint8Array } {
  if (!head.uvs) throw new Error('detail textures need a head with UVs');
  if (head.indices.length !== model.triangles.length) throw new Error('the export head must keep the model’s triangles');
  // Export triangles are the model's, in order: the model's UV ownership applies to them as is.
  const triangleMask = bakeableTriangles(model);
  return { bake: planDetailNormalBake(head, detail, { size: o.textureSize, dilate: o.dilate, triangleMask }), triangleMask };
}

/** The static displacement as 16-bit grey at the maps' size; empty UV space next to a chart takes the chart's edge values. */
function displacementPng(head: ExportHead, detail: DetailMaps, scale: number, triangleMask: Uint8Array, deflate?: ZlibDeflate): Uint8Array {
  const S = detail.size;
  const values = new Float32Array(S * S).fill(32768);
  for (let i = 0; i < S * S; i++) {
    if (detail.mask[i]) values[i] = Math.min(65535, Math.max(1, 32768 + Math.round((detail.displacement[i]! / scale) * FULL_SCALE)));
  }
  const raster = rasterizeUv({ coords: head.uvs!, triangles: head.indices }, S, { triangleMask });
  const covered = Uint8Array.from(raster.triangle, (t) => (t >= 0 ? 1 : 0));
  applyDilation(dilationPlan(covered, S, S, { rings: 2 }), values, 1);
  return encodePng({ width: S, height: S, channels: 1, data: Uint16Array.from(values, Math.round) }, { deflate });
}

/** A wrinkle map's drivers as exported blendshape names (see {@link detailTextures}). */
/**
 * A wrinkle map's drivers as exported morph targets: each stored driver names a pack shape — by its
 * own name, `mode<k>` for a PCA pack's unnamed mode k (what the detail stage stores), or an exported
 * name (`exp_00…`) — and becomes the morph that carries that mode; drivers of one morph add up.
 *
 * ```ts
 * wrinkleDrivers(flame, head, [{ shape: 'mode3', weight: 1 }]); // [{ morph: 'exp_03', weight: 1 }]
 * ```
 */
export function wrinkleDrivers(model: HeadModel, head: Pick<ExportHead, 'morphs'>, drivers: WrinkleMap['drivers']): WrinkleTexture['drivers'] {
  const morphOfMode = new Map<number, string>();
  for (const s of exportShapes(model.expression.names, model.expression.count)) for (const k of s.sources) morphOfMode.set(k, s.name);
  const exported = new Set(head.morphs.map((m) => m.name));
  const weights = new Map<string, number>();
  for (const d of drivers) {
    let mode = model.expression.names.indexOf(d.shape);
    const unnamed = /^mode(\d+)$/.exec(d.shape);
    if (mode < 0 && unnamed) mode = Number(unnamed[1]);
    // A PCA pack's modes have no names of their own: drivers may also name them as exported (exp_00…).
    const morph = mode >= 0 ? morphOfMode.get(mode) : d.shape;
    if (morph && exported.has(morph)) weights.set(morph, (weights.get(morph) ?? 0) + d.weight);
  }
  return [...weights].map(([morph, weight]) => ({ morph, weight }));
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}
