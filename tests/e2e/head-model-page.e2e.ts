import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticHeadModel } from '../../core/head-model/synthetic-head-model';
import { PackStore } from '../../main/packs/pack-store';
import { ensureBuilt } from '../helpers/cli';
import { makeTempDir } from '../helpers/temp-dir';
import { openStudioPage, screenshot, unexpectedProblems, type StudioPage, type WatchedPage } from './browser-mode';

let tmp: ReturnType<typeof makeTempDir>;
let studio: StudioPage;
let watched: WatchedPage;

beforeAll(async () => {
  ensureBuilt({ renderer: true });
  tmp = makeTempDir('deca-e2e-headmodel-');
  const home = path.join(tmp.dir, 'home');
  const model = syntheticHeadModel({ vertices: 2000, shapeCount: 6, expressionCount: 4 });
  model.id = 'toy-head';
  model.name = 'Toy head';
  await new PackStore(path.join(home, 'packs')).save(model);
  studio = await openStudioPage({ DECA_STUDIO_HOME: home });
  watched = studio.watched;
}, 180_000);

afterAll(async () => {
  await studio?.close();
  tmp?.cleanup();
});

/** The 3D view's pixels, and how many are not the clear colour. */
async function headPixels(): Promise<{ count: number; raw: Buffer }> {
  const png = await watched.page.locator('canvas').screenshot();
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  let count = 0;
  for (let i = 0; i < data.length; i += info.channels) if (Math.abs(data[i]! - 38) > 12 || Math.abs(data[i + 2]! - 46) > 12) count++;
  return { count, raw: data };
}

async function setRange(label: string, value: string): Promise<void> {
  // Range inputs take no typing: set the value and send the input event the page listens to.
  await watched.page.locator('aside label', { hasText: label }).first().locator('input[type=range]').evaluate((el: HTMLInputElement, v) => {
    el.value = v;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}

async function changedPixels(before: Buffer, minimum: number): Promise<void> {
  await expect
    .poll(async () => {
      const after = await headPixels();
      let changed = 0;
      for (let i = 0; i < after.raw.length; i += 4) if (Math.abs(after.raw[i]! - before[i]!) > 20) changed++;
      return changed;
    }, { timeout: 30_000 })
    .toBeGreaterThan(minimum);
}

describe('head-model page (Babylon.js) in the app', () => {
  it('opens from the start page with the starter head, and expression sliders change it live', async () => {
    const { page } = watched;
    await page.getByTestId('open-head-models').click();
    await page.getByTestId('head-models-view').waitFor();
    await expect.poll(() => page.locator('select option').allTextContents(), { timeout: 60_000 }).toEqual(expect.arrayContaining(['DECA Studio starter head', 'Toy head']));
    await page.locator('select').selectOption('starter-head');
    await expect.poll(async () => (await headPixels()).count, { timeout: 60_000 }).toBeGreaterThan(5000);
    await page.waitForTimeout(1000); // the first evaluation's follow-up (sliders appearing) settles
    await expect.poll(() => page.locator('details summary', { hasText: 'Expressions (26)' }).count()).toBe(1);
    const before = (await headPixels()).raw;
    await screenshot(page, 'head-model-01-starter-neutral');
    await setRange('jawOpen', '1');
    await setRange('eyeBlinkLeft', '1');
    await changedPixels(before, 200);
    await screenshot(page, 'head-model-02-starter-jaw-blink');
  });

  it('turns the head and opens the jaw through the joints, on another pack', async () => {
    const { page } = watched;
    await page.locator('select').selectOption('toy-head');
    await expect.poll(() => page.locator('details summary', { hasText: 'Expressions (4)' }).count(), { timeout: 30_000 }).toBe(1);
    await page.waitForTimeout(500);
    const before = (await headPixels()).raw;
    await setRange('Jaw', '0.5');
    await setRange('Head turn', '40');
    await changedPixels(before, 200);
    await page.getByTestId('head-models-back').click();
    await page.getByTestId('create-project-form').waitFor();
    expect(unexpectedProblems(watched), JSON.stringify(watched.problems)).toEqual([]);
  });
});
