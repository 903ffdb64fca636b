import path from 'node:path';
import { APP_VERSION, appDataDir } from '../../app-paths';
import { exportHeadFile } from '../../export/export-head-file';
import { Studio } from '../../services/studio';
import { writeClipCsv, writeExpressionCsv, writeSavedExpressionCsv } from '../../expression/clip-library';
import { openProject } from '../../project/project';
import { CliUsageError, EXIT, type CliCommand, type CliIO } from '../cli-command';
import { headParamArgs } from '../head-param-args';
import { subjectOption } from '../subject-option';

/**
 * `deca-studio export [<project> --subject NAME] --pack <id> [--shape …] [--expr …] --format glb|fbx --out FILE`, and with a
 * project `--clip NAME` (the clip as the head's animation), `--expression-from PHOTO_ID` (the head posed with that photo's
 * expression) or `--expression NAME` (posed with a saved expression); `--format arkit-csv` writes the clip (or the one
 * expression) alone in Live Link Face's CSV layout.
 */
export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'Export a rigged head (skeleton, named blendshapes, textures, optional demo animation) as GLB or binary FBX',
  usage:
    'export [<project> --subject NAME] --pack ID [--shape K=W,…] [--expr NAME=W,…] --format glb|fbx --out FILE [--animation demo] [--no-blendshapes] [--no-textures] [--texture-size PX]\n' +
    '       export <project> --subject NAME (--clip NAME | --expression-from PHOTO_ID | --expression NAME) --format glb|fbx|arkit-csv --out FILE',
  options: {
    pack: { type: 'string' },
    subject: { type: 'string' },
    shape: { type: 'string' },
    expr: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    animation: { type: 'string' },
    clip: { type: 'string' },
    'expression-from': { type: 'string' },
    expression: { type: 'string' },
    'no-blendshapes': { type: 'boolean' },
    'no-textures': { type: 'boolean' },
    'texture-size': { type: 'string' },
  },
  async run({ positionals, values }, io) {
    if (positionals.length > 1) throw new CliUsageError(`Unexpected argument "${positionals[1]}"`);
    const subjectName = typeof values.subject === 'string' ? values.subject : null;
    if (typeof values.out !== 'string') throw new CliUsageError('Give --out FILE');
    const format = (values.format ?? (path.extname(values.out).toLowerCase() === '.csv' ? 'arkit-csv' : path.extname(values.out).slice(1))).toString().toLowerCase();
    if (format !== 'glb' && format !== 'fbx' && format !== 'arkit-csv') throw new CliUsageError('--format must be glb, fbx or arkit-csv');
    const clipName = typeof values.clip === 'string' ? values.clip : undefined;
    const fromPhoto = values['expression-from'] === undefined ? undefined : Number(values['expression-from']);
    if (fromPhoto !== undefined && !(Number.isSafeInteger(fromPhoto) && fromPhoto > 0)) throw new CliUsageError('--expression-from takes a photo id (see: deca-studio photos <project> --json)');
    const savedName = typeof values.expression === 'string' ? values.expression : undefined;
    if (savedName !== undefined && !savedName.trim()) throw new CliUsageError('--expression takes the name of a saved expression');
    const motions = [clipName !== undefined && '--clip NAME', fromPhoto !== undefined && '--expression-from PHOTO_ID', savedName !== undefined && '--expression NAME'].filter((m) => m !== false);
    if (motions.length > 1) throw new CliUsageError(`Give one of --clip NAME, --expression-from PHOTO_ID or --expression NAME, not ${motions.join(' and ')}`);
    if (motions.length && positionals.length !== 1) throw new CliUsageError('Clips and expressions come from a project: give <project>');
    if (format === 'arkit-csv') return exportCsv(positionals[0], subjectName, { clipName, fromPhoto, savedName }, values.out, io);
    if ((positionals.length === 1) !== (subjectName !== null)) throw new CliUsageError('A subject is exported from a project: give both <project> and --subject NAME');
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
          clip: clipName,
          expressionFromPhotoId: fromPhoto,
          savedExpression: savedName,
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

/** `--format arkit-csv`: the clip (or one photo's or saved expression as a one-frame clip) alone, in Live Link Face's CSV layout. */
async function exportCsv(
  projectDir: string | undefined,
  subjectName: string | null,
  { clipName, fromPhoto, savedName }: { clipName?: string; fromPhoto?: number; savedName?: string },
  out: string,
  io: CliIO,
): Promise<number> {
  if (clipName === undefined && fromPhoto === undefined && savedName === undefined) {
    throw new CliUsageError('--format arkit-csv writes a clip: give <project> and --clip NAME (or --expression-from PHOTO_ID, or --expression NAME)');
  }
  const project = await openProject(projectDir!, { readonly: true });
  try {
    // The subject does not change an ARKit CSV (it carries weights, not a head), but a wrong name is still an error.
    subjectOption(project, subjectName);
    const t0 = performance.now();
    const written =
      clipName !== undefined
        ? await writeClipCsv(project, clipName, out)
        : savedName !== undefined
          ? await writeSavedExpressionCsv(project, savedName, out)
          : await writeExpressionCsv(project, fromPhoto!, out);
    io.out(`Wrote ${written.path} (ARKit CSV, Live Link Face layout: ${written.rows} rows, ${written.bytes} bytes) in ${(performance.now() - t0).toFixed(0)} ms`);
    return EXIT.ok;
  } finally {
    await project.close();
  }
}
