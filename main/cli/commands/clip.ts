import { APP_VERSION, appDataDir } from '../../app-paths';
import { createClipFromPhotos } from '../../expression/clip-library';
import { openProject } from '../../project/project';
import { Studio } from '../../services/studio';
import { createClipFromVideo } from '../../video/clip-from-video';
import { CliUsageError, EXIT, type CliArgs, type CliCommand, type CliIO } from '../cli-command';
import { subjectOption } from '../subject-option';
import { terminalText } from '../terminal-text';

/** `deca-studio clip create <project> --name NAME (--from-photos ID,ID,… [--fps N] [--smooth R] | --from-video FILE [--every-ms N] [--subject NAME] [--pack ID] [--browser PATH])` */
export const clipCreateCommand: CliCommand = {
  name: 'clip create',
  summary: "Make an animation clip from fitted photos' expressions (one key per photo, in order) or from a video of a reconstructed subject (one key per sampled frame)",
  usage: 'clip create <project> --name NAME (--from-photos ID,ID,… [--fps N] [--smooth R] | --from-video FILE [--every-ms N] [--subject NAME] [--pack ID] [--browser PATH])',
  options: {
    name: { type: 'string' },
    'from-photos': { type: 'string' },
    'from-video': { type: 'string' },
    fps: { type: 'string' },
    'every-ms': { type: 'string' },
    smooth: { type: 'string' },
    subject: { type: 'string' },
    pack: { type: 'string' },
    browser: { type: 'string' },
  },
  async run({ positionals, values }, io) {
    if (positionals.length !== 1) throw new CliUsageError('Give exactly one project folder');
    if (typeof values.name !== 'string' || !values.name.trim()) throw new CliUsageError('Give --name NAME');
    const fromPhotos = values['from-photos'];
    const fromVideo = values['from-video'];
    if ((typeof fromPhotos === 'string') === (typeof fromVideo === 'string')) throw new CliUsageError('Give --from-photos ID,ID,… or --from-video FILE');
    if (typeof fromVideo === 'string') return clipFromVideo(positionals[0]!, values.name, fromVideo, values, io);
    for (const o of ['subject', 'pack', 'browser', 'every-ms'] as const) if (values[o] !== undefined) throw new CliUsageError(`--${o} goes with --from-video`);
    const photoIds = String(fromPhotos).split(',').map((s) => s.trim());
    if (photoIds.some((s) => !/^[1-9]\d{0,15}$/.test(s))) throw new CliUsageError('--from-photos takes photo ids separated by commas, e.g. 3,4,5 (see: deca-studio photos <project> --json)');
    const fps = values.fps === undefined ? undefined : Number(values.fps);
    if (fps !== undefined && !(fps > 0 && fps <= 240)) throw new CliUsageError('--fps must be above 0 and at most 240');
    const smooth = values.smooth === undefined ? undefined : Number(values.smooth);
    if (smooth !== undefined && !(Number.isInteger(smooth) && smooth >= 0 && smooth <= 30)) throw new CliUsageError('--smooth must be an integer 0…30');
    const project = await openProject(positionals[0]!);
    try {
      const clip = await createClipFromPhotos(project, values.name, photoIds.map(Number), { fps, smooth });
      io.out(`Clip "${terminalText(clip.name)}": ${clip.keyCount} keys over ${clip.duration.toFixed(2)} s at ${clip.fps} fps (${terminalText(clip.source)})`);
      return EXIT.ok;
    } finally {
      await project.close();
    }
  },
};

/** Whole milliseconds between sampled frames, as the Animate tab offers them (10 ms = 100 frames per second at most). */
const EVERY_MS = { min: 10, max: 60_000, default: 100 };

/** `clip create --from-video`: Chromium decodes the video (no ffmpeg), the studio's clip job fits each frame. */
async function clipFromVideo(projectDir: string, name: string, file: string, values: CliArgs['values'], io: CliIO): Promise<number> {
  for (const o of ['fps', 'smooth', 'from-photos'] as const) if (values[o] !== undefined) throw new CliUsageError(`--${o} goes with --from-photos, not --from-video`);
  const everyMs = values['every-ms'] === undefined ? EVERY_MS.default : Number(values['every-ms']);
  if (!(Number.isInteger(everyMs) && everyMs >= EVERY_MS.min && everyMs <= EVERY_MS.max)) throw new CliUsageError(`--every-ms must be a whole number of milliseconds from ${EVERY_MS.min} to ${EVERY_MS.max}, not "${String(values['every-ms'])}"`);
  const studio = new Studio({ mode: 'cli', version: APP_VERSION, settingsDir: appDataDir() });
  // Ctrl-C stops the decode (closing the browser) or the clip job; staged frames are released, nothing is stored.
  const cancel = new AbortController();
  const onSignal = () => cancel.abort();
  process.once('SIGINT', onSignal);
  try {
    const project = await studio.openProject(projectDir);
    const subjects = project.library.reads.listSubjects();
    const subjectId = subjectOption(project, values.subject) ?? (subjects.length === 1 ? subjects[0]!.id : undefined);
    if (subjectId === undefined) {
      throw new CliUsageError(subjects.length ? `Say who the video shows with --subject NAME (the project has: ${subjects.map((s) => terminalText(s.name)).join(', ')})` : 'The project has no subjects: import and reconstruct the person in the video first');
    }
    let shown = '';
    const made = await createClipFromVideo(
      studio,
      project,
      { name, file, subjectId, packId: typeof values.pack === 'string' ? values.pack : undefined, everyMs },
      {
        browser: typeof values.browser === 'string' ? values.browser : undefined,
        signal: cancel.signal,
        // A line per tenth of the way (and the last), so a long video does not flood the terminal.
        onProgress: (phase, done, total) => {
          const step = `${phase} ${done === total ? 'last' : Math.floor((10 * done) / total)}`;
          if (step === shown) return;
          shown = step;
          io.out(`${phase === 'decode' ? 'Decoded' : 'Fitted'} frame ${done} of ${total}`);
        },
      },
    );
    const s = made.seconds;
    io.out(`Decoded ${made.frames} frames of ${terminalText(file)} with ${terminalText(made.decoder)} in ${s.decode.toFixed(1)} s (${(made.frames / s.decode).toFixed(1)} frames/s)`);
    for (const k of made.skipped) io.out(`  skipped ${k.name}: ${terminalText(k.message)}`);
    io.out(`Fitted in ${s.fit.toFixed(1)} s: ${terminalText(made.jobMessage)}`);
    io.out(`Clip "${terminalText(made.clip.name)}": ${made.clip.keyCount} keys over ${made.clip.duration.toFixed(2)} s at ${made.clip.fps} fps from ${made.frames} frames, ${(made.frames / (s.decode + s.fit)).toFixed(2)} frames/s overall (${terminalText(made.clip.source)})`);
    return EXIT.ok;
  } finally {
    process.off('SIGINT', onSignal);
    await studio.dispose();
  }
}

/** `deca-studio clip list <project> [--json]` */
export const clipListCommand: CliCommand = {
  name: 'clip list',
  summary: "List a project's animation clips",
  usage: 'clip list <project> [--json]',
  options: { json: { type: 'boolean' } },
  async run({ positionals, values }, io) {
    if (positionals.length !== 1) throw new CliUsageError('Give exactly one project folder');
    const project = await openProject(positionals[0]!, { readonly: true });
    try {
      const clips = project.library.schemaVersion >= 8 ? project.library.clips.list() : [];
      if (values.json) io.out(JSON.stringify(clips, null, 2));
      else for (const c of clips) io.out(`${String(c.id).padStart(4)}  ${terminalText(c.name)}  ${c.keyCount} keys, ${c.duration.toFixed(2)} s at ${c.fps} fps  (${terminalText(c.source)})`);
      return EXIT.ok;
    } finally {
      await project.close();
    }
  },
};
