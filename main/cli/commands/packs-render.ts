import { promises as fs } from 'node:fs';
import path from 'node:path';
import { jointIndex } from '../../../core/head-model/head-model';
import { APP_VERSION, appDataDir } from '../../app-paths';
import { Studio } from '../../services/studio';
import { CliUsageError, EXIT, type CliCommand } from '../cli-command';
import { headParamArgs } from '../head-param-args';

/** `deca-studio packs render <id> --out head.png [--expr jawOpen=0.8,…] [--shape 0=2.0,…] [--yaw 30]` */
export const packsRenderCommand: CliCommand = {
  name: 'packs render',
  summary: 'Render a pack head to a PNG (software rasteriser), with optional expression, shape, jaw and yaw',
  usage: 'packs render <id> --out FILE.png [--expr NAME=W,…] [--shape K=W,…] [--jaw RAD] [--yaw DEG] [--pitch DEG] [--size PX]',
  options: {
    out: { type: 'string' },
    expr: { type: 'string' },
    shape: { type: 'string' },
    jaw: { type: 'string' },
    yaw: { type: 'string' },
    pitch: { type: 'string' },
    size: { type: 'string' },
  },
  async run({ positionals, values }, io) {
    if (positionals.length !== 1) throw new CliUsageError('Give one pack id');
    if (typeof values.out !== 'string' || !values.out.toLowerCase().endsWith('.png')) throw new CliUsageError('Give --out FILE.png');
    const num = (name: string, fallback: number, lo: number, hi: number) => {
      const raw = values[name];
      if (raw === undefined) return fallback;
      const v = Number(raw);
      if (!Number.isFinite(v) || v < lo || v > hi) throw new CliUsageError(`--${name} must be a number from ${lo} to ${hi}`);
      return v;
    };
    const studio = new Studio({ mode: 'cli', version: APP_VERSION, settingsDir: appDataDir() });
    try {
      const pack = await studio.models.pack(positionals[0]!);
      const model = pack.model;
      const { shape, expression } = headParamArgs(model, values);
      const pose = new Array<number>(model.joints.names.length * 3).fill(0);
      pose[jointIndex(model, 'jaw') * 3] = num('jaw', 0, -1, 1);
      const size = num('size', 512, 16, 4096);
      const png = await studio.pool.run('pack.render', { pack, shape: Array.from(shape), expression: Array.from(expression), pose, size, yawDeg: num('yaw', 0, -180, 180), pitchDeg: num('pitch', 0, -90, 90) });
      await fs.writeFile(values.out, png);
      io.out(`Wrote ${path.resolve(values.out)}`);
      return EXIT.ok;
    } finally {
      await studio.dispose();
    }
  },
};
