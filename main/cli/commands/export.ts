import path from 'node:path';
import { APP_VERSION, appDataDir } from '../../app-paths';
import { exportHeadFile } from '../../export/export-head-file';
import { Studio } from '../../services/studio';
import { CliUsageError, EXIT, type CliCommand } from '../cli-command';
import { headParamArgs } from '../head-param-args';
import { subjectOption } from '../subject-option';

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
    if (typeof values.out !== 'string') throw new CliUsageError('Give --out FILE');
    const format = (values.format ?? path.extname(values.out).slice(1)).toString().toLowerCase();
    if (format !== 'glb' && format !== 'fbx') throw new CliUsageError('--format must be glb or fbx');
    if (values.animation !== undefined && values.animation !== 'demo' && values.animation !== 'none') throw new CliUsageError('--animation is "demo" or "none"');
    // Unset: a subject's stored albedo size (1024², or 2048² after reconstruct --texture-size 2048); 1024 for a pack head.
    const textureSize = values['texture-size'] === undefined ? undefined : Number(values['texture-size']);
    if (textureSize !== undefined && (!Number.isInteger(textureSize) || textureSize < 16 || textureSize > 8192)) throw new CliUsageError('--texture-size must be 16…8192');
    const t0 = performance.now();
    const studio = new Studio({ mode: 'cli', version: APP_VERSION, settingsDir: appDataDir() });
    try {
      // Read-only: an export only reads the library, so it works while the studio has the project open.
      const project = positionals.length ? await studio.openProject(positionals[0]!, { readonly: true }) : null;
      const subjectId = project ? subjectOption(project, subjectName) : undefined;
      // A subject's head takes the pack of their newest reconstruction unless one is named.
      const packId = typeof values.pack === 'string' ? values.pack : subjectId !== undefined ? project!.library.reconstructions.latestForSubject(subjectId)?.packId : undefined;
      if (typeof packId !== 'string') throw new CliUsageError(subjectId !== undefined ? `"${subjectName}" has no reconstruction yet: run deca-studio reconstruct first` : 'Give --pack ID (see: deca-studio packs list)');
      await studio.ensureStarterPack();
      const args = headParamArgs((await studio.models.pack(packId)).model, values);
      const written = await exportHeadFile(
        studio,
        project,
        {
          packId,
          subjectId,
          format,
          shape: Array.from(args.shape),
          expression: Array.from(args.expression),
          blendshapes: values['no-blendshapes'] !== true,
          textures: values['no-textures'] !== true,
          animation: values.animation === 'demo' ? 'demo' : 'none',
          textureSize,
        },
        values.out,
      );
      const person = written.reconstructionId === null ? '' : `, ${subjectName}'s shape from ${written.photoCount} photos (reconstruction ${written.reconstructionId})`;
      io.out(`Wrote ${written.path} (${written.summary}${person}) in ${(performance.now() - t0).toFixed(0)} ms`);
      return EXIT.ok;
    } finally {
      await studio.dispose();
    }
  },
};
