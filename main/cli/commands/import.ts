import path from 'node:path';
import type { ImportFileResult } from '../../../core/api/contract';
import { APP_VERSION, appDataDir } from '../../app-paths';
import { collectSources } from '../../import/collect-sources';
import { Studio } from '../../services/studio';
import { CliUsageError, EXIT, type CliCommand, type CliIO } from '../cli-command';
import { terminalText } from '../terminal-text';

/** `deca-studio import <project> --subject NAME <files or folders…>` */
export const importCommand: CliCommand = {
  name: 'import',
  summary: 'Import photos (files or folders, recursively) into a subject; exit 2 when any file failed',
  usage: 'import <project> (--subject NAME | --subject-per-folder) [--max-megapixels N] <files or folders…>',
  options: {
    subject: { type: 'string' },
    'subject-per-folder': { type: 'boolean' },
    'max-megapixels': { type: 'string' },
  },
  async run({ positionals, values }, io) {
    const [projectDir, ...inputs] = positionals;
    if (!projectDir || inputs.length === 0) throw new CliUsageError('Give a project folder and at least one file or folder');
    const perFolder = values['subject-per-folder'] === true;
    const subjectName = typeof values.subject === 'string' ? values.subject.trim() : '';
    if (perFolder === Boolean(subjectName)) throw new CliUsageError('Give either --subject NAME or --subject-per-folder');
    const maxMp = values['max-megapixels'] === undefined ? undefined : Number(values['max-megapixels']);
    if (maxMp !== undefined && !(maxMp > 0)) throw new CliUsageError('--max-megapixels must be a positive number');

    const studio = new Studio({ mode: 'cli', version: APP_VERSION, settingsDir: appDataDir(), maxImportMegapixels: maxMp });
    const project = await studio.openProject(projectDir);
    const tally = { imported: 0, skipped: 0, failed: 0 };
    const off = studio.events.subscribe((m) => {
      const item = m.event === 'job.updated' ? m.payload.item : null;
      if (item?.kind === 'file') report(io, { source: item.name, outcome: item.outcome === 'done' ? 'imported' : item.outcome, photoId: item.photoId, code: item.code as ImportFileResult['code'], message: item.message }, tally);
    });
    let stoppedEarly: string | null = null;
    const onSignal = () => studio.jobs.cancelAll();
    process.once('SIGINT', onSignal);
    try {
      const groups = perFolder ? await groupByFolder(inputs, io, tally) : new Map([[subjectName, inputs]]);
      for (const [name, paths] of groups) {
        const lib = project.library;
        const subjectId = lib.reads.findSubjectByName(name)?.id ?? lib.writes.createSubject(name);
        const jobId = studio.startImport(subjectId, paths, []);
        const job = await studio.jobs.whenDone(jobId);
        if (job.state !== 'done') {
          stoppedEarly = job.error ?? job.state;
          break;
        }
      }
    } finally {
      off();
      process.off('SIGINT', onSignal);
      await studio.dispose();
    }
    io.out(`${tally.imported} imported, ${tally.skipped} skipped (already in the subject), ${tally.failed} failed`);
    if (stoppedEarly) {
      io.err(`The import stopped: ${terminalText(stoppedEarly)}`);
      return EXIT.failed;
    }
    return tally.failed > 0 ? EXIT.partial : EXIT.ok;
  },
};

function report(io: CliIO, r: ImportFileResult, tally: Record<ImportFileResult['outcome'], number>): void {
  tally[r.outcome]++;
  const line = `${r.outcome.padEnd(8)} ${terminalText(r.source)}${r.message ? `: ${terminalText(r.message)}` : ''}`;
  if (r.outcome === 'failed') io.err(line);
  else io.out(line);
}

/** One subject per folder: the name of the folder each image sits in. */
async function groupByFolder(
  inputs: readonly string[],
  io: CliIO,
  tally: Record<ImportFileResult['outcome'], number>,
): Promise<Map<string, string[]>> {
  const { sources, missing, unreadable } = await collectSources(inputs);
  const groups = new Map<string, string[]>();
  for (const s of sources) {
    const name = path.basename(path.dirname(s.file));
    groups.set(name, [...(groups.get(name) ?? []), s.file]);
  }
  for (const source of missing) {
    report(io, { source, outcome: 'failed', photoId: null, code: 'unreadable', message: 'No such file or folder' }, tally);
  }
  for (const folder of unreadable) report(io, folder, tally);
  return groups;
}
