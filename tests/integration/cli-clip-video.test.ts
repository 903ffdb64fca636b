import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARKIT_BLENDSHAPES } from '../../core/expression/arkit-names';
import { openProject } from '../../main/project/project';
import { findChromiumBrowser } from '../../main/video/find-chromium-browser';
import { ensureBuilt, runCli } from '../helpers/cli';
import { makeTempDir, SHARED_PHOTOS } from '../helpers/temp-dir';

const BEN = path.join(SHARED_PHOTOS, 'london_frl/p002');
const HAVE_FFMPEG = spawnSync('ffmpeg', ['-version']).status === 0;
const HAVE_BROWSER = (() => {
  try {
    return !!findChromiumBrowser();
  } catch {
    return false;
  }
})();
const at = (name: string) => ARKIT_BLENDSHAPES.indexOf(name as (typeof ARKIT_BLENDSHAPES)[number]);

/**
 * `deca-studio clip create --from-video` end to end through the built CLI: a 3 s WebM of Ben (p002:
 * smiling, neutral, smiling; made by ffmpeg here, in the test only) is decoded by the system's
 * Chromium through the Animate tab's sampler, and each frame is fitted with Ben's reconstructed shape.
 */
describe.skipIf(!existsSync(BEN) || !HAVE_FFMPEG || !HAVE_BROWSER)('clip create --from-video (Chromium decodes, the clip job fits)', () => {
  const tmp = makeTempDir('deca-cli-video-');
  const env = { DECA_STUDIO_HOME: path.join(tmp.dir, 'home') };
  const proj = path.join(tmp.dir, 'Video.decastudio');
  const cli = (...args: string[]) => runCli(args, env);
  const video = path.join(tmp.dir, 'ben.webm');
  const clips = () => JSON.parse(cli('clip', 'list', proj, '--json').stdout) as { name: string; keyCount: number; duration: number; fps: number; source: string }[];

  beforeAll(() => {
    ensureBuilt();
    expect(cli('project', 'create', proj, '--name', 'Video').code).toBe(0);
    // Ben's smile is told from his shape by his neutral photo (one shared shape), as in the Animate tab's e2e test.
    expect(cli('import', proj, '--subject', 'Ben', ...['002_08_smiling_front.jpg', '002_03_neutral_front.jpg'].map((f) => path.join(BEN, f))).code).toBe(0);
    const fit = cli('reconstruct', proj, '--subject', 'Ben', '--pack', 'starter-head');
    expect(fit.code, fit.stderr).toBe(0);
    // The recipe of tests/e2e/pose.e2e.ts: 1 s smiling, 1 s neutral, 1 s smiling, VP8 at 10 fps.
    const still = (f: string) => ['-loop', '1', '-t', '1', '-i', path.join(BEN, f)];
    const made = spawnSync('ffmpeg', ['-y', '-loglevel', 'error', ...still('002_08_smiling_front.jpg'), ...still('002_03_neutral_front.jpg'), ...still('002_08_smiling_front.jpg'),
      '-filter_complex', '[0:v][1:v][2:v]concat=n=3:v=1:a=0,scale=480:-2,fps=10[v]', '-map', '[v]', '-c:v', 'libvpx', '-b:v', '2M', video]);
    expect(made.status, made.stderr?.toString()).toBe(0);
  }, 300_000);
  afterAll(() => tmp.cleanup());

  it('stores a clip with one expression per sampled frame (3 s every 250 ms: 12), smiling where the video smiles', async () => {
    const r = cli('clip', 'create', proj, '--name', 'ben video', '--from-video', video, '--every-ms', '250');
    expect(r.code, r.stderr).toBe(0);
    console.log(r.stdout.trim().split('\n').slice(-3).join('\n'));
    // Progress while decoding and while fitting, then the figures.
    expect(r.stdout).toMatch(/^Decoded frame 1 of 12$/m);
    expect(r.stdout).toMatch(/^Decoded frame 12 of 12$/m);
    expect(r.stdout).toMatch(/^Fitted frame 12 of 12$/m);
    const rate = /Decoded 12 frames of .* with (.+) in ([\d.]+) s \(([\d.]+) frames\/s\)/.exec(r.stdout);
    expect(rate, r.stdout).not.toBeNull();
    expect(rate![1]).toMatch(/chrom|chrome|msedge/i);
    expect(r.stdout).toMatch(/^Clip "ben video": 12 keys over 2\.75 s at 4 fps from 12 frames, [\d.]+ frames\/s overall/m);

    const listed = clips().find((c) => c.name === 'ben video');
    expect(listed).toMatchObject({ keyCount: 12, fps: 4, duration: 2.75 });
    expect(listed!.source).toMatch(/^12 video frames every 250 ms \(12 with a face\), fitted on starter-head with Ben's shape/);

    const project = await openProject(proj, { readonly: true });
    try {
      const clip = project.library.clips.getByName('ben video')!.clip;
      expect(clip.keys.map((k) => k.time)).toEqual(Array.from({ length: 12 }, (_, i) => i * 0.25));
      const smile = (i: number) => clip.keys[i]!.expression.arkit[at('mouthSmileLeft')]! + clip.keys[i]!.expression.arkit[at('mouthSmileRight')]!;
      const mean = (frames: number[]) => frames.reduce((a, i) => a + smile(i), 0) / frames.length;
      // 0–1 s and 2–3 s smile, 1–2 s is neutral (frames on the cuts at 1 s and 2 s left out).
      const smiling = [1, 2, 3, 9, 10, 11];
      const neutral = [5, 6, 7];
      console.log(`mouthSmileL+R per frame: ${clip.keys.map((_, i) => smile(i).toFixed(2)).join(' ')}; smiling mean ${mean(smiling).toFixed(2)}, neutral mean ${mean(neutral).toFixed(2)}`);
      expect(smile(2)).toBeGreaterThan(smile(6));
      expect(mean(smiling)).toBeGreaterThan(mean(neutral) + 0.2);
    } finally {
      await project.close();
    }
  }, 600_000);

  it('refuses what is not a video, a missing file, a bad --every-ms, an unusable browser: clear message, no stack, nothing stored', () => {
    const before = clips();
    const notVideo = path.join(tmp.dir, 'notes.mp4');
    writeFileSync(notVideo, 'These are notes, not a video.\n');
    const cases: [string[], number, RegExp][] = [
      [['--from-video', notVideo], 1, /^Error: notes\.mp4 is not a video: its content is a text file\. Give an MP4 \(H\.264\), WebM/],
      [['--from-video', path.join(BEN, '002_03_neutral_front.jpg')], 1, /^Error: 002_03_neutral_front\.jpg is not a video: its content is a JPEG image/],
      [['--from-video', path.join(tmp.dir, 'missing.webm')], 1, /^Error: No such video file: .*missing\.webm/],
      [['--from-video', video, '--every-ms', '5'], 64, /^--every-ms must be a whole number of milliseconds from 10 to 60000, not "5"/],
      [['--from-video', video, '--every-ms', '70000'], 64, /^--every-ms must be a whole number/],
      [['--from-video', video, '--browser', path.join(tmp.dir, 'no-chrome')], 1, /^Error: --browser names .*no-chrome, which is not an executable file/],
      [['--from-video', video, '--subject', 'Nobody'], 1, /^Error: No subject named "Nobody"/],
      [['--from-video', video, '--fps', '4'], 64, /^--fps goes with --from-photos/],
    ];
    for (const [args, code, message] of cases) {
      const r = cli('clip', 'create', proj, '--name', 'refused', ...args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(code);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }
    // A name in use is refused before anything is decoded.
    const dup = cli('clip', 'create', proj, '--name', 'BEN VIDEO', '--from-video', video, '--every-ms', '250');
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/^Error: A clip named "BEN VIDEO" already exists/);
    expect(dup.stdout).not.toMatch(/Decoded/);
    expect(clips()).toEqual(before);
  }, 120_000);

  it('a codec Chromium does not decode, and a video cut short mid-stream, stop with the decoder\'s reason and store nothing', () => {
    const before = clips();
    // MPEG-4 Part 2 in an MP4: the container opens, Chromium has no decoder for the stream.
    const mpeg4 = path.join(tmp.dir, 'mpeg4.mp4');
    const made = spawnSync('ffmpeg', ['-y', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=s=320x240:d=1:r=10', '-c:v', 'mpeg4', mpeg4]);
    expect(made.status, made.stderr?.toString()).toBe(0);
    const codec = cli('clip', 'create', proj, '--name', 'mpeg4', '--from-video', mpeg4);
    expect(codec.code).toBe(1);
    expect(codec.stderr).toMatch(/^Error: mpeg4\.mp4 cannot be decoded here \(.+\): use MP4 \(H\.264\) or WebM$/m);
    expect(codec.stderr).not.toMatch(/^\s+at /m);
    // The WebM's header and first frames only: Chromium opens it, then its demuxer fails on a later seek.
    const cut = path.join(tmp.dir, 'cut.webm');
    writeFileSync(cut, spawnSync('head', ['-c', '6000', video]).stdout);
    const r = cli('clip', 'create', proj, '--name', 'cut', '--from-video', cut, '--every-ms', '100');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^Decoded frame 1 of \d+$/m);
    expect(r.stderr).toMatch(/^Error: cut\.webm could not be decoded at [\d.]+ s \(.+\): the file may be damaged or cut short$/m);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(clips()).toEqual(before);
    // The frames decoded before the failure were staged, and are gone.
    const staging = path.join(proj, 'tmp', 'staging');
    expect(existsSync(staging) ? readdirSync(staging) : []).toEqual([]);
  }, 120_000);
});
