import { ApiError } from '../../../core/api/api-error';
import { openProject } from '../../project/project';
import { CliUsageError, EXIT, type CliCommand } from '../cli-command';
import { terminalText } from '../terminal-text';

/** `deca-studio photos <project> [--subject NAME] [--json]` */
export const photosCommand: CliCommand = {
  name: 'photos',
  summary: "List a project's photos, optionally of one subject",
  usage: 'photos <project> [--subject NAME] [--json]',
  options: { subject: { type: 'string' }, json: { type: 'boolean' } },
  async run({ positionals, values }, io) {
    if (positionals.length !== 1) throw new CliUsageError('Give exactly one project folder');
    const project = await openProject(positionals[0]!, { readonly: true });
    try {
      const reads = project.library.reads;
      let subjectId: number | undefined;
      if (typeof values.subject === 'string') {
        const subject = reads.findSubjectByName(values.subject);
        if (!subject) throw new ApiError('not-found', `No subject named "${values.subject}"`);
        subjectId = subject.id;
      }
      const photos = reads.listPhotos(subjectId);
      if (values.json) io.out(JSON.stringify(photos, null, 2));
      else for (const p of photos) io.out(`${String(p.id).padStart(5)}  ${terminalText(p.originalName)}  ${p.width}×${p.height} ${p.format}  ${p.sha256.slice(0, 12)}`);
      return EXIT.ok;
    } finally {
      await project.close();
    }
  },
};
