import { openProject } from '../../project/project';
import { CliUsageError, EXIT, type CliCommand } from '../cli-command';
import { terminalText } from '../terminal-text';

/** `deca-studio subjects <project> [--json]` */
export const subjectsCommand: CliCommand = {
  name: 'subjects',
  summary: 'List the subjects (people) of a project',
  usage: 'subjects <project> [--json]',
  options: { json: { type: 'boolean' } },
  async run({ positionals, values }, io) {
    if (positionals.length !== 1) throw new CliUsageError('Give exactly one project folder');
    const project = await openProject(positionals[0]!, { readonly: true });
    try {
      const subjects = project.library.reads.listSubjects();
      if (values.json) io.out(JSON.stringify(subjects, null, 2));
      else for (const s of subjects) io.out(`${String(s.id).padStart(4)}  ${terminalText(s.name)}  (${s.photoCount} photos)`);
      return EXIT.ok;
    } finally {
      await project.close();
    }
  },
};
