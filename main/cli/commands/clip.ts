import { createClipFromPhotos } from '../../expression/clip-library';
import { openProject } from '../../project/project';
import { CliUsageError, EXIT, type CliCommand } from '../cli-command';
import { terminalText } from '../terminal-text';

/** `deca-studio clip create <project> --name NAME (--from-photos ID,ID,… [--fps N] | --from-video FILE [--every-ms N]) [--smooth R]` */
export const clipCreateCommand: CliCommand = {
  name: 'clip create',
  summary: "Make an animation clip from fitted photos' expressions (one key per photo, in order)",
  usage: 'clip create <project> --name NAME (--from-photos ID,ID,… [--fps N] | --from-video FILE [--every-ms N]) [--smooth R]',
  options: {
    name: { type: 'string' },
    'from-photos': { type: 'string' },
    'from-video': { type: 'string' },
    fps: { type: 'string' },
    'every-ms': { type: 'string' },
    smooth: { type: 'string' },
  },
  async run({ positionals, values }, io) {
    if (positionals.length !== 1) throw new CliUsageError('Give exactly one project folder');
    if (typeof values.name !== 'string' || !values.name.trim()) throw new CliUsageError('Give --name NAME');
    const fromPhotos = values['from-photos'];
    const fromVideo = values['from-video'];
    if ((typeof fromPhotos === 'string') === (typeof fromVideo === 'string')) throw new CliUsageError('Give --from-photos ID,ID,… or --from-video FILE');
    if (typeof fromVideo === 'string') {
      // Video frames are decoded by Chromium's own decoder in the studio (no ffmpeg at run time); the CLI has none.
      io.err('clip create --from-video: video clips are made in the studio, whose renderer decodes the video; not available from the command line yet');
      return EXIT.failed;
    }
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
