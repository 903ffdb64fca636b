import { APP_VERSION, appDataDir } from '../../app-paths';
import { installDetail } from '../../deca/detail-store';
import { DETAIL_METHODS } from '../../detail/detail-method';
import type { DetailSummary } from '../../detail/detail-pipeline';
import { checkDetailMethod } from '../../detail/start-detail';
import type { DetailMethod } from '../../detail/stored-detail';
import { Studio } from '../../services/studio';
import { CliUsageError, EXIT, type CliCommand } from '../cli-command';
import { awaitSubjectJobs, requireInstalledPack } from '../pipeline-jobs-cli';
import { subjectOption } from '../subject-option';
import { terminalText } from '../terminal-text';

/** `deca-studio detail <project> [--subject NAME] [--pack ID] [--size 256|512] [--method fitted|deca] [--force]` */
export const detailCommand: CliCommand = {
  name: 'detail',
  summary: 'DECA’s detail stage after the coarse one (run or reused): per subject the UV displacement, wrinkle maps per expression group and each photo’s detail code (a job per subject)',
  usage: 'detail <project> [--subject NAME] [--pack ID] [--size 256|512] [--method fitted|deca] [--force]',
  options: { subject: { type: 'string' }, pack: { type: 'string' }, size: { type: 'string' }, method: { type: 'string' }, force: { type: 'boolean' } },
  async run({ positionals, values }, io) {
    if (positionals.length !== 1) throw new CliUsageError('Give exactly one project folder');
    const size = values.size === undefined ? 256 : Number(values.size);
    if (size !== 256 && size !== 512) throw new CliUsageError(`--size is 256 or 512, not "${String(values.size)}"`);
    const method = values.method as DetailMethod | undefined;
    if (method !== undefined && !DETAIL_METHODS.includes(method)) throw new CliUsageError(`--method is fitted or deca, not "${String(values.method)}"`);
    const studio = new Studio({ mode: 'cli', version: APP_VERSION, settingsDir: appDataDir() });
    const project = await studio.openProject(positionals[0]!);
    const onSignal = () => studio.jobs.cancelAll();
    process.once('SIGINT', onSignal);
    try {
      const subjectId = subjectOption(project, values.subject);
      const packId = typeof values.pack === 'string' ? values.pack : 'starter-head';
      await requireInstalledPack(studio, packId);
      await checkDetailMethod(studio, packId, method, size);
      const summaries: DetailSummary[] = [];
      const jobIds = studio.startDetail({
        subjectId,
        packId,
        size,
        method,
        force: values.force === true,
        onItem: (subject, item) => {
          // Photos are listed only when something went wrong with them (a reused coarse fit is the normal case).
          if (item.kind !== 'stage' && (item.outcome === 'done' || item.code === 'reused')) return;
          const what = item.kind === 'stage' ? `${item.name}: ${item.outcome}${item.seconds === null ? '' : ` in ${item.seconds.toFixed(2)} s`}` : `${item.outcome} ${item.name}`;
          const line = `  ${terminalText(`${subject} ${what}`)}${item.message ? ` (${terminalText(item.message)})` : ''}`;
          if (item.outcome === 'failed') io.err(line);
          else io.out(line);
        },
        onSummary: (subject, s) => {
          summaries.push(s);
          const gain = (1 - s.rmsDetail / s.rmsCoarse) * 100;
          io.out(`${terminalText(subject)}: detail ${s.solved ? 'solved' : 'reused'} for ${s.photos} photos in ${s.seconds.toFixed(1)} s, photometric RMS ${s.rmsCoarse.toFixed(4)} coarse → ${s.rmsDetail.toFixed(4)} with detail (${gain.toFixed(1)} % lower), code length ${s.codeLength}, method ${s.method}`);
        },
      });
      const ok = await awaitSubjectJobs(studio, jobIds, io, 'Detail');
      return ok ? EXIT.ok : EXIT.failed;
    } finally {
      process.off('SIGINT', onSignal);
      await studio.dispose();
    }
  },
};

/** `deca-studio detail install <E_detail.onnx> <D_detail.onnx> --uv head_template.obj --mask uv_face_eye_mask.png [--fixed fixed_displacement_256.npy]` */
export const detailInstallCommand: CliCommand = {
  name: 'detail install',
  summary: "Install DECA's detail networks converted to ONNX (native-models/deca/convert_deca_detail.py) with DECA's UV data files",
  usage: 'detail install <deca-detail-encoder.onnx> <deca-detail-decoder.onnx> --uv head_template.obj --mask uv_face_eye_mask.png [--fixed fixed_displacement_256.npy]',
  options: { uv: { type: 'string' }, mask: { type: 'string' }, fixed: { type: 'string' } },
  async run({ positionals, values }, io) {
    if (positionals.length !== 2) throw new CliUsageError('Give the converted E_detail and D_detail ONNX files, in that order');
    if (typeof values.uv !== 'string') throw new CliUsageError("Give DECA's UV layout: --uv head_template.obj");
    if (typeof values.mask !== 'string') throw new CliUsageError("Give DECA's detail mask: --mask uv_face_eye_mask.png");
    const fixed = typeof values.fixed === 'string' ? values.fixed : null;
    const dir = await installDetail({ encoder: positionals[0]!, decoder: positionals[1]!, uvTemplate: values.uv, mask: values.mask, fixed });
    io.out(`Installed DECA's detail networks at ${dir}${fixed ? '' : ' (no fixed displacement: DECA adds fixed_displacement_256.npy; give --fixed to add it)'}`);
    return EXIT.ok;
  },
};
