import { APP_VERSION, appDataDir } from '../../app-paths';
import { installedEncoderPath } from '../../deca/encoder-store';
import { checkEncoderInit } from '../../reconstruct/encoder-init';
import type { ReconstructSummary } from '../../reconstruct/reconstruct-pipeline';
import { Studio } from '../../services/studio';
import { CliUsageError, EXIT, type CliCommand } from '../cli-command';
import { awaitSubjectJobs, requireInstalledPack } from '../pipeline-jobs-cli';
import { subjectOption } from '../subject-option';
import { terminalText } from '../terminal-text';

/**
 * `deca-studio reconstruct <project> [--subject NAME] [--pack ID] [--force] [--identity] [--init encoder|landmarks]  [--no-refine] [--no-photometric] [--texture-size 1024|2048]`
 * (identity: recognition distance of the rendered head; init encoder: DECA's coarse encoder starts the fit, a FLAME pack needed)
 */
export const reconstructCommand: CliCommand = {
  name: 'reconstruct',
  summary: 'Fit shape, expression, pose and camera to each subject’s photos (one shared shape per subject; a job per subject)',
  usage: 'reconstruct <project> [--subject NAME] [--pack ID] [--force] [--identity] [--init encoder|landmarks] [--no-refine] [--no-photometric] [--texture-size 1024|2048]',
  options: {
    subject: { type: 'string' },
    pack: { type: 'string' },
    force: { type: 'boolean' },
    identity: { type: 'boolean' },
    init: { type: 'string' },
    'no-refine': { type: 'boolean' },
    'no-photometric': { type: 'boolean' },
    'texture-size': { type: 'string' },
  },
  async run({ positionals, values }, io) {
    if (positionals.length !== 1) throw new CliUsageError('Give exactly one project folder');
    const init = values.init ?? 'landmarks';
    if (init !== 'landmarks' && init !== 'encoder') throw new CliUsageError(`--init is "encoder" or "landmarks", not "${String(init)}"`);
    const textureSize = values['texture-size'] === undefined ? 1024 : Number(values['texture-size']);
    if (textureSize !== 1024 && textureSize !== 2048) throw new CliUsageError(`--texture-size is 1024 or 2048, not "${String(values['texture-size'])}"`);
    if (values['no-refine'] === true && init !== 'encoder') throw new CliUsageError('--no-refine needs --init encoder (without a start to keep there is nothing but the fit)');
    const studio = new Studio({ mode: 'cli', version: APP_VERSION, settingsDir: appDataDir() });
    const project = await studio.openProject(positionals[0]!);
    const onSignal = () => studio.jobs.cancelAll();
    process.once('SIGINT', onSignal);
    try {
      const subjectId = subjectOption(project, values.subject);
      const packId = typeof values.pack === 'string' ? values.pack : 'starter-head';
      const pack = await requireInstalledPack(studio, packId);
      if (init === 'encoder') checkEncoderInit(pack, installedEncoderPath(appDataDir()));
      const summaries: ReconstructSummary[] = [];
      const jobIds = studio.startReconstruct({
        subjectId,
        packId,
        force: values.force === true,
        identity: values.identity === true,
        init,
        refine: values['no-refine'] !== true,
        photometric: values['no-photometric'] !== true,
        albedoSize: textureSize,
        onItem: (subject, item) => {
          if (item.kind === 'stage') {
            const line = `  ${item.name}: ${item.outcome} in ${(item.seconds ?? 0).toFixed(2)} s${item.message ? ` (${terminalText(item.message)})` : ''}`;
            if (item.outcome === 'failed') io.err(line);
            else io.out(line);
            return;
          }
          const word = item.outcome === 'done' ? 'fitted' : item.outcome === 'failed' ? 'failed' : item.code === 'reused' ? 'reused' : 'no-face';
          const line = `${word.padEnd(7)} ${terminalText(`${subject}/${item.name}`)}${item.message && item.code !== 'reused' ? `: ${terminalText(item.message)}` : ''}`;
          if (item.outcome === 'failed') io.err(line);
          else io.out(line);
        },
        onSummary: (subject, s) => {
          summaries.push(s);
          const nme = s.meanNme === null ? '' : `, mean NME ${s.meanNme.toFixed(4)}`;
          io.out(`${subject}: ${s.fitted} fitted in ${s.seconds.toFixed(1)} s, ${s.reused} reused, ${s.noFace} without a usable face, ${s.failed} failed${nme}`);
        },
      });
      const ok = await awaitSubjectJobs(studio, jobIds, io, 'Reconstruction');
      if (!ok) return EXIT.failed;
      return summaries.some((s) => s.failed > 0) ? EXIT.partial : EXIT.ok;
    } finally {
      process.off('SIGINT', onSignal);
      await studio.dispose();
    }
  },
};
