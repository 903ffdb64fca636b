import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from '../helpers/cli';
import { makeTempDir } from '../helpers/temp-dir';
import { openStudioPage, screenshot, unexpectedProblems, type StudioPage } from './browser-mode';

let tmp: ReturnType<typeof makeTempDir>;
let home: string;
let studio: StudioPage;

beforeAll(async () => {
  ensureBuilt({ renderer: true });
  tmp = makeTempDir('deca-e2e-settings-');
  home = path.join(tmp.dir, 'home');
  const env = { DECA_STUDIO_HOME: home };
  const projectDir = path.join(tmp.dir, 'Heads.decastudio');
  expect(runCli(['project', 'create', projectDir, '--name', 'Heads'], env).code).toBe(0);
  studio = await openStudioPage(env, projectDir);
}, 180_000);

afterAll(async () => {
  await studio?.close();
  tmp?.cleanup();
});

describe('settings page in browser mode', () => {
  it('shows the providers this machine has, saves each choice, keeps them across a reload, and the export dialog starts from them', async () => {
    const { page } = studio.watched;
    await page.getByTestId('open-settings').click();
    await page.getByTestId('settings-page').waitFor();
    await page.getByTestId('settings-texture-size').waitFor();
    // The CPU is always there; Apple's Core ML is not on this Linux machine.
    expect(await page.getByTestId('settings-provider-cpu').isDisabled()).toBe(false);
    expect(await page.getByTestId('settings-provider-coreml').isDisabled()).toBe(true);
    expect(await page.getByTestId('settings-provider-auto').isChecked()).toBe(true);
    expect(await page.getByTestId('settings-active-provider').textContent()).toMatch(/no model loaded yet|CPU/);

    await page.getByTestId('settings-provider-cpu').check();
    await expect.poll(() => page.getByTestId('settings-status').textContent()).toBe('Saved');
    await page.getByTestId('settings-texture-size').selectOption('2048');
    await expect.poll(() => JSON.parse(readFileSync(path.join(home, 'studio-settings.json'), 'utf8')).textureSize).toBe(2048);
    await page.getByTestId('settings-default-pack').selectOption('starter-head');
    await expect.poll(() => JSON.parse(readFileSync(path.join(home, 'studio-settings.json'), 'utf8')).defaultPackId).toBe('starter-head');
    expect(JSON.parse(readFileSync(path.join(home, 'inference.json'), 'utf8'))).toEqual({ provider: 'cpu' });
    await screenshot(page, 'settings-00-saved');

    await page.reload();
    await page.getByTestId('open-settings').click();
    await page.getByTestId('settings-texture-size').waitFor();
    expect(await page.getByTestId('settings-provider-cpu').isChecked()).toBe(true);
    expect(await page.getByTestId('settings-texture-size').inputValue()).toBe('2048');
    expect(await page.getByTestId('settings-default-pack').inputValue()).toBe('starter-head');

    await page.getByTestId('settings-back').click();
    await page.getByTestId('open-export').click();
    await page.getByTestId('export-dialog').waitFor();
    await expect.poll(() => page.getByTestId('export-texture-size').inputValue()).toBe('2048');
    expect(await page.getByTestId('export-pack').inputValue()).toBe('starter-head');
    await screenshot(page, 'settings-01-export-defaults');
    expect(unexpectedProblems(studio.watched)).toEqual([]);
  });
});
