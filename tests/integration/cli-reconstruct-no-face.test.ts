import { writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from '../helpers/cli';
import { TEST_MODEL_DIR, londonPhoto, testModelFiles } from '../helpers/perception';
import { makeTempDir } from '../helpers/temp-dir';

const tmp = makeTempDir('deca-cli-no-face-');
const env = { DECA_MODELS_DIR: TEST_MODEL_DIR, DECA_STUDIO_HOME: path.join(tmp.dir, 'home'), DECA_EXECUTION_PROVIDER: 'cpu' };
const project = path.join(tmp.dir, 'NoFace.decastudio');

beforeAll(async () => {
  ensureBuilt();
  testModelFiles();
  const wall = path.join(tmp.dir, 'wall.jpg');
  writeFileSync(wall, await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 180, g: 170, b: 150 } } }).jpeg().toBuffer());
  expect(runCli(['project', 'create', project, '--name', 'NoFace'], env).code).toBe(0);
  // The subject's only photos: a plain wall (no face at all) and a profile the detector marks unusable.
  expect(runCli(['import', project, '--subject', 'Nobody', wall, londonPhoto('p002', 'neutral_left_profile')], env).code).toBe(0);
}, 120_000);
afterAll(() => tmp.cleanup());

describe('deca-studio reconstruct of a subject without a usable face', () => {
  it('exits 1 naming each photo and the reason, stores nothing, and export then says there is no reconstruction', () => {
    const r = runCli(['reconstruct', project, '--subject', 'Nobody'], env);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^no-face +Nobody\/wall\.jpg: no face found$/m);
    // A profile alone: read off its silhouette, but a profile joins a fit only beside a frontal or 3/4 photo.
    expect(r.stdout).toMatch(/^no-face +Nobody\/002_01_neutral_left_profile\.jpg: a profile read off its silhouette, left out: a profile joins a fit only beside a frontal or 3\/4 photo/m);
    expect(r.stderr).toMatch(/Reconstruction job \d+ stopped: None of the subject's 2 photos has a usable face \(no face found/);
    expect(r.stdout).not.toMatch(/fitted|Reconstructed/);

    const metrics = runCli(['metrics', project, '--json'], env);
    expect(metrics.code).toBe(0);
    const report = JSON.parse(metrics.stdout) as { subjects: { name: string; packs: unknown[]; photos: unknown[] }[] };
    expect(report.subjects.flatMap((s) => [...s.packs, ...s.photos])).toEqual([]);
    const exported = runCli(['export', project, '--subject', 'Nobody', '--pack', 'starter-head', '--format', 'glb', '--out', path.join(tmp.dir, 'nobody.glb')], env);
    expect(exported.code).toBe(1);
    expect(exported.stderr).toMatch(/no reconstruction on starter-head yet/);
  });
});
