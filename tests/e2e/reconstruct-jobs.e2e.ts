import { readdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from '../helpers/cli';
import { makeTempDir, SHARED_PHOTOS } from '../helpers/temp-dir';
import { openStudioPage, screenshot, unexpectedProblems, type StudioPage } from './browser-mode';

// Reconstruction jobs as the library reports them: a page reloaded mid-job follows the running
// reconstruction (and shows no import), a subject without a usable face fails visibly, and the
// export dialog then offers the reconstructed person by name.

let tmp: ReturnType<typeof makeTempDir>;
let studio: StudioPage;

const P002 = path.join(SHARED_PHOTOS, 'london_frl/p002');

beforeAll(async () => {
  ensureBuilt({ renderer: true });
  tmp = makeTempDir('deca-e2e-recon-jobs-');
  const env = { DECA_STUDIO_HOME: path.join(tmp.dir, 'home') };
  const projectDir = path.join(tmp.dir, 'Jobs.decastudio');
  expect(runCli(['project', 'create', projectDir, '--name', 'Jobs'], env).code).toBe(0);
  // All eight views of one person: a reconstruction of several seconds, long enough to reload in.
  const ann = readdirSync(P002).filter((f) => f.endsWith('.jpg')).map((f) => path.join(P002, f));
  expect(runCli(['import', projectDir, '--subject', 'Ann', ...ann], env).code).toBe(0);
  // A person whose only photos have no usable face: a plain wall and a profile.
  const wall = path.join(tmp.dir, 'wall.jpg');
  await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 180, g: 170, b: 150 } } }).jpeg().toFile(wall);
  expect(runCli(['import', projectDir, '--subject', 'Nobody', wall, path.join(P002, '002_01_neutral_left_profile.jpg')], env).code).toBe(0);
  studio = await openStudioPage(env, projectDir);
}, 120_000);

afterAll(async () => {
  await studio?.close();
  tmp?.cleanup();
});

const reconstructLabel = (page: StudioPage['watched']['page']) => page.getByTestId('reconstruct-subject').textContent();

describe('reconstruction jobs in the library', () => {
  it('after a reload mid-reconstruction, follows the running job to its end and shows no import', async () => {
    const { page } = studio.watched;
    await page.getByText('Ann', { exact: true }).first().click();
    await expect.poll(() => page.getByTestId('fit-pack').inputValue(), { timeout: 20_000 }).toBe('starter-head');
    await page.getByTestId('reconstruct-subject').click();
    // Reload as soon as the job reports progress.
    await expect.poll(async () => /Reconstructing [1-9]\d*\/\d+…/.test((await reconstructLabel(page)) ?? ''), { timeout: 30_000, interval: 50 }).toBe(true);
    await page.reload();

    // The reloaded page finds the reconstruction still running and shows its progress…
    await page.getByTestId('subject-title').waitFor();
    expect(await page.getByTestId('subject-title').textContent()).toBe('Ann');
    const seen: string[] = [];
    let imports = 0;
    await expect
      .poll(
        async () => {
          imports = Math.max(imports, await page.getByTestId('import-panel').count());
          const label = (await reconstructLabel(page)) ?? '';
          if (!seen.includes(label)) seen.push(label);
          if (seen.length === 1 && label.startsWith('Reconstructing')) await screenshot(page, 'recon-jobs-00-running-after-reload');
          return page.getByTestId('reconstruction-done').count();
        },
        { timeout: 120_000, interval: 100 },
      )
      .toBe(1);
    const running = seen.filter((l) => /^Reconstructing \d+\/\d+…$/.test(l));
    expect(running.length, `labels seen after the reload: ${seen.join(' | ')}`).toBeGreaterThan(0);
    // …counting up to its end, which is reported; never a phantom import of another kind of job.
    const steps = running.map((l) => Number(/(\d+)\//.exec(l)![1]));
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(imports).toBe(0);
    expect(await page.getByTestId('import-panel').count()).toBe(0);
    expect(await reconstructLabel(page)).toBe('Reconstruct');
    expect(await page.getByTestId('reconstruction-failed').count()).toBe(0);
    await screenshot(page, 'recon-jobs-01-done-after-reload');
    expect(unexpectedProblems(studio.watched)).toEqual([]);
  });

  it("opens the export dialog on the reconstructed person's face, naming them", async () => {
    const { page } = studio.watched;
    await page.getByTestId('open-export').click();
    const dialog = page.getByTestId('export-dialog');
    await expect.poll(() => page.getByTestId('export-title').textContent(), { timeout: 20_000 }).toBe('Export Ann’s head');
    expect(await page.getByTestId('export-pack').inputValue()).toBe('starter-head');
    expect(await page.getByTestId('export-use-subject').isChecked()).toBe(true);
    expect(await page.getByTestId('export-use-subject').isEnabled()).toBe(true);
    expect(await dialog.textContent()).toMatch(/Ann’s reconstructed face\s*\(from 8 photos\)/);
    expect(await page.getByTestId('export-subject-why').count()).toBe(0);
    // Browser mode says where the file goes and that it is downloaded.
    expect(await page.getByTestId('export-destination').textContent()).toMatch(/Browser mode: .*Jobs\.decastudio\/exports.*download/s);
    await screenshot(page, 'recon-jobs-02-export-defaults-reconstructed');
    // Unticked, the generic head is exported, and the title says so.
    await page.getByTestId('export-use-subject').uncheck();
    expect(await page.getByTestId('export-title').textContent()).toBe('Export the generic head (DECA Studio starter head)');
    await page.getByTestId('export-close').click();
  });

  it('reports a subject without a usable face as failed, with the reasons, never as reconstructed', async () => {
    const { page } = studio.watched;
    await page.getByText('Nobody', { exact: true }).first().click();
    await page.getByTestId('reconstruct-subject').click();
    const failed = page.getByTestId('reconstruction-failed');
    await failed.waitFor({ timeout: 60_000 });
    const text = (await failed.textContent()) ?? '';
    expect(text).toMatch(/None of the subject's 2 photos has a usable face/);
    expect(text).toMatch(/no face found/);
    expect(text).toMatch(/profile/);
    expect(await page.getByTestId('reconstruction-done').count()).toBe(0);
    expect(await page.locator('body').textContent()).not.toMatch(/Reconstructed/);
    await screenshot(page, 'recon-jobs-03-no-face-failed');

    // The export dialog does not offer a face that was never reconstructed, and says why.
    await page.getByTestId('open-export').click();
    await expect.poll(() => page.getByTestId('export-title').textContent(), { timeout: 20_000 }).toBe('Export the generic head (DECA Studio starter head)');
    expect(await page.getByTestId('export-use-subject').isChecked()).toBe(false);
    expect(await page.getByTestId('export-use-subject').isDisabled()).toBe(true);
    expect(await page.getByTestId('export-subject-why').textContent()).toMatch(/Nobody has no reconstruction on DECA Studio starter head yet/);
    await screenshot(page, 'recon-jobs-04-export-defaults-not-reconstructed');
    await page.getByTestId('export-close').click();
    expect(unexpectedProblems(studio.watched)).toEqual([]);
  });
});
