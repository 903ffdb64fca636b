import path from 'node:path';
import sharp from 'sharp';
import { jointIndex } from '../../../core/head-model/head-model';
import { HeadModelEvaluator } from '../../../core/head-model/head-model-evaluator';
import { renderHeadPreview } from '../../../core/geometry/render-head-preview';
import { installedPackStore } from '../../packs/starter-pack';
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
    const model = await (await installedPackStore()).load(positionals[0]!);
    const { shape, expression } = headParamArgs(model, values);
    const pose = new Float64Array(model.joints.names.length * 3);
    pose[jointIndex(model, 'jaw') * 3] = num('jaw', 0, -1, 1);
    const size = num('size', 512, 16, 4096);
    const out = new HeadModelEvaluator(model).evaluate({ shape, expression, pose });
    const rgba = renderHeadPreview(model, out.vertices, out.normals, { width: size, height: size, yawDeg: num('yaw', 0, -180, 180), pitchDeg: num('pitch', 0, -90, 90) });
    await sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), { raw: { width: size, height: size, channels: 4 } }).png().toFile(values.out);
    io.out(`Wrote ${path.resolve(values.out)}`);
    return EXIT.ok;
  },
};
