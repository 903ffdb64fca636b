import { installedPackStore } from '../../packs/starter-pack';
import { CliUsageError, EXIT, type CliCommand } from '../cli-command';

/** `deca-studio packs list [--json]` */
export const packsListCommand: CliCommand = {
  name: 'packs list',
  summary: 'List the installed head-model packs',
  usage: 'packs list [--json]',
  options: { json: { type: 'boolean' } },
  async run({ positionals, values }, io) {
    if (positionals.length) throw new CliUsageError('packs list takes no arguments');
    const packs = await (await installedPackStore()).list();
    if (values.json) io.out(JSON.stringify(packs, null, 2));
    else if (!packs.length) io.out('No model packs installed. Add one with: deca-studio packs import <ICT-FaceKit zip or folder | FLAME .pkl>');
    else for (const p of packs) io.out(`${p.id.padEnd(16)} ${p.name}  ${p.vertexCount} vertices, ${p.shapeCount} shape + ${p.expressionCount} expression modes, ${(p.bytes / 2 ** 20).toFixed(1)} MiB`);
    return EXIT.ok;
  },
};
