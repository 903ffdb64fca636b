import type { DetailMaps } from '../../core/detail/detail-maps';
import { detailTexels, expandTexels } from '../../core/detail/detail-texels';
import { expressionGroups } from '../../core/detail/expression-groups';
import { syntheticDetail } from '../../core/detail/synthetic-detail';
import type { HeadModel } from '../../core/head-model/head-model';

/**
 * A detail layer as the detail stage stores one, from the stage's synthetic truth on the model's UVs
 * (forehead lines for 'forehead', crow's feet for 'crowsFeet', static folds and moles): the static
 * map, the mask of texels on the head, and one wrinkle map per expression group (zero for groups the
 * truth leaves smooth) with the group's drivers and jaw opening. What the export and rig tests
 * export and read back.
 *
 * ```ts
 * const maps = syntheticDetailMaps(ict); // 256², seed 7
 * const { bytes } = await exportPackHead(ict, { format: 'glb', detail: maps });
 * ```
 */
export function syntheticDetailMaps(model: HeadModel, options: { size?: number; seed?: number } = {}): DetailMaps {
  const size = options.size ?? 256;
  const texels = detailTexels(model, { size })!;
  const truth = syntheticDetail(model, texels, options.seed ?? 7);
  const mask = new Uint8Array(size * size);
  for (const t of texels.texel) mask[t] = 1;
  return {
    size,
    displacement: expandTexels(texels, truth.statics),
    mask,
    wrinkles: expressionGroups(model).map((g) => ({
      group: g.name,
      displacement: truth.wrinkles.has(g.name) ? expandTexels(texels, truth.wrinkles.get(g.name)!) : new Float32Array(size * size),
      drivers: g.members.map((m) => ({ shape: model.expression.names[m.mode]!, weight: m.weight })),
      jawOpening: g.jawOpening,
    })),
  };
}
