import { PackStore } from '../../packs/pack-store';
import { CliUsageError, EXIT, type CliCommand } from '../cli-command';

/** `deca-studio packs remove <id>` */
export const packsRemoveCommand: CliCommand = {
  name: 'packs remove',
  summary: 'Uninstall a head-model pack',
  usage: 'packs remove <id>',
  options: {},
  async run({ positionals }, io) {
    if (positionals.length !== 1) throw new CliUsageError('Give one pack id');
    await new PackStore().remove(positionals[0]!);
    io.out(`Removed pack ${positionals[0]}`);
    return EXIT.ok;
  },
};
