import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from '../helpers/cli';
import { makeTempDir, SHARED_DIR, SHARED_PHOTOS } from '../helpers/temp-dir';
import { openStudioPage, screenshot, unexpectedProblems, type StudioPage } from './browser-mode';

// The studio from its smallest supported window width (1024 px) up: no control of the subject
// panel may be cut off or covered.

let tmp: ReturnType<typeof makeTempDir>;
let studio: StudioPage;

beforeAll(async () => {
  ensureBuilt({ renderer: true });
  tmp = makeTempDir('deca-e2e-narrow-');
  const env = { DECA_STUDIO_HOME: path.join(tmp.dir, 'home') };
  const projectDir = path.join(tmp.dir, 'Narrow.decastudio');
  expect(runCli(['project', 'create', projectDir, '--name', 'Narrow'], env).code).toBe(0);
  // With ICT-FaceKit installed the pack menu shows its long name, as on most users' machines.
  expect(runCli(['packs', 'import', path.join(SHARED_DIR, 'models/ICT-FaceKit-master.zip')], env).code).toBe(0);
  // A long name, as people have: the title must give way, not the buttons.
  const photo = path.join(SHARED_PHOTOS, 'london_frl/p002/002_03_neutral_front.jpg');
  expect(runCli(['import', projectDir, '--subject', 'Annabelle Fitzgerald-Okonkwo', photo], env).code).toBe(0);
  studio = await openStudioPage(env, projectDir);
}, 120_000);

afterAll(async () => {
  await studio?.close();
  tmp?.cleanup();
});

/** Where a control is, and whether it is wholly visible: inside the window, inside every scrolling ancestor, and on top at its centre. */
async function visibility(page: Page, testId: string) {
  return page.getByTestId(testId).evaluate((el) => {
    const box = el.getBoundingClientRect();
    const inside = (r: { left: number; top: number; right: number; bottom: number }) => box.left >= r.left - 0.5 && box.top >= r.top - 0.5 && box.right <= r.right + 0.5 && box.bottom <= r.bottom + 0.5;
    let clipped = !inside({ left: 0, top: 0, right: window.innerWidth, bottom: window.innerHeight });
    for (let a = el.parentElement; a; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.overflowX !== 'visible' || style.overflowY !== 'visible') clipped ||= !inside(a.getBoundingClientRect());
    }
    const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return { clipped, onTop: top === el || el.contains(top), width: box.width, right: box.right };
  });
}

describe('the subject panel in a narrow window', () => {
  it.each([
    [1024, 768],
    [1280, 800],
  ])('at %i×%i every header control, Rename and Delete among them, is fully visible and clickable', async (width, height) => {
    const { page } = studio.watched;
    await page.setViewportSize({ width, height });
    await page.getByTestId('subject-title').waitFor();
    await expect.poll(() => page.getByTestId('fit-pack').inputValue(), { timeout: 20_000 }).toBe('ict-facekit');
    await screenshot(page, `narrow-${width}x${height}`);
    const controls = ['import-button', 'analyze-subject', 'fit-pack', 'reconstruct-subject', 'subject-head-open', 'rename-subject', 'delete-subject', 'open-export', 'close-project'];
    for (const id of controls) expect({ id, ...(await visibility(page, id)) }).toMatchObject({ id, clipped: false, onTop: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);

    // Clickable: Rename opens the form, Delete asks for confirmation; both are left without a change.
    await page.getByTestId('rename-subject').click();
    await page.getByTestId('rename-form').waitFor();
    await page.getByTestId('rename-input').press('Escape');
    await page.getByTestId('rename-form').waitFor({ state: 'detached' });
    await page.getByTestId('delete-subject').click();
    await page.getByTestId('confirm-dialog').waitFor();
    await page.getByTestId('confirm-cancel').click();
    await expect.poll(() => page.getByTestId('confirm-dialog').isVisible()).toBe(false);
    expect(await page.getByTestId('subject-title').textContent()).toBe('Annabelle Fitzgerald-Okonkwo');
    expect(unexpectedProblems(studio.watched)).toEqual([]);
  });
});
