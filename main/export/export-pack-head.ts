import { deflateSync } from 'node:zlib';
import type { DetailMaps } from '../../core/detail/detail-maps';
import { ApiError } from '../../core/api/api-error';
import { exportShapes } from '../../core/expression/arkit-names';
import { arkitToPack } from '../../core/expression/arkit-to-pack';
import type { ExpressionClip } from '../../core/expression/expression-clip';
import type { ExpressionRecord } from '../../core/expression/expression-record';
import { demoClip } from '../../core/export/animation-clip';
import { clipAnimation, expressionPose } from '../../core/export/clip-animation';
import { flatNormalMap } from '../../core/export/default-textures';
import { detailNormalPng, detailTextures } from '../../core/export/detail-textures';
import { buildExportHead } from '../../core/export/export-head';
import { writeFbx } from '../../core/export/fbx/write-fbx';
import { writeGlb } from '../../core/export/write-glb';
import type { HeadModel } from '../../core/head-model/head-model';
import type { EyeColours } from '../../core/texture/eye-colours';

export interface ExportPackHeadOptions {
  format: 'glb' | 'fbx';
  shape?: ArrayLike<number>;
  expression?: ArrayLike<number>;
  blendshapes?: boolean;
  animation?: 'none' | 'demo';
  /** A clip as the head's animation (morph weights by export shape name, jaw and eye rotations); not with `animation: 'demo'`. */
  clip?: ExpressionClip;
  /** An expression applied to the head: the initial blendshape weights and the jaw (and eye) joints' pose; replaces `expression`. */
  pose?: ExpressionRecord;
  /** ICT-FaceKit's model, through which a pack without ARKit-named shapes (FLAME) takes ARKit weights (arkitToPack). */
  arkitVia?: HeadModel;
  /** Embed albedo and normal maps (false: geometry, rig and shapes only). */
  textures?: boolean;
  /** A PNG albedo in the model's UV layout (e.g. a subject's texture from their photos). */
  albedoPng?: Uint8Array;
  textureSize?: number;
  /** A subject's eye colours (sclera, iris) measured from their photos, for the eyes' texture; default eyes without. */
  eyeColours?: EyeColours | null;
  /**
   * A subject's detail layer: the export's normal map becomes its detail normal map, and the file
   * also carries the 16-bit displacement map with its scale and one wrinkle normal map per expression
   * group with the blendshapes that drive it (see `detailTextures`; the README's "Export files" says
   * where each lands in GLB and FBX). Ignored with `textures: false`.
   */
  detail?: DetailMaps;
}

/**
 * Native zlib at level 1 for the detail PNGs: ~4 ms a 1024² normal map, where level 6 takes ~18 ms
 * for files 30 % smaller (~40 KB a map in a 20 MB head) and fflate in JS 60–120 ms.
 */
const pngDeflate = (bytes: Uint8Array) => deflateSync(bytes, { level: 1 });

export const EXPORT_PACK_HEAD_DEFAULTS = { blendshapes: true, animation: 'none' as const, textures: true, textureSize: 1024 };

export interface ExportedHead {
  bytes: Uint8Array;
  /** One line for people: format, size and what the file holds. */
  summary: string;
}

/**
 * Exports a head of a model pack as GLB or binary FBX, the one path the CLI, the studio's export
 * job and the benchmarks share.
 *
 * ```ts
 * const { bytes } = await exportPackHead(model, { format: 'fbx', animation: 'demo' });
 * const detailed = await exportPackHead(model, { format: 'glb', shape, albedoPng, detail: maps });
 * ```
 */
export async function exportPackHead(model: HeadModel, options: ExportPackHeadOptions): Promise<ExportedHead> {
  const opts = { ...EXPORT_PACK_HEAD_DEFAULTS, ...options };
  let head = buildExportHead(model, { shape: opts.shape, expression: opts.expression }, {
    blendshapes: opts.blendshapes,
    textureSize: opts.textureSize,
    eyeColours: opts.eyeColours ?? null,
    textures: !opts.textures ? {} : opts.albedoPng ? { albedo: opts.albedoPng, normal: flatNormalMap(opts.textureSize) } : undefined,
  });
  if (opts.detail && opts.textures && head.uvs) {
    head = { ...head, textures: { ...head.textures, ...detailTextures(model, head, opts.detail, { textureSize: opts.textureSize, deflate: pngDeflate }) } };
  }
  if (opts.animation === 'demo') head = { ...head, animations: [demoClip(head.morphs.map((m) => m.name))] };
  if (opts.clip || opts.pose) {
    if (!opts.blendshapes) throw new ApiError('bad-request', 'An expression or clip drives the blendshapes: export with blendshapes');
    const shapes = exportShapes(model.expression.names, model.expression.count);
    // ARKit-named packs are driven by name; FLAME's PCA modes through arkitToPack (fitted at ICT-FaceKit's ARKit shapes).
    const retarget = (record: ExpressionRecord) => arkitToPack(record, model, { ict: opts.arkitVia ?? null });
    if (opts.clip) head = { ...head, animations: [clipAnimation(opts.clip, shapes, { retarget })] };
    if (opts.pose) {
      const pose = expressionPose(opts.pose, shapes, { retarget });
      head = {
        ...head,
        morphs: head.morphs.map((m) => ({ ...m, weight: pose.morphs.get(m.name) ?? 0 })),
        joints: head.joints.map((j) => (pose.joints.has(j.name) ? { ...j, rotation: pose.joints.get(j.name)! } : j)),
      };
    }
  }
  // Node's zlib is native: compressing FBX arrays in JS would cost seconds on a 26k-vertex head.
  const bytes = opts.format === 'glb' ? await writeGlb(head) : writeFbx(head, { deflate: (b) => deflateSync(b, { level: 1 }) });
  const wrinkles = head.textures.wrinkles?.length ?? 0;
  const summary =
    `${opts.format.toUpperCase()}, ${(bytes.length / 2 ** 20).toFixed(1)} MiB, ${head.positions.length / 3} vertices, ${head.indices.length / 3} triangles, ` +
    `${head.joints.length} joints, ${head.morphs.length} blendshapes${head.animations.length ? ', 1 animation' : ''}` +
    (opts.clip ? ` (clip "${opts.clip.name}", ${opts.clip.keys.length} keys)` : '') +
    (opts.pose ? `, posed as ${opts.pose.name}` : '') +
    (head.textures.displacement ? `, detail maps (${wrinkles} wrinkle map${wrinkles === 1 ? '' : 's'})` : '');
  return { bytes, summary };
}

/**
 * A subject's detail normal map for the 3D views, as PNG: baked on their neutral export head (the
 * export's map, from the same baker), from `displacement` — the static detail, or that with an
 * expression's wrinkles added. Tangent space, so it fits the head under any expression.
 *
 * ```ts
 * const png = detailNormalForView(model, { shape, detail: maps, displacement: maps.displacement, textureSize: 1024 });
 * ```
 */
export function detailNormalForView(model: HeadModel, o: { shape: ArrayLike<number>; detail: Pick<DetailMaps, 'size' | 'mask'>; displacement: Float32Array; textureSize: number }): Uint8Array {
  const head = buildExportHead(model, { shape: o.shape }, { blendshapes: false, textures: {} });
  return detailNormalPng(model, head, { size: o.detail.size, mask: o.detail.mask, displacement: o.displacement }, { textureSize: o.textureSize, deflate: pngDeflate });
}
