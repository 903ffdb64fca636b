import { promises as fs } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { demoClip } from '../../../core/export/animation-clip';
import { buildExportHead } from '../../../core/export/export-head';
import { writeFbx } from '../../../core/export/fbx/write-fbx';
import { writeGlb } from '../../../core/export/write-glb';
import { PackStore } from '../../packs/pack-store';
import { writeFileAtomic } from '../../project/atomic-write';
import { CliUsageError, EXIT, type CliCommand } from '../cli-command';
import { headParamArgs } from '../head-param-args';

/** `deca-studio export --pack <id> [--shape …] [--expr …] --format glb|fbx --out FILE` */
export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'Export a rigged head (skeleton, named blendshapes, textures, optional demo animation) as GLB or binary FBX',
  usage: 'export --pack ID [--shape K=W,…] [--expr NAME=W,…] --format glb|fbx --out FILE [--animation demo] [--no-blendshapes] [--texture-size PX]',
  options: {
    pack: { type: 'string' },
    shape: { type: 'string' },
    expr: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    animation: { type: 'string' },
    'no-blendshapes': { type: 'boolean' },
    'texture-size': { type: 'string' },
  },
  async run({ positionals, values }, io) {
    if (positionals.length) throw new CliUsageError(`Unexpected argument "${positionals[0]}"`);
    if (typeof values.pack !== 'string') throw new CliUsageError('Give --pack ID (see: deca-studio packs list)');
    if (typeof values.out !== 'string') throw new CliUsageError('Give --out FILE');
    const format = (values.format ?? path.extname(values.out).slice(1)).toString().toLowerCase();
    if (format !== 'glb' && format !== 'fbx') throw new CliUsageError('--format must be glb or fbx');
    if (values.animation !== undefined && values.animation !== 'demo') throw new CliUsageError('--animation knows only "demo" so far');
    const textureSize = values['texture-size'] === undefined ? 1024 : Number(values['texture-size']);
    if (!Number.isInteger(textureSize) || textureSize < 16 || textureSize > 8192) throw new CliUsageError('--texture-size must be 16…8192');

    const model = await new PackStore().load(values.pack);
    const { shape, expression } = headParamArgs(model, values);
    const blendshapes = values['no-blendshapes'] !== true;
    const t0 = performance.now();
    let head = buildExportHead(model, { shape, expression }, { blendshapes, textureSize });
    if (values.animation === 'demo') head = { ...head, animations: [demoClip(head.morphs.map((m) => m.name))] };
    const bytes = format === 'glb' ? await writeGlb(head) : writeFbx(head, { deflate: (b) => deflateSync(b, { level: 1 }) });
    const out = path.resolve(values.out);
    await fs.mkdir(path.dirname(out), { recursive: true });
    await writeFileAtomic(out, bytes, path.dirname(out));
    const ms = performance.now() - t0;
    io.out(
      `Wrote ${out} (${format.toUpperCase()}, ${(bytes.length / 2 ** 20).toFixed(1)} MiB, ${head.positions.length / 3} vertices, ${head.indices.length / 3} triangles, ` +
        `${head.joints.length} joints, ${head.morphs.length} blendshapes${head.animations.length ? ', 1 animation' : ''}) in ${ms.toFixed(0)} ms`,
    );
    return EXIT.ok;
  },
};
