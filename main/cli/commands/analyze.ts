import { APP_VERSION, appDataDir } from '../../app-paths';
import { parseProviderPreference, readProviderSetting } from '../../inference/execution-providers';
import type { AnalyzeSummary } from '../../perception/analyze-photos';
import { Studio } from '../../services/studio';
import { CliUsageError, EXIT, type CliCommand } from '../cli-command';
import { subjectOption } from '../subject-option';
import { terminalText } from '../terminal-text';

/** `deca-studio analyze <project> [--subject NAME] [--force] [--provider P]` */
export const analyzeCommand: CliCommand = {
  name: 'analyze',
  summary: "Find faces, landmarks, mesh, pose and embedding in a project's photos and store them (a job; exit 2 if a photo failed)",
  usage: 'analyze <project> [--subject NAME] [--force] [--provider auto|cpu|cuda|dml|coreml]',
  options: { subject: { type: 'string' }, force: { type: 'boolean' }, provider: { type: 'string' } },
  async run({ positionals, values }, io) {
    if (positionals.length !== 1) throw new CliUsageError('Give exactly one project folder');
    let provider;
    try {
      provider = typeof values.provider === 'string' ? parseProviderPreference(values.provider) : readProviderSetting(appDataDir());
    } catch (e) {
      throw new CliUsageError((e as Error).message);
    }
    const studio = new Studio({ mode: 'cli', version: APP_VERSION, settingsDir: appDataDir(), provider });
    const project = await studio.openProject(positionals[0]!);
    const onSignal = () => studio.jobs.cancelAll();
    process.once('SIGINT', onSignal);
    try {
      const subjectId = subjectOption(project, values.subject);
      let summary: AnalyzeSummary | null = null;
      const jobId = studio.startAnalyze({
        subjectId,
        force: values.force === true,
        onPhoto: (name, outcome, message) => {
          const line = `${outcome.padEnd(8)} ${terminalText(name)}${message ? `: ${terminalText(message)}` : ''}`;
          if (outcome === 'failed') io.err(line);
          else io.out(line);
        },
        onSummary: (s) => (summary = s),
      });
      const job = await studio.jobs.whenDone(jobId);
      const s = summary as AnalyzeSummary | null;
      if (s) io.out(`${s.analyzed} analysed (${s.withoutUsableFace} without a usable face), ${s.skipped} skipped (already analysed), ${s.failed} failed`);
      if (job.state !== 'done') {
        io.err(`The analysis stopped: ${job.error ?? job.state}`);
        return EXIT.failed;
      }
      return s && s.failed > 0 ? EXIT.partial : EXIT.ok;
    } finally {
      process.off('SIGINT', onSignal);
      await studio.dispose();
    }
  },
};
