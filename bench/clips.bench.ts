import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { createApiHandlers } from '../main/services/api-handlers';
import { Studio } from '../main/services/studio';
import { benchCli, SHARED_DIR } from './bench-cli';
import type { BenchRow, BenchSuite } from './bench-types';

/** Frames posted per run: the six photos, five frames each, at a video's size. */
const FRAMES_PER_PHOTO = 5;
const FRAME_SIDE = 720;

/**
 * Video frames to a clip, as the studio does it (goal ≥ 10 frames/s on 2 cores): one London person
 * reconstructed on ICT-FaceKit, then 30 frames (their 6 photos at 720², 5 frames each, as the
 * renderer would post a decoded video's frames) through the `clips.createFromFrames` job:
 * perception, the fixed-shape fit per frame and the ARKit solve, in the workers. Also the CLI's GLB
 * export of that person with the clip.
 */
export const clipsSuite: BenchSuite = {
  name: 'clips',
  async run() {
    const dir = path.join(SHARED_DIR, 'photos/london_frl/p002');
    const ict = path.join(SHARED_DIR, 'models/ICT-FaceKit-master.zip');
    if (!existsSync(dir) || !existsSync(ict)) return [{ group: 'clips', name: 'skipped: ../shared is missing', value: NaN, unit: '' }];
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'deca-bench-clips-'));
    const env = { ...process.env, DECA_STUDIO_HOME: path.join(tmp, 'home') };
    const cli = benchCli(env);
    try {
      const proj = path.join(tmp, 'P.decastudio');
      const photos = readdirSync(dir).filter((f) => /_(front|3quarter)\.jpg$/.test(f)).sort().map((f) => path.join(dir, f));
      cli('packs', 'import', ict);
      cli('project', 'create', proj, '--name', 'bench');
      cli('import', proj, '--subject', 'p002', ...photos);
      cli('reconstruct', proj, '--subject', 'p002', '--pack', 'ict-facekit', '--no-photometric');
      const frames = await Promise.all(photos.map((p) => sharp(readFileSync(p)).resize(FRAME_SIDE, FRAME_SIDE).jpeg({ quality: 90 }).toBuffer()));

      const studio = new Studio({ mode: 'cli', version: 'bench', settingsDir: env.DECA_STUDIO_HOME });
      let rows: BenchRow[];
      try {
        const project = await studio.openProject(proj);
        const api = createApiHandlers(studio);
        const subjectId = project.library.reads.findSubjectByName('p002')!.id;
        const run = async (name: string) => {
          const stagedIds: string[] = [];
          for (const bytes of frames) for (let k = 0; k < FRAMES_PER_PHOTO; k++) stagedIds.push(await studio.staging.put(`${stagedIds.length}.jpg`, bytes));
          const t0 = performance.now();
          const { jobId } = await api['clips.createFromFrames']({ name, subjectId, stagedIds, everyMs: 100 });
          const job = await studio.jobs.whenDone(jobId);
          if (job.state !== 'done') throw new Error(`clip job ${job.state}: ${job.error ?? ''}`);
          return { seconds: (performance.now() - t0) / 1000, count: stagedIds.length, message: project.library.reads.listJobItems(jobId).at(-1)?.message ?? '' };
        };
        const cold = await run('cold');
        const warm = await run('warm');
        rows = [
          { group: 'clips', name: `video frames → clip, ${warm.count} frames of ${FRAME_SIDE}² (warm workers)`, value: warm.count / warm.seconds, unit: 'frames/s', note: `goal ≥ 10; ${warm.message}` },
          { group: 'clips', name: 'the same, first run (packs and tables loaded)', value: cold.count / cold.seconds, unit: 'frames/s', note: cold.message },
        ];
      } finally {
        await studio.dispose();
      }
      const glb = cli('export', proj, '--subject', 'p002', '--clip', 'warm', '--format', 'glb', '--out', path.join(tmp, 'clip.glb'));
      const csv = cli('export', proj, '--subject', 'p002', '--clip', 'warm', '--format', 'arkit-csv', '--out', path.join(tmp, 'clip.csv'));
      rows.push(
        { group: 'clips', name: 'CLI export GLB with the clip (ICT-FaceKit, 51 shapes)', value: glb.ms / 1000, unit: 's', note: 'process start included' },
        { group: 'clips', name: 'CLI export ARKit CSV of the clip', value: csv.ms / 1000, unit: 's', note: 'process start included' },
      );
      return rows;
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  },
};
