import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from '../helpers/cli';
import { makeTempDir, SHARED_DIR } from '../helpers/temp-dir';
import { openStudioPage, screenshot, unexpectedProblems, type StudioPage } from './browser-mode';

const ZIP = path.join(SHARED_DIR, 'models/ICT-FaceKit-master.zip');
let tmp: ReturnType<typeof makeTempDir>;
let home: string;
let studio: StudioPage;

beforeAll(async () => {
  ensureBuilt({ renderer: true });
  tmp = makeTempDir('deca-e2e-packs-');
  home = path.join(tmp.dir, 'home');
  const env = { DECA_STUDIO_HOME: home };
  const projectDir = path.join(tmp.dir, 'Heads.decastudio');
  expect(runCli(['project', 'create', projectDir, '--name', 'Heads'], env).code).toBe(0);
  expect(runCli(['subjects', projectDir, '--json'], env).code).toBe(0);
  studio = await openStudioPage(env, projectDir);
}, 180_000);

afterAll(async () => {
  await studio?.close();
  tmp?.cleanup();
});

describe.skipIf(!existsSync(ZIP))('head models installed and removed in the app', () => {
  it('installs ICT-FaceKit from a path with progress, shows it everywhere without a reload, refuses a bad file, and removes it', async () => {
    const { page } = studio.watched;
    await page.getByTestId('open-head-models').click();
    const panel = page.getByTestId('pack-install');
    await panel.waitFor();
    // Only the starter head is there: the panel opens by itself.
    await page.getByTestId('pack-row-starter-head').waitFor();

    // A file that is no head model: a clear error, nothing installed.
    await page.getByTestId('pack-install-path').fill(path.join(SHARED_DIR, 'photos/README.md'));
    await page.getByTestId('pack-install-start').click();
    await expect.poll(() => page.getByTestId('pack-install-error').textContent(), { timeout: 30_000 }).toMatch(/not a model this version can import|ZIP|zip/);

    await page.getByTestId('pack-install-path').fill(ZIP);
    await page.getByTestId('pack-install-start').click();
    await page.getByTestId('pack-install-progress').waitFor({ timeout: 10_000 });
    await screenshot(page, 'packs-00-installing');
    await expect.poll(() => page.getByTestId('pack-install-message').textContent().catch(() => ''), { timeout: 170_000, interval: 1000 }).toMatch(/Installed ICT-FaceKit/);
    await page.getByTestId('pack-row-ict-facekit').waitFor();
    expect(existsSync(path.join(home, 'packs/ict-facekit/manifest.json'))).toBe(true);
    await screenshot(page, 'packs-01-installed');

    // The library's reconstruct menu has it without a reload.
    await page.getByTestId('head-models-back').click();
    await page.getByTestId('open-settings').click();
    await page.getByTestId('settings-default-pack').waitFor();
    await expect.poll(async () => (await page.getByTestId('settings-default-pack').locator('option').allTextContents()).join('|')).toMatch(/ICT-FaceKit/);
    await page.getByTestId('settings-back').click();

    await page.getByTestId('open-head-models').click();
    await page.getByTestId('pack-remove-ict-facekit').click();
    await page.getByRole('button', { name: 'Remove head model' }).click();
    await expect.poll(() => page.getByTestId('pack-row-ict-facekit').count()).toBe(0);
    expect(existsSync(path.join(home, 'packs/ict-facekit'))).toBe(false);
    expect(unexpectedProblems(studio.watched, ['packs.install'])).toEqual([]);
  }, 240_000);
});
