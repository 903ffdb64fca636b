import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from '../helpers/cli';
import { makeTempDir, SHARED_PHOTOS } from '../helpers/temp-dir';
import { openStudioPage, screenshot, settled, unexpectedProblems, type StudioPage, type WatchedPage } from './browser-mode';

// Posing a subject's head in the renderer: the rig is fetched once, ARKit sliders move the head with
// no request to the studio per slider move, and the mouth opens where the mouth is.

let tmp: ReturnType<typeof makeTempDir>;
let studio: StudioPage;

beforeAll(async () => {
  ensureBuilt({ renderer: true });
  tmp = makeTempDir('deca-e2e-pose-');
  const env = { DECA_STUDIO_HOME: path.join(tmp.dir, 'home') };
  const projectDir = path.join(tmp.dir, 'Pose.decastudio');
  expect(runCli(['project', 'create', projectDir, '--name', 'Pose'], env).code).toBe(0);
  expect(runCli(['import', projectDir, '--subject', 'Ann', path.join(SHARED_PHOTOS, 'london_frl/p021/021_03_neutral_front.jpg')], env).code).toBe(0);
  // Ben's smile is told from his shape by his neutral photo (one shared shape).
  const ben = ['002_08_smiling_front.jpg', '002_03_neutral_front.jpg'].map((f) => path.join(SHARED_PHOTOS, 'london_frl/p002', f));
  expect(runCli(['import', projectDir, '--subject', 'Ben', ...ben], env).code).toBe(0);
  // Both subjects in one run (one process, its models loaded once).
  const fit = runCli(['reconstruct', projectDir, '--pack', 'starter-head'], env);
  expect(fit.code, fit.stderr).toBe(0);
  expect(fit.stdout).toMatch(/Ann: 1 fitted/);
  expect(fit.stdout).toMatch(/Ben: 2 fitted/);
  studio = await openStudioPage(env, projectDir, { antialias: false });
}, 120_000);

afterAll(async () => {
  await studio?.close();
  tmp?.cleanup();
});

type Page = WatchedPage['page'];

/** A copy of the viewport's pixels kept in the page under `key` once the head is drawn. */
async function grab(page: Page, key: string): Promise<void> {
  await page.getByTestId('head-viewport').evaluate((el, name) => {
    const c = el as HTMLCanvasElement;
    const ctx = Object.assign(document.createElement('canvas'), { width: c.width, height: c.height }).getContext('2d')!;
    ctx.drawImage(c, 0, 0);
    const w = window as unknown as { __grabs?: Record<string, ImageData> };
    (w.__grabs ??= {})[name] = ctx.getImageData(0, 0, c.width, c.height);
  }, key);
}

/** Rows (0 = top, 1 = bottom) of the head where grabs `a` and `b` differ, and the share of head pixels that changed. */
function difference(page: Page, a: string, b: string): Promise<{ changed: number; top: number; bottom: number; head: number }> {
  return page.evaluate(
    ([ka, kb]) => {
      const g = (window as unknown as { __grabs: Record<string, ImageData> }).__grabs;
      const A = g[ka!]!, B = g[kb!]!;
      let head = 0, changed = 0, top = 1, bottom = 0, headTop = 1, headBottom = 0;
      for (let y = 0; y < A.height; y++)
        for (let x = 0; x < A.width; x++) {
          const i = (y * A.width + x) * 4;
          const bg = Math.abs(A.data[i]! - 38) + Math.abs(A.data[i + 1]! - 41) + Math.abs(A.data[i + 2]! - 46) < 12;
          if (!bg) (head++, (headTop = Math.min(headTop, y / A.height)), (headBottom = Math.max(headBottom, y / A.height)));
          const d = Math.abs(A.data[i]! - B.data[i]!) + Math.abs(A.data[i + 1]! - B.data[i + 1]!) + Math.abs(A.data[i + 2]! - B.data[i + 2]!);
          if (d > 24) (changed++, (top = Math.min(top, y / A.height)), (bottom = Math.max(bottom, y / A.height)));
        }
      // Rows as a fraction of the head's own height.
      const span = Math.max(1e-6, headBottom - headTop);
      return { changed: changed / Math.max(1, head), top: (top - headTop) / span, bottom: (bottom - headTop) / span, head };
    },
    [a, b],
  );
}

describe('posing a subject’s head in the renderer', () => {
  it('opens the jaw and smiles with ARKit sliders, without asking the studio, where the mouth is', async () => {
    const { page } = studio.watched;
    await page.getByTestId('subject-item').filter({ hasText: 'Ann' }).click();
    await page.getByTestId('subject-head-open').click();
    const dialog = page.getByTestId('subject-head');
    await dialog.getByTestId('pose-panel').waitFor({ timeout: 60_000 });
    // The head is drawn (not the background alone) before the first grab.
    await expect.poll(async () => (await grab(page, 'neutral'), (await difference(page, 'neutral', 'neutral')).head), { timeout: 60_000 }).toBeGreaterThan(1000);
    await settled(page.getByTestId('head-viewport'));
    await grab(page, 'neutral');

    const calls: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/')) calls.push(r.url());
    });
    await dialog.getByTestId('pose-jawOpen').fill('1');
    await dialog.getByTestId('pose-mouthSmileLeft').fill('1');
    await dialog.getByTestId('pose-mouthSmileRight').fill('1');
    await expect.poll(() => dialog.getByTestId('pose-ms').textContent()).toMatch(/pose \d+\.\d ms/);
    await settled(page.getByTestId('head-viewport'));
    await grab(page, 'open');
    await screenshot(page, 'pose-00-jaw-open-smile');
    expect(calls).toEqual([]);

    const d = await difference(page, 'neutral', 'open');
    console.log(`pose: ${(d.changed * 100).toFixed(1)} % of the head changed, rows ${d.top.toFixed(2)}–${d.bottom.toFixed(2)} of its height; ${await dialog.getByTestId('pose-ms').textContent()}`);
    // The lower face moves (mouth, chin, the cheeks a smile lifts); the brows, forehead and scalp do not.
    expect(d.changed).toBeGreaterThan(0.01);
    expect(d.top).toBeGreaterThan(0.3);

    await dialog.getByTestId('pose-reset').click();
    await settled(page.getByTestId('head-viewport'));
    await grab(page, 'back');
    expect((await difference(page, 'neutral', 'back')).changed).toBeLessThan(0.002);
    await dialog.getByTestId('subject-head-close').click();
    expect(unexpectedProblems(studio.watched)).toEqual([]);
  });

  it('has a view toolbar: wireframe, raking light, and a reset after orbiting', async () => {
    const { page } = studio.watched;
    await page.getByTestId('subject-head-open').click();
    const dialog = page.getByTestId('subject-head');
    await dialog.getByTestId('pose-panel').waitFor({ timeout: 60_000 });
    await expect.poll(async () => (await grab(page, 'base'), (await difference(page, 'base', 'base')).head), { timeout: 60_000 }).toBeGreaterThan(1000);
    await settled(page.getByTestId('head-viewport'));
    await grab(page, 'base');
    await dialog.getByTestId('viewport-wireframe').check();
    await settled(page.getByTestId('head-viewport'));
    await grab(page, 'wire');
    await screenshot(page, 'pose-01-wireframe');
    // Triangle edges over the skin: many head pixels change.
    expect((await difference(page, 'base', 'wire')).changed).toBeGreaterThan(0.2);
    await dialog.getByTestId('viewport-wireframe').uncheck();
    await dialog.getByTestId('viewport-lighting').selectOption('raking');
    await settled(page.getByTestId('head-viewport'));
    await grab(page, 'raking');
    await screenshot(page, 'pose-02-raking-light');
    expect((await difference(page, 'base', 'raking')).changed).toBeGreaterThan(0.2);
    await dialog.getByTestId('viewport-lighting').selectOption('studio');
    // Orbit, then reset: the view is the one it opened with.
    const box = (await dialog.getByTestId('head-viewport').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 160, box.y + box.height / 2, { steps: 8 });
    await page.mouse.up();
    await settled(page.getByTestId('head-viewport'));
    await grab(page, 'turned');
    expect((await difference(page, 'base', 'turned')).changed).toBeGreaterThan(0.1);
    await dialog.getByTestId('viewport-reset').click();
    await settled(page.getByTestId('head-viewport'));
    await grab(page, 'reset');
    expect((await difference(page, 'base', 'reset')).changed).toBeLessThan(0.002);
    await dialog.getByTestId('subject-head-close').click();
    expect(unexpectedProblems(studio.watched)).toEqual([]);
  });

  it("retargets Ben's captured smile onto Ann's head, and keeps it as a saved expression", async () => {
    const { page } = studio.watched;
    await page.getByTestId('subject-item').filter({ hasText: 'Ann' }).click();
    await page.getByTestId('tab-animate').click();
    const animate = page.getByTestId('subject-animate');
    await animate.getByTestId('pose-panel').waitFor({ timeout: 60_000 });
    await expect.poll(async () => (await grab(page, 'ann'), (await difference(page, 'ann', 'ann')).head), { timeout: 60_000 }).toBeGreaterThan(1000);
    await settled(page.getByTestId('head-viewport'));
    await grab(page, 'ann');
    const ben = animate.locator('[data-testid^="apply-expression-photo-"]', { hasText: '002_08_smiling_front.jpg' });
    await ben.click();
    await expect.poll(() => animate.getByTestId('applied-expression').textContent()).toMatch(/Ben — 002_08_smiling_front\.jpg/);
    // The smile arrives as ARKit weights on the sliders.
    const smile = Number(await animate.getByTestId('pose-mouthSmileLeft').inputValue()) + Number(await animate.getByTestId('pose-mouthSmileRight').inputValue());
    console.log(`retarget: Ben's smile on Ann: mouthSmileLeft + Right = ${smile.toFixed(2)}`);
    expect(smile).toBeGreaterThan(0.3);
    await settled(page.getByTestId('head-viewport'));
    await grab(page, 'ann-smiling');
    await screenshot(page, 'pose-03-retargeted-smile');
    const d = await difference(page, 'ann', 'ann-smiling');
    expect(d.changed).toBeGreaterThan(0.005);
    expect(d.top).toBeGreaterThan(0.3);

    await animate.getByTestId('save-expression-name').fill("Ben's smile");
    await animate.getByTestId('save-expression').click();
    await expect.poll(() => animate.locator('[data-testid^="apply-expression-saved-"]').allTextContents()).toContain("Ben's smile");
    await page.reload();
    await page.getByTestId('subject-item').filter({ hasText: 'Ann' }).click();
    // The workspace is remembered; the saved expression is in the library.
    await page.getByTestId('subject-animate').waitFor();
    await expect.poll(() => page.locator('[data-testid^="apply-expression-saved-"]').allTextContents()).toContain("Ben's smile");
    expect(unexpectedProblems(studio.watched)).toEqual([]);
  });

  it('makes a clip from a video of Ben (decoded by Chromium), plays it on his head, and makes one from his photos', async () => {
    const { page } = studio.watched;
    // A 3 s WebM of Ben: smiling, neutral, smiling (ffmpeg only here, in the test).
    const video = path.join(tmp.dir, 'ben.webm');
    const still = (f: string) => ['-loop', '1', '-t', '1', '-i', path.join(SHARED_PHOTOS, 'london_frl/p002', f)];
    const made = spawnSync('ffmpeg', ['-y', '-loglevel', 'error', ...still('002_08_smiling_front.jpg'), ...still('002_03_neutral_front.jpg'), ...still('002_08_smiling_front.jpg'),
      '-filter_complex', '[0:v][1:v][2:v]concat=n=3:v=1:a=0,scale=480:-2,fps=10[v]', '-map', '[v]', '-c:v', 'libvpx', '-b:v', '2M', video]);
    expect(made.status, made.stderr?.toString()).toBe(0);

    await page.getByTestId('subject-item').filter({ hasText: 'Ben' }).click();
    await page.getByTestId('tab-animate').click();
    const animate = page.getByTestId('subject-animate');
    await animate.getByTestId('pose-panel').waitFor({ timeout: 60_000 });
    await animate.getByTestId('clip-video-every').selectOption('500');
    await animate.getByTestId('clip-video-file').setInputFiles(video);
    await animate.getByTestId('clip-video-name').fill('ben video');
    await animate.getByTestId('clip-video-make').click();
    await expect.poll(() => animate.getByTestId('clip-video-status').getAttribute('data-phase'), { timeout: 180_000, interval: 1000 }).toMatch(/done|failed/);
    const status = (await animate.getByTestId('clip-video-status').textContent()) ?? '';
    console.log(`clip from video: ${status}`);
    expect(await animate.getByTestId('clip-video-status').getAttribute('data-phase')).toBe('done');
    // 6 frames at 500 ms over 3 s (0, 0.5 … 2.5 s); each has Ben's face. (Each frame is a fit in the
    // studio: 250 ms made 12 of them for the same checks.)
    expect(status).toMatch(/^6 frames made keys/);
    await expect.poll(() => animate.getByTestId('clip-clock').textContent()).toMatch(/0\.00 \/ 2\.50 s/);

    // Smiling at 0.5 s, neutral at 1.5 s: the mouth moves between them.
    await animate.getByTestId('clip-time').fill('0.5');
    await settled(page.getByTestId('head-viewport'));
    await grab(page, 'clip-smile');
    await screenshot(page, 'pose-04-clip-from-video-smiling');
    await animate.getByTestId('clip-time').fill('1.5');
    await settled(page.getByTestId('head-viewport'));
    await grab(page, 'clip-neutral');
    await screenshot(page, 'pose-05-clip-from-video-neutral');
    const d = await difference(page, 'clip-smile', 'clip-neutral');
    expect(d.changed).toBeGreaterThan(0.005);
    expect(d.top).toBeGreaterThan(0.3);

    // Playing moves the clock.
    await animate.getByTestId('clip-play').click();
    await page.waitForTimeout(1500);
    await animate.getByTestId('clip-play').click();
    expect(Number(/^([\d.]+)/.exec((await animate.getByTestId('clip-clock').textContent()) ?? '')![1])).toBeGreaterThan(0);

    // A clip from his two photos.
    await animate.getByTestId('clip-photos-name').fill('ben photos');
    await animate.getByTestId('clip-photos-make').click();
    await expect.poll(() => animate.locator('[data-testid^="clip-ben"]').allTextContents()).toEqual(expect.arrayContaining(['ben video', 'ben photos']));
    expect(unexpectedProblems(studio.watched)).toEqual([]);
  }, 300_000);
});
