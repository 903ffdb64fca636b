import { deflateSync } from 'node:zlib';
import { demoClip } from '../../core/export/animation-clip';
import { flatNormalMap } from '../../core/export/default-textures';
import { buildExportHead } from '../../core/export/export-head';
import { writeFbx } from '../../core/export/fbx/write-fbx';
import { writeGlb } from '../../core/export/write-glb';
import type { HeadModel } from '../../core/head-model/head-model';

export interface ExportPackHeadOptions {
  format: 'glb' | 'fbx';
  shape?: ArrayLike<number>;
  expression?: ArrayLike<number>;
  blendshapes?: boolean;
  animation?: 'none' | 'demo';
  /** Embed albedo and normal maps (false: geometry, rig and shapes only). */
  textures?: boolean;
  /** A PNG albedo in the model's UV layout (e.g. a subject's texture from their photos). */
  albedoPng?: Uint8Array;
  textureSize?: number;
}

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
 * ```
 */
export async function exportPackHead(model: HeadModel, options: ExportPackHeadOptions): Promise<ExportedHead> {
  const opts = { ...EXPORT_PACK_HEAD_DEFAULTS, ...options };
  let head = buildExportHead(model, { shape: opts.shape, expression: opts.expression }, {
    blendshapes: opts.blendshapes,
    textureSize: opts.textureSize,
    textures: !opts.textures ? {} : opts.albedoPng ? { albedo: opts.albedoPng, normal: flatNormalMap(opts.textureSize) } : undefined,
  });
  if (opts.animation === 'demo') head = { ...head, animations: [demoClip(head.morphs.map((m) => m.name))] };
  // Node's zlib is native: compressing FBX arrays in JS would cost seconds on a 26k-vertex head.
  const bytes = opts.format === 'glb' ? await writeGlb(head) : writeFbx(head, { deflate: (b) => deflateSync(b, { level: 1 }) });
  const summary =
    `${opts.format.toUpperCase()}, ${(bytes.length / 2 ** 20).toFixed(1)} MiB, ${head.positions.length / 3} vertices, ${head.indices.length / 3} triangles, ` +
    `${head.joints.length} joints, ${head.morphs.length} blendshapes${head.animations.length ? ', 1 animation' : ''}`;
  return { bytes, summary };
}
