import path from 'node:path';
import vue from '@vitejs/plugin-vue';
import sharp from 'sharp';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticHeadModel } from '../../core/head-model/synthetic-head-model';
import { PackStore } from '../../main/packs/pack-store';
import { ensureBuilt } from '../helpers/cli';
import { makeTempDir } from '../helpers/temp-dir';
import { E2E_TMP, launchChromium, openWatchedPage, screenshot, startServe, unexpectedProblems, type ServeProcess, type WatchedPage } from './browser-mode';

let tmp: ReturnType<typeof makeTempDir>;
let server: ServeProcess;
let browser: Browser;
let watched: WatchedPage;

beforeAll(async () => {
  ensureBuilt();
  tmp = makeTempDir('deca-e2e-headmodel-');
  const home = path.join(tmp.dir, 'home');
  const model = syntheticHeadModel({ vertices: 2000, shapeCount: 6, expressionCount: 4 });
  model.id = 'toy-head';
  model.name = 'Toy head';
  await new PackStore(path.join(home, 'packs')).save(model);
  const outDir = path.join(E2E_TMP, 'head-model-page');
  await build({
    root: path.join(__dirname, 'head-model-page'),
    base: './',
    configFile: false,
    logLevel: 'warn',
    plugins: [vue()],
    build: { outDir, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 8192 },
  });
  server = await startServe({ DECA_STUDIO_HOME: home, DECA_RENDERER_DIR: outDir });
  browser = await launchChromium();
  watched = await openWatchedPage(browser);
  await watched.page.goto(server.url);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  tmp?.cleanup();
});

/** Pixels of the 3D view that are not the clear colour (0.15, 0.16, 0.18). */
async function headPixels(): Promise<{ count: number; raw: Buffer }> {
  const png = await watched.page.locator('canvas').screenshot();
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  let count = 0;
  for (let i = 0; i < data.length; i += info.channels) if (Math.abs(data[i]! - 38) > 12 || Math.abs(data[i + 2]! - 46) > 12) count++;
  return { count, raw: data };
}

describe('head-model page (Babylon.js)', () => {
  it('shows the pack head, and the jaw slider moves it', async () => {
    const { page } = watched;
    await expect.poll(() => page.locator('select option').allTextContents(), { timeout: 30_000 }).toContain('Toy head');
    await page.locator('select').selectOption('toy-head');
    await expect.poll(async () => (await headPixels()).count, { timeout: 30_000 }).toBeGreaterThan(5000);
    await page.waitForTimeout(1000); // the first evaluation's follow-up (sliders appearing) settles
    const before = await headPixels();
    await screenshot(page, 'head-model-01-neutral');
    // Range inputs take no typing: set the value and send the input event the page listens to.
    await page.locator('aside > label', { hasText: 'Jaw' }).locator('input').evaluate((el: HTMLInputElement) => {
      el.value = '0.5';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    let changed = 0;
    await expect
      .poll(async () => {
        const after = await headPixels();
        changed = 0;
        for (let i = 0; i < after.raw.length; i += 4) if (Math.abs(after.raw[i]! - before.raw[i]!) > 20) changed++;
        return changed;
      }, { timeout: 30_000 })
      .toBeGreaterThan(200);
    await screenshot(page, 'head-model-02-jaw');
    expect(await page.locator('details summary', { hasText: 'Expressions (4)' }).count()).toBe(1);
    expect(unexpectedProblems(watched), JSON.stringify(watched.problems)).toEqual([]);
  });
});
