import { PackStore } from '../../packs/pack-store';
import { readModelSource } from '../../packs/import-model-source';
import { CliUsageError, EXIT, type CliCommand } from '../cli-command';

/** `deca-studio packs import <path>` */
export const packsImportCommand: CliCommand = {
  name: 'packs import',
  summary: 'Install a head model as a pack (ICT-FaceKit zip or folder, FLAME .pkl, or "starter": the MediaPipe canonical face)',
  usage: 'packs import <path | starter>',
  options: {},
  async run({ positionals }, io) {
    if (positionals.length !== 1) throw new CliUsageError('Give exactly one zip, folder or .pkl');
    const t0 = performance.now();
    let shown = -1;
    const model = await readModelSource(positionals[0]!, (f) => {
      const pct = Math.floor(f * 10) * 10;
      if (pct !== shown) io.err(`reading… ${(shown = pct)}%`);
    });
    const dir = await new PackStore().save(model);
    io.out(`Installed "${model.name}" as pack ${model.id} (${model.vertexCount} vertices, ${model.shape.count} shape + ${model.expression.count} expression modes) in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${dir}`);
    return EXIT.ok;
  },
};
