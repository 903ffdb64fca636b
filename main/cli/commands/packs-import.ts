import { PackStore } from '../../packs/pack-store';
import { readModelSource } from '../../packs/import-model-source';
import { CliUsageError, EXIT, type CliCommand } from '../cli-command';

/** `deca-studio packs import <path>` */
export const packsImportCommand: CliCommand = {
  name: 'packs import',
  summary: 'Install a head model as a pack (ICT-FaceKit zip or folder, FLAME .pkl with optional landmark embedding, masks and DECA’s UV layout)',
  usage: 'packs import <path> [--landmarks landmark_embedding.npy] [--masks FLAME_masks.pkl] [--uv head_template.obj]',
  options: { landmarks: { type: 'string' }, masks: { type: 'string' }, uv: { type: 'string' } },
  async run({ positionals, values }, io) {
    if (positionals.length !== 1) throw new CliUsageError('Give exactly one zip, folder or .pkl');
    const t0 = performance.now();
    let shown = -1;
    const model = await readModelSource(positionals[0]!, {
      onProgress: (f) => {
        const pct = Math.floor(f * 10) * 10;
        if (pct !== shown) io.err(`reading… ${(shown = pct)}%`);
      },
      flameLandmarks: typeof values.landmarks === 'string' ? values.landmarks : undefined,
      flameMasks: typeof values.masks === 'string' ? values.masks : undefined,
      flameUv: typeof values.uv === 'string' ? values.uv : undefined,
    });
    const dir = await new PackStore().save(model);
    io.out(`Installed "${model.name}" as pack ${model.id} (${model.vertexCount} vertices, ${model.shape.count} shape + ${model.expression.count} expression modes) in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${dir}`);
    return EXIT.ok;
  },
};
