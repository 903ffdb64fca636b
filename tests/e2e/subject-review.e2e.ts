import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from '../helpers/cli';
import { makeTempDir, SHARED_PHOTOS } from '../helpers/temp-dir';
import { homeWithIct } from './prepared-project';
import { E2E_TMP, openStudioPage, screenshot, unexpectedProblems, type StudioPage, type WatchedPage } from './browser-mode';

// The subject review workspace: the filmstrip's states (fitted, rejected and why) and error badges,
// the pack choice remembered across a reload, the detail swap (pixels of the swapped render against
// the own-code render, numbers against the API) with a same-person and a control source, and the
// 3D head's detail toggle. Ann (3 views and a profile, fitted from its silhouette) and Bob (2 views) have detail on the
// starter head; Ann is also reconstructed on ICT-FaceKit afterwards, so ICT is her newest pack.

let tmp: ReturnType<typeof makeTempDir>;
let studio: StudioPage;
let watched: WatchedPage;

const LONDON = path.join(SHARED_PHOTOS, 'london_frl');
const SMILING = '002_08_smiling_front.jpg';
const NEUTRAL = '002_03_neutral_front.jpg';
const PROFILE = '002_01_neutral_left_profile.jpg';

beforeAll(async () => {
  ensureBuilt({ renderer: true });
  tmp = makeTempDir('deca-e2e-review-');
  const env = { DECA_STUDIO_HOME: path.join(tmp.dir, 'home') };
  // ICT-FaceKit installed from the shared zip first (`packs import`: installed once for the e2e files that use it).
  homeWithIct(env.DECA_STUDIO_HOME);
  const projectDir = path.join(tmp.dir, 'Review.decastudio');
  const ok = (args: string[]) => {
    const r = runCli(args, env);
    expect(r.code, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
    return r.stdout;
  };
  ok(['project', 'create', projectDir, '--name', 'Review']);
  ok(['import', projectDir, '--subject', 'Ann', ...[SMILING, NEUTRAL, '002_07_smiling_left_3quarter.jpg', PROFILE].map((f) => path.join(LONDON, 'p002', f))]);
  ok(['import', projectDir, '--subject', 'Bob', ...['005_03_neutral_front.jpg', '005_08_smiling_front.jpg'].map((f) => path.join(LONDON, 'p005', f))]);
  // Coarse stage then detail, both people (~30 s on 2 cores); then Ann's coarse fit on ICT-FaceKit (~25 s with the install).
  expect(ok(['detail', projectDir, '--pack', 'starter-head'])).toMatch(/Ann: detail solved for 4 photos/);
  ok(['reconstruct', projectDir, '--subject', 'Ann', '--pack', 'ict-facekit', '--no-photometric']);
  studio = await openStudioPage(env, projectDir, { antialias: false });
  watched = studio.watched;
}, 240_000);

afterAll(async () => {
  await studio?.close();
  tmp?.cleanup();
});

type Page = WatchedPage['page'];

const film = (page: Page, name: string) => page.locator(`[data-testid="film-photo"][data-photo-name="${name}"]`);

async function openReview(page: Page): Promise<void> {
  await page.getByText('Ann', { exact: true }).first().click();
  if ((await page.getByTestId('tab-review').getAttribute('aria-selected')) !== 'true') await page.getByTestId('tab-review').click();
  await page.getByTestId('subject-review').waitFor();
  await expect.poll(() => page.getByTestId('film-photo').count(), { timeout: 20_000 }).toBe(4);
}

/** Calls the API from the page, as the UI does (the token is the page's cookie). */
function callApi<T>(page: Page, method: string, req: object): Promise<T> {
  return page.evaluate(
    async ([m, body]) => {
      const r = (await (await fetch(`api/call/${m}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).json()) as { ok: boolean; value?: unknown; error?: unknown };
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      return r.value;
    },
    [method, req] as const,
  ) as Promise<T>;
}

/**
 * Two renders of the same photo compared pixel by pixel: how many differ (by more than 3 levels summed
 * over the channels) inside the box [x, y, w, h] and outside it, and the largest difference outside.
 */
function renderDifference(page: Page, a: string, b: string, box: number[]) {
  return page.evaluate(
    async ([ua, ub, bx]) => {
      const pixels = async (url: string) => {
        const bitmap = await createImageBitmap(await (await fetch(url)).blob());
        const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
        ctx.drawImage(bitmap, 0, 0);
        return { w: bitmap.width, h: bitmap.height, data: ctx.getImageData(0, 0, bitmap.width, bitmap.height).data };
      };
      const [pa, pb] = [await pixels(ua as string), await pixels(ub as string)];
      if (pa.w !== pb.w || pa.h !== pb.h) throw new Error(`sizes differ: ${pa.w}×${pa.h} and ${pb.w}×${pb.h}`);
      const [x0, y0, bw, bh] = bx as number[];
      let inside = 0, insideChanged = 0, outside = 0, outsideChanged = 0, outsideMax = 0;
      for (let y = 0, i = 0; y < pa.h; y++) {
        for (let x = 0; x < pa.w; x++, i += 4) {
          const d = Math.abs(pa.data[i]! - pb.data[i]!) + Math.abs(pa.data[i + 1]! - pb.data[i + 1]!) + Math.abs(pa.data[i + 2]! - pb.data[i + 2]!);
          const inBox = x >= x0! && x < x0! + bw! && y >= y0! && y < y0! + bh!;
          if (inBox) (inside++, d > 3 && insideChanged++);
          else (outside++, d > 3 && outsideChanged++, (outsideMax = Math.max(outsideMax, d)));
        }
      }
      return { width: pa.w, inside, insideChanged, outside, outsideChanged, outsideMax };
    },
    [a, b, box] as const,
  );
}

/** Picks a swap source and waits for its numbers; returns the render's URL and the numbers shown. */
async function pickSwap(page: Page, fromPhotoId: number) {
  await page.getByTestId('swap-from').selectOption(String(fromPhotoId));
  const rms = page.getByTestId('swap-rms');
  await rms.waitFor({ timeout: 90_000 });
  await page.getByTestId('swap-image').waitFor();
  const shown = { coarse: Number(await rms.getAttribute('data-coarse')), own: Number(await rms.getAttribute('data-own')), swapped: Number(await rms.getAttribute('data-swapped')) };
  const text = { coarse: await page.getByTestId('rms-coarse').textContent(), own: await page.getByTestId('rms-own').textContent(), swapped: await page.getByTestId('rms-swapped').textContent() };
  return { url: (await page.getByTestId('swap-image').getAttribute('href'))!, shown, text, person: await page.getByTestId('swap-person').textContent() };
}

/** Waits until the review's 3D view shows the detail as asked and keeps its pixels under `key`. */
async function grab(page: Page, state: 'on' | 'off', key: string): Promise<void> {
  const canvas = page.locator('[data-testid="review-side"] [data-testid="head-viewport"]');
  await page.waitForSelector(`[data-testid="review-side"] [data-testid="head-viewport"][data-detail="${state}"]`, { timeout: 90_000 });
  await canvas.evaluate((el, k) => {
    const c = el as HTMLCanvasElement;
    const ctx = Object.assign(document.createElement('canvas'), { width: c.width, height: c.height }).getContext('2d')!;
    ctx.drawImage(c, 0, 0);
    const w = window as unknown as { __grabs?: Record<string, ImageData> };
    (w.__grabs ??= {})[k] = ctx.getImageData(0, 0, c.width, c.height);
  }, key);
}

describe('the subject review workspace', () => {
  it('shows each photo’s state and errors, and remembers the chosen reconstruction across a reload', async () => {
    const { page } = watched;
    // The photo grid (the subject's first view) carries each photo's state on the newest reconstruction too.
    await page.getByText('Ann', { exact: true }).first().click();
    const card = (name: string) => page.locator(`[data-testid="photo-card"][data-photo-name="${name}"]`);
    // The profile joins the fit through its silhouette (issue #13), and says so.
    await expect.poll(() => card(PROFILE).getByTestId('photo-state').textContent().catch(() => null), { timeout: 20_000 }).toMatch(/^fitted · NME 0\.\d{3}$/);
    expect(await card(PROFILE).getByTestId('photo-reason').textContent()).toBe('a profile, fitted from its silhouette');
    expect(await card(SMILING).getByTestId('photo-state').textContent()).toMatch(/^fitted · NME 0\.\d{3}$/);
    await screenshot(page, 'subject-review-00-grid-states');
    await openReview(page);
    // ICT-FaceKit is Ann's newest reconstruction: shown first, without detail.
    await expect.poll(() => page.getByTestId('review-pack').inputValue(), { timeout: 20_000 }).toBe('ict-facekit');
    await expect.poll(() => page.getByTestId('review-summary').textContent()).toMatch(/4 fitted, 0 rejected, no detail yet/);
    for (const name of [SMILING, NEUTRAL]) expect(await film(page, name).getAttribute('data-state')).toBe('fitted');
    expect(await film(page, PROFILE).getAttribute('data-state')).toBe('fitted');
    expect(await film(page, PROFILE).getByTestId('film-reason').textContent()).toMatch(/a profile, fitted from its silhouette/);
    const nme = Number((await film(page, SMILING).getByTestId('badge-nme').textContent())!.replace(/^NME /, ''));
    const api = await callApi<{ photos: { photoId: number; nme: number | null }[] }>(page, 'subjects.review', { subjectId: 1, packId: 'ict-facekit' });
    expect(api.photos.filter((p) => p.nme !== null).map((p) => p.nme!.toFixed(3))).toContain(nme.toFixed(3));
    await screenshot(page, 'subject-review-01-ict-statuses');

    await page.getByTestId('coarse-image').waitFor({ timeout: 30_000 });
    const ictRender = (await page.getByTestId('coarse-image').getAttribute('href'))!;
    expect(ictRender).toMatch(/pack=ict-facekit/);

    await page.getByTestId('review-pack').selectOption('starter-head');
    await expect.poll(() => page.getByTestId('review-summary').textContent(), { timeout: 20_000 }).toMatch(/4 fitted, 0 rejected, detail solved/);
    await expect.poll(() => page.getByTestId('coarse-image').getAttribute('href'), { timeout: 20_000 }).toMatch(/pack=starter-head/);
    // The two packs' renders of the same photo are different heads (not the newest one twice).
    const packs = await renderDifference(page, ictRender, (await page.getByTestId('coarse-image').getAttribute('href'))!, [0, 0, 0, 0]);
    console.log(`ICT-FaceKit vs starter-head coarse render of ${SMILING}: ${packs.outsideChanged} of ${packs.outside} pixels differ`);
    expect(packs.outsideChanged).toBeGreaterThan(0.02 * packs.outside);
    expect(await film(page, SMILING).getByTestId('badge-detail').textContent()).toMatch(/detail -\d+ %/);

    await page.reload();
    // The workspace and the pack both come back after the reload.
    await page.getByText('Ann', { exact: true }).first().click();
    await expect.poll(() => page.getByTestId('tab-review').getAttribute('aria-selected'), { timeout: 20_000 }).toBe('true');
    await openReview(page);
    await expect.poll(() => page.getByTestId('review-pack').inputValue(), { timeout: 20_000 }).toBe('starter-head');
    await expect.poll(() => page.getByTestId('review-summary').textContent()).toMatch(/detail solved/);
    // The photo viewer (from the grid) shows the chosen reconstruction too.
    await page.getByTestId('tab-photos').click();
    await page.locator(`[data-testid="photo-card"][data-photo-name="${SMILING}"] [data-testid="photo-open"]`).click();
    await expect.poll(() => page.getByTestId('fit-info').textContent(), { timeout: 20_000 }).toMatch(/Reconstructed on starter-head/);
    await page.getByTestId('viewer-close').click();
    await page.getByTestId('tab-review').click();
    expect(unexpectedProblems(watched)).toEqual([]);
  });

  it('swaps detail codes: the render changes inside the face only, and shows the API’s numbers', async () => {
    const { page } = watched;
    await film(page, SMILING).locator('button').click();
    await page.getByTestId('coarse-image').waitFor({ timeout: 30_000 });
    await page.getByTestId('detail-image').waitFor();
    const photos = await callApi<{ id: number; width: number; originalName: string }[]>(page, 'photos.list', {});
    const id = (name: string) => photos.find((p) => p.originalName === name)!.id;
    const smiling = id(SMILING), neutral = id(NEUTRAL), bob = id('005_03_neutral_front.jpg');

    const own = await pickSwap(page, smiling);
    expect(own.person).toBe('same person');
    expect(own.shown.own).toBe(own.shown.swapped);
    const same = await pickSwap(page, neutral);
    await screenshot(page, 'subject-review-02-swap-same-person');
    // The four views at their own size, to look at the swap closely.
    await page.getByTestId('view-swap').scrollIntoViewIfNeeded();
    await page.locator('[data-testid="subject-review"] .main').screenshot({ path: path.join(E2E_TMP, 'subject-review-02b-views-same-person.png') });
    const api = await callApi<{ samePerson: boolean; photometricRms: { coarse: number; own: number; swapped: number } }>(page, 'detail.swap', { photoId: smiling, fromPhotoId: neutral, packId: 'starter-head' });
    console.log(`swap ${SMILING} ← ${NEUTRAL}: RMS coarse ${api.photometricRms.coarse}, own ${api.photometricRms.own}, swapped ${api.photometricRms.swapped}`);
    expect(api.samePerson).toBe(true);
    expect(same.shown).toEqual(api.photometricRms);
    expect(same.text).toEqual({ coarse: (api.photometricRms.coarse * 255).toFixed(2), own: (api.photometricRms.own * 255).toFixed(2), swapped: (api.photometricRms.swapped * 255).toFixed(2) });
    // The detail explains some of what the coarse render leaves: both codes lower the error.
    expect(api.photometricRms.own).toBeLessThan(api.photometricRms.coarse);
    expect(api.photometricRms.swapped).toBeLessThan(api.photometricRms.coarse);
    expect(api.photometricRms.swapped).not.toBe(api.photometricRms.own);

    const faces = await callApi<{ selectedFace: number; faces: { box: number[] }[] }>(page, 'photos.faces', { photoId: smiling });
    const [bx, by, bw, bh] = faces.faces[faces.selectedFace]!.box as [number, number, number, number];
    const first = await renderDifference(page, own.url, same.url, [0, 0, 1, 1]);
    // The renders are at most 2048 px; the box is in the photo's pixels.
    const k = first.width / photos.find((p) => p.id === smiling)!.width;
    const box = [bx - 0.15 * bw, by - 0.15 * bh, 1.3 * bw, 1.3 * bh].map((v) => v * k);
    const diff = await renderDifference(page, own.url, same.url, box);
    console.log(`swapped vs own render: ${diff.insideChanged} of ${diff.inside} pixels in the face box differ, ${diff.outsideChanged} of ${diff.outside} outside (largest ${diff.outsideMax})`);
    expect(diff.insideChanged).toBeGreaterThan(0.01 * diff.inside);
    expect(diff.outsideChanged).toBe(0);

    const control = await pickSwap(page, bob);
    expect(control.person).toBe('control: another person');
    const controlApi = await callApi<{ samePerson: boolean; photometricRms: { coarse: number; own: number; swapped: number } }>(page, 'detail.swap', { photoId: smiling, fromPhotoId: bob, packId: 'starter-head' });
    console.log(`control ${SMILING} ← Bob: RMS own ${controlApi.photometricRms.own}, swapped ${controlApi.photometricRms.swapped}`);
    expect(controlApi.samePerson).toBe(false);
    expect(control.shown).toEqual(controlApi.photometricRms);
    await screenshot(page, 'subject-review-03-swap-control');
    await page.locator('[data-testid="subject-review"] .main').screenshot({ path: path.join(E2E_TMP, 'subject-review-03b-views-control.png') });
    expect(unexpectedProblems(watched)).toEqual([]);
  });

  it('draws the photo’s head in 3D with detail on and off', async () => {
    const { page } = watched;
    await grab(page, 'on', 'on');
    await screenshot(page, 'subject-review-04-3d-detail-on');
    await page.getByTestId('review-detail-3d').uncheck();
    await grab(page, 'off', 'off');
    await screenshot(page, 'subject-review-05-3d-detail-off');
    const change = await page.evaluate(() => {
      const g = (window as unknown as { __grabs: Record<string, ImageData> }).__grabs;
      const a = g.on!.data, b = g.off!.data;
      let head = 0, changed = 0;
      for (let i = 0; i < a.length; i += 4) {
        // Not the clear colour (38, 41, 46).
        if (Math.abs(b[i]! - 38) + Math.abs(b[i + 1]! - 41) + Math.abs(b[i + 2]! - 46) < 12) continue;
        head++;
        if (Math.abs(0.3 * (a[i]! - b[i]!) + 0.59 * (a[i + 1]! - b[i + 1]!) + 0.11 * (a[i + 2]! - b[i + 2]!)) > 6) changed++;
      }
      return { head, changed: changed / Math.max(1, head) };
    });
    console.log(`review 3D detail on/off: ${(change.changed * 100).toFixed(1)} % of ${change.head} head pixels change by more than 6 levels`);
    expect(change.head).toBeGreaterThan(10_000);
    expect(change.changed).toBeGreaterThan(0.03);
    await page.getByTestId('review-detail-3d').check();

    // Arrow keys walk the filmstrip; at 1024 px the workspace stacks and its controls stay on screen.
    await film(page, SMILING).locator('button').focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => film(page, NEUTRAL).locator('button').getAttribute('aria-pressed')).toBe('true');
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.getByTestId('swap-from').waitFor();
    for (const id of ['review-pack', 'swap-from']) {
      const box = (await page.getByTestId(id).boundingBox())!;
      expect(box.x + box.width, id).toBeLessThanOrEqual(1024);
    }
    await page.getByTestId('swap-from').scrollIntoViewIfNeeded();
    await screenshot(page, 'subject-review-06-1024');
    await page.setViewportSize({ width: 1400, height: 900 });
    expect(unexpectedProblems(watched)).toEqual([]);
  });
});
