import { promises as fs } from 'node:fs';
import path from 'node:path';
import { exportPackHead } from '../../export/export-pack-head';
import { ApiError } from '../../../core/api/api-error';
import { installedPackStore } from '../../packs/starter-pack';
import { openProject } from '../../project/project';
import { subjectShape } from '../../reconstruct/subject-shape';
import { subjectTexture } from '../../reconstruct/subject-texture';
import { writeFileAtomic } from '../../project/atomic-write';
import { CliUsageError, EXIT, type CliCommand } from '../cli-command';
import { headParamArgs } from '../head-param-args';

/** `deca-studio export [<project> --subject NAME] --pack <id> [--shape …] [--expr …] --format glb|fbx --out FILE` */
export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'Export a rigged head (skeleton, named blendshapes, textures, optional demo animation) as GLB or binary FBX',
  usage: 'export [<project> --subject NAME] --pack ID [--shape K=W,…] [--expr NAME=W,…] --format glb|fbx --out FILE [--animation demo] [--no-blendshapes] [--no-textures] [--texture-size PX]',
  options: {
    pack: { type: 'string' },
    subject: { type: 'string' },
    shape: { type: 'string' },
    expr: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    animation: { type: 'string' },
    'no-blendshapes': { type: 'boolean' },
    'no-textures': { type: 'boolean' },
    'texture-size': { type: 'string' },
  },
  async run({ positionals, values }, io) {
    if (positionals.length > 1) throw new CliUsageError(`Unexpected argument "${positionals[1]}"`);
    const subjectName = typeof values.subject === 'string' ? values.subject : null;
    if ((positionals.length === 1) !== (subjectName !== null)) throw new CliUsageError('A subject is exported from a project: give both <project> and --subject NAME');
    // A subject's head takes the pack and shape of its reconstruction.
    const person = subjectName === null ? null : await reconstructedShape(positionals[0]!, subjectName, typeof values.pack === 'string' ? values.pack : undefined);
    const packId = person?.packId ?? values.pack;
    if (typeof packId !== 'string') throw new CliUsageError('Give --pack ID (see: deca-studio packs list)');
    if (typeof values.out !== 'string') throw new CliUsageError('Give --out FILE');
    const format = (values.format ?? path.extname(values.out).slice(1)).toString().toLowerCase();
    if (format !== 'glb' && format !== 'fbx') throw new CliUsageError('--format must be glb or fbx');
    if (values.animation !== undefined && values.animation !== 'demo' && values.animation !== 'none') throw new CliUsageError('--animation is "demo" or "none"');
    const textureSize = values['texture-size'] === undefined ? 1024 : Number(values['texture-size']);
    if (!Number.isInteger(textureSize) || textureSize < 16 || textureSize > 8192) throw new CliUsageError('--texture-size must be 16…8192');

    const model = await (await installedPackStore()).load(packId);
    const args = headParamArgs(model, values);
    const shape = person ? Float64Array.from(person.shape) : args.shape;
    const expression = args.expression;
    const t0 = performance.now();
    const texture = person && values['no-textures'] !== true && model.uv ? await subjectTexture(person.project, model, person.subjectId, textureSize) : null;
    await person?.project.close();
    const { bytes, summary } = await exportPackHead(model, {
      albedoPng: texture?.png,
      format,
      shape,
      expression,
      blendshapes: values['no-blendshapes'] !== true,
      textures: values['no-textures'] !== true,
      animation: values.animation === 'demo' ? 'demo' : 'none',
      textureSize,
    });
    const out = path.resolve(values.out);
    await fs.mkdir(path.dirname(out), { recursive: true });
    await writeFileAtomic(out, bytes, path.dirname(out));
    io.out(`Wrote ${out} (${summary}${person ? `, ${subjectName}'s shape from ${person.photoCount} photos` : ''}) in ${(performance.now() - t0).toFixed(0)} ms`);
    return EXIT.ok;
  },
};

/** The subject's reconstructed shape, with the (read-only) project kept open for its texture. */
async function reconstructedShape(projectDir: string, subjectName: string, packId: string | undefined) {
  const project = await openProject(projectDir, { readonly: true });
  try {
    const subject = project.library.reads.findSubjectByName(subjectName);
    if (!subject) throw new ApiError('not-found', `No subject named "${subjectName}"`);
    return { ...subjectShape(project, subject.id, packId), project, subjectId: subject.id };
  } catch (error) {
    await project.close();
    throw error;
  }
}
