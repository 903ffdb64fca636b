import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from '../helpers/cli';
import { makeTempDir, SHARED_PHOTOS } from '../helpers/temp-dir';
import { openStudioPage, screenshot, unexpectedProblems, type StudioPage } from './browser-mode';

// Pins on profiles in the photo viewer (issue #13). London Set person 005 (DeBruine & Jones 2017,
// CC BY 4.0): a front and a 3/4 view, the right profile (its silhouette is read, so it is fitted)
// and the left one (its lips and chin do not give the silhouette, so it needs pins). A profile has
// no 68 detected landmarks to drag: the artist drags its named head points (silhouette or fitted
// head) or places them from the toolbar's list.

let tmp: ReturnType<typeof makeTempDir>;
let studio: StudioPage;

const P005 = path.join(SHARED_PHOTOS, 'london_frl/p005');
const NEEDS_PINS = '005_01_neutral_left_profile.jpg';
const SILHOUETTE = '005_05_neutral_right_profile.jpg';
/** Hand-placed points of the left profile (tests/unit/reconstruct/fixtures/london-profiles-hand.json). */
const HAND: Record<number, [number, number]> = { 30: [389, 716], 33: [425, 766], 8: [519, 956], 27: [454, 601] };

beforeAll(async () => {
  ensureBuilt({ renderer: true });
  tmp = makeTempDir('deca-e2e-profile-pins-');
  const env = { DECA_STUDIO_HOME: path.join(tmp.dir, 'home') };
  const projectDir = path.join(tmp.dir, 'ProfilePins.decastudio');
  expect(runCli(['project', 'create', projectDir, '--name', 'ProfilePins'], env).code).toBe(0);
  const files = ['005_03_neutral_front.jpg', '005_02_neutral_left_3quarter.jpg', SILHOUETTE, NEEDS_PINS].map((f) => path.join(P005, f));
  expect(runCli(['import', projectDir, '--subject', 'Kai', ...files], env).code).toBe(0);
  const r = runCli(['reconstruct', projectDir, '--no-photometric'], env);
  expect(r.code, r.stderr).toBe(0);
  studio = await openStudioPage(env, projectDir);
}, 600_000);

afterAll(async () => {
  await studio?.close();
  tmp?.cleanup();
});

/** A circle's centre in photo pixels. */
const centre = async (c: import('playwright-core').Locator) => c.evaluate((e) => [Number(e.getAttribute('cx')), Number(e.getAttribute('cy'))] as [number, number]);

/** Photo pixel (x, y) on the screen (the viewer's SVG maps photo pixels through its viewBox). */
const onScreen = (page: Page, x: number, y: number) =>
  page.getByTestId('viewer-canvas').evaluate((svg, [px, py]) => {
    const p = new DOMPoint(px, py).matrixTransform((svg as SVGSVGElement).getScreenCTM()!);
    return [p.x, p.y] as [number, number];
  }, [x, y] as [number, number]);

/** Screen pixels per photo pixel in the viewer. */
const zoom = async (page: Page) => {
  const [a, b] = [await onScreen(page, 0, 0), await onScreen(page, 100, 0)];
  return (b[0] - a[0]) / 100;
};

/** The API's answer (the page's own HTTP API, as the renderer calls it). */
const call = <T>(page: Page, method: string, req: object): Promise<T> =>
  page.evaluate(
    async ([m, r]) => ((await (await fetch(`api/call/${m}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(r) })).json()) as { value: unknown }).value,
    [method, req] as [string, object],
  ) as Promise<T>;

/** Landmark `l`'s pin's x in the stored pins (a moved pin goes to the end of the list). */
const pinX = (pins: Pins, l: number) => (pins.pins.find((p) => 'landmark' in p && p.landmark === l) as { x: number } | undefined)?.x ?? NaN;

type Pins = { pins: ({ landmark: number; x: number; y: number } | { triangle: number; x: number; y: number })[]; undoable: number };

async function openPhoto(page: Page, name: string): Promise<number> {
  await page.locator(`[data-photo-name="${name}"] [data-testid="photo-open"]`).click();
  const photos = await call<{ id: number; originalName: string }[]>(page, 'photos.list', {});
  return photos.find((p) => p.originalName === name)!.id;
}

async function waitIdle(page: Page): Promise<void> {
  await expect.poll(() => page.getByTestId('pins-busy').count(), { timeout: 60_000 }).toBe(0);
}

describe('pins on profiles in the photo viewer', () => {
  it('places named points on a profile that needs pins; from 3 on the head is fitted to them; drag and undo', async () => {
    const { page } = studio.watched;
    await page.getByText('Kai', { exact: true }).first().click();
    const id = await openPhoto(page, NEEDS_PINS);
    const viewer = page.getByTestId('photo-viewer');
    await expect.poll(() => viewer.getByTestId('face-row').first().textContent(), { timeout: 30_000 }).toMatch(/silhouette could not be read: place 3 or more pins/);
    // Not fitted: no head, no handles to drag, but the toolbar offers the named points.
    expect(await viewer.getByTestId('fit-image').count()).toBe(0);
    await expect.poll(() => viewer.getByTestId('pins-need').textContent()).toBe('place 3 more points to fit this profile');
    const offered = await viewer.locator('[data-testid="pin-point"] option').allTextContents();
    expect(offered).toEqual(expect.arrayContaining(['nose tip', 'subnasale (under the nose)', 'chin', 'sellion (nose bridge)']));
    await viewer.getByTestId('toggle-pins').check();
    expect(await viewer.locator('[data-testid^="pin-handle-"]').count()).toBe(0);

    // Nose tip, subnasale and chin where the hand-placed points have them.
    for (const [k, landmark] of [30, 33, 8].entries()) {
      await viewer.getByTestId('pin-point').selectOption(String(landmark));
      const [sx, sy] = await onScreen(page, ...HAND[landmark]!);
      await page.mouse.click(sx, sy);
      await expect.poll(() => viewer.getByTestId('pin-count').textContent(), { timeout: 30_000 }).toBe(String(k + 1));
      await waitIdle(page);
      const at = await centre(viewer.getByTestId(`pin-handle-${landmark}`));
      // Within a screen pixel of where it was clicked.
      expect(Math.hypot(at[0] - HAND[landmark]![0], at[1] - HAND[landmark]![1])).toBeLessThan(2 / (await zoom(page)) + 0.5);
      expect(await viewer.getByTestId(`pin-handle-${landmark}`).getAttribute('class')).toContain('pinned');
      expect(await viewer.getByTestId('pin-point').inputValue()).toBe('');
    }
    // Stored (API), and with 3 pins the head is refitted to them (the subject's shape, no fit of its own yet).
    let stored = await call<Pins>(page, 'pins.get', { photoId: id });
    expect(stored.pins.map((p) => ('landmark' in p ? p.landmark : -1))).toEqual([30, 33, 8]);
    await viewer.getByTestId('refit-landmarks').waitFor({ timeout: 30_000 });
    await expect.poll(() => viewer.getByTestId('pins-need').textContent()).toBe('reconstruct the subject to keep this fit');
    expect(await viewer.getByTestId('face-row').first().textContent()).toMatch(/silhouette could not be read: pinned, reconstruct the subject to fit it/);
    const refitAt = async (l: number) => centre(viewer.locator('[data-testid="refit-landmarks"] circle').nth(l));
    const offBy = async (l: number, at: [number, number]) => {
      const r = await refitAt(l);
      return Math.hypot(r[0] - at[0], r[1] - at[1]);
    };
    const span = Math.hypot(HAND[27]![0] - HAND[8]![0], HAND[27]![1] - HAND[8]![1]);
    const before = await refitAt(30);
    const offs = await Promise.all([30, 33, 8].map((l) => offBy(l, HAND[l]!)));
    console.log(`profile pins e2e: needs-pins profile refitted from 3 placed points: ${offs.map((o) => o.toFixed(1)).join(' / ')} px from them (sellion–chin ${span.toFixed(0)} px; ${await viewer.getByTestId('pins-refit-info').textContent()})`);
    for (const o of offs) expect(o).toBeLessThan(0.06 * span);
    await screenshot(page, 'profile-pins-01-placed');

    // Drag the nose tip 40 photo px forward (image-left): the refitted nose follows.
    const z = await zoom(page);
    const [x0, y0] = await onScreen(page, ...HAND[30]!);
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    await page.mouse.move(x0 - 20 * z, y0, { steps: 4 });
    await page.mouse.move(x0 - 40 * z, y0, { steps: 4 });
    await page.mouse.up();
    await expect.poll(async () => pinX(await call<Pins>(page, 'pins.get', { photoId: id }), 30), { timeout: 30_000 }).toBeLessThan(HAND[30]![0] - 30);
    await waitIdle(page);
    const moved = await refitAt(30);
    console.log(`profile pins e2e: nose tip pin dragged 40 px forward; the refitted nose tip moved ${(before[0] - moved[0]).toFixed(1)} px`);
    expect(before[0] - moved[0]).toBeGreaterThan(20);
    await screenshot(page, 'profile-pins-02-nose-dragged');

    // Undo takes back the drag: the pin and the refitted nose where they were.
    await viewer.getByTestId('pins-undo').click();
    await expect.poll(async () => Math.abs(pinX(await call<Pins>(page, 'pins.get', { photoId: id }), 30) - HAND[30]![0]), { timeout: 30_000 }).toBeLessThan(1);
    await waitIdle(page);
    await expect.poll(() => offBy(30, before), { timeout: 30_000 }).toBeLessThan(1);
    stored = await call<Pins>(page, 'pins.get', { photoId: id });
    expect(stored.pins).toHaveLength(3);
    // One more undo: 2 pins are too few to fit the profile; the refitted head goes away.
    await viewer.getByTestId('pins-undo').click();
    await expect.poll(() => viewer.getByTestId('pin-count').textContent(), { timeout: 30_000 }).toBe('2');
    await expect.poll(() => viewer.getByTestId('refit-landmarks').count()).toBe(0);
    expect(await viewer.getByTestId('pins-need').textContent()).toBe('place 1 more point to fit this profile');
    expect(unexpectedProblems(studio.watched)).toEqual([]);
    await viewer.getByTestId('viewer-close').click();
  });

  it('drags the silhouette profile’s chin and pins a point of its fitted head; the refit follows; undo', async () => {
    const { page } = studio.watched;
    const id = await openPhoto(page, SILHOUETTE);
    const viewer = page.getByTestId('photo-viewer');
    await expect.poll(() => viewer.locator('[data-testid="model-landmarks"] circle').count(), { timeout: 30_000 }).toBe(68);
    expect(await viewer.getByTestId('face-row').first().textContent()).toMatch(/a profile, read off its silhouette/);
    await expect.poll(() => viewer.getByTestId('pin-count').textContent()).toBe('0');
    expect(await viewer.getByTestId('pins-need').count()).toBe(0);
    await viewer.getByTestId('toggle-pins').check();
    // Handles: the silhouette's points and, on the side the camera sees (a right profile: the subject's right), the fitted head's eye and mouth corner.
    const handles = await viewer.locator('[data-testid^="pin-handle-"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-testid')!.slice('pin-handle-'.length))));
    console.log(`profile pins e2e: the silhouette profile offers handles ${handles.join(', ')}`);
    expect(handles).toEqual(expect.arrayContaining([27, 30, 33, 8, 36, 48]));
    expect(handles).not.toContain(45);
    const storedChin = await centre(viewer.locator('[data-testid="model-landmarks"] circle').nth(8));

    // Drag the chin handle 45 photo px down.
    const z = await zoom(page);
    const chin = await centre(viewer.getByTestId('pin-handle-8'));
    const [x0, y0] = await onScreen(page, ...chin);
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    await page.mouse.move(x0, y0 + 20 * z, { steps: 4 });
    await page.mouse.move(x0, y0 + 45 * z, { steps: 4 });
    await viewer.getByTestId('refit-landmarks').waitFor({ timeout: 30_000 });
    expect(await viewer.getByTestId('pin-count').textContent()).toBe('0');
    await page.mouse.up();
    await expect.poll(() => viewer.getByTestId('pin-count').textContent(), { timeout: 30_000 }).toBe('1');
    await waitIdle(page);
    await viewer.getByTestId('pins-stale').waitFor();
    const pin = await centre(viewer.getByTestId('pin-handle-8'));
    const refitChin = await centre(viewer.locator('[data-testid="refit-landmarks"] circle').nth(8));
    const stored = await call<Pins>(page, 'pins.get', { photoId: id });
    expect(stored.pins).toEqual([{ landmark: 8, x: expect.closeTo(pin[0], 1), y: expect.closeTo(pin[1], 1) }]);
    console.log(`profile pins e2e: silhouette chin dragged ${(pin[1] - chin[1]).toFixed(1)} px down; refitted chin ${(refitChin[1] - storedChin[1]).toFixed(1)} px lower than the stored fit's, ${Math.hypot(refitChin[0] - pin[0], refitChin[1] - pin[1]).toFixed(1)} px from the pin (${await viewer.getByTestId('pins-refit-info').textContent()})`);
    expect(pin[1] - chin[1]).toBeGreaterThan(35);
    expect(refitChin[1] - storedChin[1]).toBeGreaterThan(0.6 * (pin[1] - storedChin[1]));
    await screenshot(page, 'profile-pins-03-chin-dragged');

    // A press on the cheek (between the fitted eye and mouth corners) pins that point of the head.
    const eye = await centre(viewer.locator('[data-testid="model-landmarks"] circle').nth(36));
    const mouth = await centre(viewer.locator('[data-testid="model-landmarks"] circle').nth(48));
    const [cx, cy] = await onScreen(page, (eye[0] + mouth[0]) / 2, (eye[1] + mouth[1]) / 2);
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    await page.mouse.move(cx, cy - 10 * z, { steps: 3 });
    await page.mouse.move(cx, cy - 20 * z, { steps: 3 });
    await page.mouse.up();
    await expect.poll(() => viewer.getByTestId('pin-count').textContent(), { timeout: 30_000 }).toBe('2');
    await waitIdle(page);
    await viewer.getByTestId('pin-surface-1').waitFor();
    const both = await call<Pins & { pack: string | null }>(page, 'pins.get', { photoId: id });
    expect(both.pins.map((p) => ('triangle' in p ? 'surface' : p.landmark))).toEqual([8, 'surface']);
    expect(both.pack).not.toBeNull();
    await screenshot(page, 'profile-pins-04-surface-pin');

    // Undo both: no pins, the refitted head back on the stored fit, the fit no longer stale.
    await viewer.getByTestId('pins-undo').click();
    await expect.poll(() => viewer.getByTestId('pin-count').textContent(), { timeout: 30_000 }).toBe('1');
    await waitIdle(page);
    await viewer.getByTestId('pins-undo').click();
    await expect.poll(() => viewer.getByTestId('pin-count').textContent(), { timeout: 30_000 }).toBe('0');
    await waitIdle(page);
    await expect.poll(async () => {
      const back = await centre(viewer.locator('[data-testid="refit-landmarks"] circle').nth(8));
      return Math.hypot(back[0] - storedChin[0], back[1] - storedChin[1]);
    }, { timeout: 30_000 }).toBeLessThan(3);
    expect(await viewer.getByTestId('pins-stale').count()).toBe(0);
    expect((await call<Pins>(page, 'pins.get', { photoId: id })).pins).toEqual([]);
    await screenshot(page, 'profile-pins-05-undone');
    expect(unexpectedProblems(studio.watched)).toEqual([]);
    await viewer.getByTestId('viewer-close').click();
  });

  it('reconstructs the subject with the pinned profile: it is fitted from its pins, its head where they are', async () => {
    const { page } = studio.watched;
    const id = await openPhoto(page, NEEDS_PINS);
    const viewer = page.getByTestId('photo-viewer');
    await expect.poll(() => viewer.getByTestId('pin-count').textContent(), { timeout: 30_000 }).toBe('2');
    await viewer.getByTestId('toggle-pins').check();
    // Two more named points (nose tip and subnasale are left): sellion and the visible (left) eye's outer corner, now offered alone on its side.
    for (const [landmark, at] of [[27, HAND[27]!], [45, [531.5, 611] as [number, number]]] as const) {
      await viewer.getByTestId('pin-point').selectOption(String(landmark));
      const [sx, sy] = await onScreen(page, ...at);
      await page.mouse.click(sx, sy);
      await expect.poll(async () => (await call<Pins>(page, 'pins.get', { photoId: id })).pins.some((p) => 'landmark' in p && p.landmark === landmark), { timeout: 30_000 }).toBe(true);
      await waitIdle(page);
    }
    expect(await viewer.locator('[data-testid="pin-point"] option').allTextContents()).not.toContain('outer eye corner (right eye)');
    await viewer.getByTestId('viewer-close').click();
    await page.getByTestId('reconstruct-subject').click();
    await page.getByTestId('reconstruction-done').waitFor({ timeout: 120_000 });
    const review = await call<{ photos: { photoId: number; state: string; reason: string | null; nme: number | null }[] }>(page, 'subjects.review', { subjectId: (await call<{ id: number; subjectId: number }[]>(page, 'photos.list', {})).find((p) => p.id === id)!.subjectId });
    const row = review.photos.find((p) => p.photoId === id)!;
    expect([row.state, row.reason]).toEqual(['fitted', 'a profile, fitted from its pins']);

    // The viewer now has the profile's own fit: its head drawn, its landmarks where the pins are.
    await openPhoto(page, NEEDS_PINS);
    await expect.poll(() => viewer.locator('[data-testid="model-landmarks"] circle').count(), { timeout: 30_000 }).toBe(68);
    await viewer.getByTestId('fit-image').waitFor();
    expect(await viewer.getByTestId('pins-need').count()).toBe(0);
    expect(await viewer.getByTestId('face-row').first().textContent()).toMatch(/silhouette could not be read, fitted from its pins/);
    // The rendered head covers the pinned face: the nose tip's and the chin's pixels are drawn.
    const render = await page.evaluate(
      async ([url, points]) => {
        const res = await fetch(url);
        const bitmap = await createImageBitmap(await res.blob());
        const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
        ctx.drawImage(bitmap, 0, 0);
        const data = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
        let opaque = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) opaque++;
        // Within 6 px of each point (the silhouette's edge may fall just outside the head).
        const near = points.map(([x, y]) => {
          for (let dy = -6; dy <= 6; dy++) for (let dx = -6; dx <= 6; dx++) if (data[((Math.round(y) + dy) * bitmap.width + Math.round(x) + dx) * 4 + 3]! > 0) return true;
          return false;
        });
        return { status: res.status, fraction: opaque / (bitmap.width * bitmap.height), near };
      },
      [(await viewer.getByTestId('fit-image').getAttribute('href'))!, [HAND[30]!, HAND[8]!, HAND[27]!]] as [string, [number, number][]],
    );
    console.log(`profile pins e2e: the pinned profile's rendered head covers ${(render.fraction * 100).toFixed(1)} % of the photo; nose tip, chin, sellion drawn: ${render.near.join(', ')}`);
    expect(render.status).toBe(200);
    expect(render.fraction).toBeGreaterThan(0.03);
    expect(render.near).toEqual([true, true, true]);
    const span = Math.hypot(HAND[27]![0] - HAND[8]![0], HAND[27]![1] - HAND[8]![1]);
    const offs = await Promise.all(
      (await call<Pins>(page, 'pins.get', { photoId: id })).pins.map(async (p) => {
        const l = (p as { landmark: number }).landmark;
        const m = await centre(viewer.locator('[data-testid="model-landmarks"] circle').nth(l));
        return Math.hypot(m[0] - p.x, m[1] - p.y);
      }),
    );
    console.log(`profile pins e2e: reconstructed with ${offs.length} pins on the left profile: NME ${row.nme!.toFixed(3)}, its landmarks ${offs.map((o) => o.toFixed(1)).join(' / ')} px from the pins (sellion–chin ${span.toFixed(0)} px)`);
    for (const o of offs) expect(o).toBeLessThan(0.06 * span);
    await screenshot(page, 'profile-pins-06-fitted-from-pins');
    expect(unexpectedProblems(studio.watched)).toEqual([]);
  });
});
