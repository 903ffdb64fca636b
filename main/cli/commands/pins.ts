import { promises as fs } from 'node:fs';
import { ApiError } from '../../../core/api/api-error';
import type { PhotoPinsView } from '../../../core/api/contract';
import { INPUT_LIMITS, LimitError } from '../../../core/limits/input-limits';
import { APP_VERSION, appDataDir } from '../../app-paths';
import { installedPackStore } from '../../packs/starter-pack';
import { openProject } from '../../project/project';
import { photoPinsView, refitPinnedPhoto, setPhotoPins, undoPhotoPins } from '../../reconstruct/photo-pin-edits';
import { Studio } from '../../services/studio';
import { CliUsageError, EXIT, type CliCommand, type CliIO } from '../cli-command';

/** The photo id of `--photo ID`. */
function photoOption(values: Record<string, unknown>): number {
  const raw = values.photo;
  const id = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id) || id < 1) throw new CliUsageError(`--photo needs a photo id (a positive integer; see deca-studio photos), not ${raw === undefined ? 'nothing' : `"${String(raw)}"`}`);
  return id;
}

function printPins(view: PhotoPinsView, json: boolean, io: CliIO): void {
  if (json) {
    io.out(JSON.stringify(view, null, 2));
    return;
  }
  io.out(`photo ${view.photoId}: ${view.pins.length} pins${view.pack ? ` (surface pins on ${view.pack})` : ''}, ${view.undoable} changes to undo${view.fitStale ? '; its fit is stale: run deca-studio reconstruct' : ''}`);
  for (const p of view.pins) io.out('landmark' in p ? `  landmark ${p.landmark} → (${p.x}, ${p.y})` : `  triangle ${p.triangle} [${p.barycentric.map((w) => w.toFixed(3)).join(', ')}] → (${p.x}, ${p.y})`);
}

/** One project and photo per pins verb; the library is opened writable only for changes. */
async function withProject<T>(positionals: string[], readonly: boolean, work: (project: Awaited<ReturnType<typeof openProject>>) => Promise<T>): Promise<T> {
  if (positionals.length !== 1) throw new CliUsageError('Give exactly one project folder');
  const project = await openProject(positionals[0]!, { readonly });
  try {
    return await work(project);
  } finally {
    await project.close();
  }
}

/** `deca-studio pins set <project> --photo ID --file pins.json [--json]` */
export const pinsSetCommand: CliCommand = {
  name: 'pins set',
  summary: 'Replace a photo’s pins with those of a pins.json file (landmark overrides and surface points; undoable); its subject is refitted on the next reconstruct',
  usage: 'pins set <project> --photo ID --file pins.json [--json]',
  options: { photo: { type: 'string' }, file: { type: 'string' }, json: { type: 'boolean' } },
  async run({ positionals, values }, io) {
    const photoId = photoOption(values);
    if (typeof values.file !== 'string') throw new CliUsageError('--file needs a pins.json file');
    const file = values.file;
    const stat = await fs.stat(file).catch(() => null);
    if (!stat?.isFile()) throw new ApiError('not-found', `No pins file at ${file}`);
    if (stat.size > INPUT_LIMITS.pinsFileBytes) throw new LimitError('pinsFileBytes', `${file} has ${stat.size} bytes`);
    let value: unknown;
    try {
      value = JSON.parse(await fs.readFile(file, 'utf8'));
    } catch (error) {
      throw new ApiError('bad-request', `pins: ${file} is not JSON (${(error as Error).message})`);
    }
    const view = await withProject(positionals, false, (project) => setPhotoPins(project, () => installedPackStore(), photoId, value));
    printPins(view, values.json === true, io);
    return EXIT.ok;
  },
};

/** `deca-studio pins get <project> --photo ID [--json]` */
export const pinsGetCommand: CliCommand = {
  name: 'pins get',
  summary: 'Print a photo’s pins (in the pins.json format with --json) and whether its fit is stale',
  usage: 'pins get <project> --photo ID [--json]',
  options: { photo: { type: 'string' }, json: { type: 'boolean' } },
  async run({ positionals, values }, io) {
    const photoId = photoOption(values);
    printPins(await withProject(positionals, true, async (project) => photoPinsView(project, photoId)), values.json === true, io);
    return EXIT.ok;
  },
};

/** `deca-studio pins undo <project> --photo ID [--json]` */
export const pinsUndoCommand: CliCommand = {
  name: 'pins undo',
  summary: 'Take back a photo’s last pin change',
  usage: 'pins undo <project> --photo ID [--json]',
  options: { photo: { type: 'string' }, json: { type: 'boolean' } },
  async run({ positionals, values }, io) {
    const photoId = photoOption(values);
    printPins(await withProject(positionals, false, async (project) => undoPhotoPins(project, photoId)), values.json === true, io);
    return EXIT.ok;
  },
};

/** `deca-studio pins clear <project> --photo ID [--json]` */
export const pinsClearCommand: CliCommand = {
  name: 'pins clear',
  summary: 'Remove every pin of a photo (undoable)',
  usage: 'pins clear <project> --photo ID [--json]',
  options: { photo: { type: 'string' }, json: { type: 'boolean' } },
  async run({ positionals, values }, io) {
    const photoId = photoOption(values);
    printPins(await withProject(positionals, false, (project) => setPhotoPins(project, () => installedPackStore(), photoId, { pins: [] })), values.json === true, io);
    return EXIT.ok;
  },
};

/** `deca-studio pins refit <project> --photo ID [--pack ID] [--json]` */
export const pinsRefitCommand: CliCommand = {
  name: 'pins refit',
  summary: 'Refit one photo with its pins and its subject’s shape held (the studio’s drag path; prints the fit, stores nothing)',
  usage: 'pins refit <project> --photo ID [--pack ID] [--json]',
  options: { photo: { type: 'string' }, pack: { type: 'string' }, json: { type: 'boolean' } },
  async run({ positionals, values }, io) {
    const photoId = photoOption(values);
    if (positionals.length !== 1) throw new CliUsageError('Give exactly one project folder');
    const studio = new Studio({ mode: 'cli', version: APP_VERSION, settingsDir: appDataDir() });
    try {
      await studio.openProject(positionals[0]!);
      const view = await refitPinnedPhoto(studio, photoId, typeof values.pack === 'string' ? values.pack : undefined);
      if (values.json) io.out(JSON.stringify(view, null, 2));
      else io.out(`photo ${photoId} on ${view.packId}: ${view.pinCount} pins, NME ${view.nme.toFixed(4)}, ${view.iterations} LM steps, ${view.seconds.toFixed(3)} s`);
      return EXIT.ok;
    } finally {
      await studio.dispose();
    }
  },
};
