import path from 'node:path';
import { createProject } from '../../project/project';
import { CliUsageError, EXIT, type CliCommand } from '../cli-command';

/** `deca-studio project create <dir> --name NAME` */
export const projectCreateCommand: CliCommand = {
  name: 'project create',
  summary: 'Create a project folder (e.g. Portraits.decastudio)',
  usage: 'project create <dir> --name NAME',
  options: { name: { type: 'string' } },
  async run({ positionals, values }, io) {
    const [dir] = positionals;
    if (!dir || positionals.length > 1) throw new CliUsageError('Give exactly one project folder');
    const name = typeof values.name === 'string' && values.name.trim() ? values.name.trim() : path.basename(dir, '.decastudio');
    const project = await createProject(dir, name);
    const info = project.info();
    await project.close();
    io.out(`Created project "${info.name}" at ${info.path}`);
    return EXIT.ok;
  },
};
