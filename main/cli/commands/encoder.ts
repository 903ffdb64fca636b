import { existsSync } from 'node:fs';
import path from 'node:path';
import { APP_VERSION, appDataDir } from '../../app-paths';
import { installedEncoderPath, installEncoder } from '../../deca/encoder-store';
import { Studio } from '../../services/studio';
import { CliUsageError, EXIT, type CliCommand } from '../cli-command';
import { terminalText } from '../terminal-text';

/** `deca-studio encoder install <file.onnx>` */
export const encoderInstallCommand: CliCommand = {
  name: 'encoder install',
  summary: "Install DECA's coarse encoder converted to ONNX (see native-models/deca/convert_deca_encoder.py)",
  usage: 'encoder install <deca-coarse-encoder.onnx>',
  options: {},
  async run({ positionals }, io) {
    if (positionals.length !== 1) throw new CliUsageError('Give the converted ONNX file');
    io.out(`Installed the DECA coarse encoder at ${await installEncoder(positionals[0]!)}`);
    return EXIT.ok;
  },
};

/** `deca-studio encoder encode <image…> --json` */
export const encoderEncodeCommand: CliCommand = {
  name: 'encoder encode',
  summary: "Run DECA's coarse encoder on each image's face crop; print shape, expression, pose, camera and light",
  usage: 'encoder encode <image…> [--model FILE.onnx] [--json]',
  options: { model: { type: 'string' }, json: { type: 'boolean' } },
  async run({ positionals, values }, io) {
    if (positionals.length === 0) throw new CliUsageError('Give at least one image');
    const model = typeof values.model === 'string' ? path.resolve(values.model) : installedEncoderPath();
    if (!existsSync(model)) throw new CliUsageError(`No DECA encoder at ${model}: convert yours and run "deca-studio encoder install <file.onnx>"`);
    // Perception and the encoder run in the studio's inference worker, on the one ONNX engine.
    const studio = new Studio({ mode: 'cli', version: APP_VERSION, settingsDir: appDataDir() });
    const results: unknown[] = [];
    try {
      for (const file of positionals) {
        const { image } = await studio.pool.run('photo.decode', { path: file, maxSide: null });
        const faces = await studio.pool.run('face.analyze', { image }, { lane: 'inference' });
        const face = faces.selected === null ? null : faces.faces[faces.selected]!;
        if (!face?.decaCrop) {
          results.push({ image: file, code: null, status: faces.faces.length ? faces.faces.map((f) => f.status).join(', ') : 'no face' });
          continue;
        }
        const [code] = await studio.pool.run('deca.code', { encoderFile: model, crops: [{ image, toCrop: face.decaCrop.toCrop }] }, { lane: 'inference' });
        const list = (a: Float32Array) => Array.from(a, (v) => Math.round(v * 1e5) / 1e5);
        results.push({
          image: file,
          status: 'ok',
          code: { shape: list(code!.shape), tex: list(code!.tex), exp: list(code!.exp), pose: { global: list(code!.pose.global), jaw: list(code!.pose.jaw) }, cam: code!.cam, light: list(code!.light) },
        });
      }
    } finally {
      await studio.dispose();
    }
    if (values.json) io.out(JSON.stringify(results, null, 2));
    else for (const r of results as { image: string; status: string }[]) io.out(`${r.status.padEnd(8)} ${terminalText(r.image)}`);
    return EXIT.ok;
  },
};
