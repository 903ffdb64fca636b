import { APP_VERSION, appDataDir } from '../../app-paths';
import { parseProviderPreference, readProviderSetting } from '../../inference/execution-providers';
import { Studio } from '../../services/studio';
import { CliUsageError, EXIT, type CliCommand } from '../cli-command';
import { terminalText } from '../terminal-text';

/** `deca-studio landmarks <image…> [--json] [--face N] [--no-mesh] [--provider P]` */
export const landmarksCommand: CliCommand = {
  name: 'landmarks',
  summary: 'Detect faces; print boxes, 68 landmarks, 468-point mesh, head pose and embedding per image (exit 2 if an image failed)',
  usage: 'landmarks <image…> [--json] [--face N] [--no-mesh] [--provider auto|cpu|cuda|dml|coreml]',
  options: { json: { type: 'boolean' }, face: { type: 'string' }, 'no-mesh': { type: 'boolean' }, provider: { type: 'string' } },
  async run({ positionals, values }, io) {
    if (positionals.length === 0) throw new CliUsageError('Give at least one image');
    const faceIndex = values.face === undefined ? undefined : Number(values.face);
    if (faceIndex !== undefined && !(Number.isInteger(faceIndex) && faceIndex >= 0)) throw new CliUsageError('--face must be a face index (0 = largest)');
    let provider;
    try {
      provider = typeof values.provider === 'string' ? parseProviderPreference(values.provider) : readProviderSetting(appDataDir());
    } catch (e) {
      throw new CliUsageError((e as Error).message);
    }
    // The studio's own perception: decoded and analysed in its workers, the ONNX sessions in the inference worker.
    const studio = new Studio({ mode: 'cli', version: APP_VERSION, settingsDir: appDataDir(), provider });
    const results: object[] = [];
    let failed = 0;
    try {
      for (const image of positionals) {
        let photo;
        try {
          const decoded = await studio.pool.run('photo.decode', { path: image, maxSide: null });
          photo = await studio.pool.run('face.analyze', { image: decoded.image, faceIndex, mesh: values['no-mesh'] !== true }, { lane: 'inference' });
        } catch (e) {
          const message = (e as Error).message;
          // A broken model affects every image: stop with that error rather than repeat it.
          if ((e as { code?: unknown }).code === 'model-file') throw e;
          failed++;
          results.push({ image, error: message, faces: [] });
          if (!values.json) io.err(`${terminalText(image)}: ${terminalText(message)}`);
          continue;
        }
        results.push({ image, width: photo.width, height: photo.height, selected: photo.selected, faces: photo.faces });
        if (!values.json) {
          io.out(`${terminalText(image)}: ${photo.faces.length} face(s)`);
          photo.faces.forEach((f, i) => {
            const pose = f.pose ? ` yaw ${f.pose.yaw.toFixed(1)}° pitch ${f.pose.pitch.toFixed(1)}° roll ${f.pose.roll.toFixed(1)}°` : '';
            io.out(`  ${i === photo.selected ? '*' : ' '}${i} ${f.status.padEnd(16)} box ${f.box.map((v) => Math.round(v)).join(',')} score ${f.score.toFixed(2)}${pose}`);
          });
        }
      }
    } finally {
      await studio.dispose();
    }
    if (values.json) io.out(JSON.stringify(results));
    if (failed > 0) io.err(`${failed} of ${positionals.length} image(s) could not be read`);
    return failed > 0 ? EXIT.partial : EXIT.ok;
  },
};
