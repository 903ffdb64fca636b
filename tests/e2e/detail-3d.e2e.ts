import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DETAIL_VERSION, type DetailMeta } from '../../main/detail/stored-detail';
import { openLibrary } from '../../main/library/open-library';
import { ensureBuilt } from '../helpers/cli';
import { makeTempDir } from '../helpers/temp-dir';
import { annWithDetail } from './prepared-project';
import { openStudioPage, screenshot, unexpectedProblems, type StudioPage, type WatchedPage } from './browser-mode';

// The detail layer in the viewer: the photo overlay "with detail" and the 3D views' detail toggle,
// on a subject whose detail the CLI solved on the starter head; then a known relief (a dome) in
// place of the solved detail, to check that the 3D view draws a bump as a bump.

let tmp: ReturnType<typeof makeTempDir>;
let studio: StudioPage;
let watched: WatchedPage;
let projectDir: string;

const SMILING = '002_08_smiling_front.jpg';
const NEUTRAL = '002_03_neutral_front.jpg';

beforeAll(async () => {
  ensureBuilt({ renderer: true });
  tmp = makeTempDir('deca-e2e-detail-3d-');
  const env = { DECA_STUDIO_HOME: path.join(tmp.dir, 'home') };
  projectDir = path.join(tmp.dir, 'Detail.decastudio');
  // The coarse stage runs first (analysis included), then the detail stage: ~10 s on the starter head
  // (the same project as animate-ui's: made once, copied for each file).
  expect(annWithDetail(env, projectDir)).toMatch(/Ann: detail solved for 3 photos/);
  studio = await openStudioPage(env, projectDir, { antialias: false });
  watched = studio.watched;
}, 120_000);

afterAll(async () => {
  await studio?.close();
  tmp?.cleanup();
});

type Page = WatchedPage['page'];

/** Over the pixels opaque in both PNG URLs: their number, and the share whose colour differs by more than 4 levels (mean over channels). */
function overlayDifference(page: Page, a: string, b: string): Promise<{ opaque: number; changed: number }> {
  return page.evaluate(
    async ([ua, ub]) => {
      const pixels = async (url: string) => {
        const bitmap = await createImageBitmap(await (await fetch(url)).blob());
        const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
        ctx.drawImage(bitmap, 0, 0);
        return ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
      };
      const [pa, pb] = [await pixels(ua!), await pixels(ub!)];
      let opaque = 0, changed = 0;
      for (let i = 0; i < pa.length; i += 4) {
        if (!pa[i + 3] || !pb[i + 3]) continue;
        opaque++;
        if (Math.abs(pa[i]! - pb[i]!) + Math.abs(pa[i + 1]! - pb[i + 1]!) + Math.abs(pa[i + 2]! - pb[i + 2]!) > 12) changed++;
      }
      return { opaque, changed: changed / Math.max(1, opaque) };
    },
    [a, b],
  );
}

/** Waits until the 3D view shows the detail as asked, then keeps a copy of its pixels under `name`. */
async function grab(page: Page, state: 'on' | 'off', name: string): Promise<void> {
  await page.waitForSelector(`[data-testid="head-viewport"][data-detail="${state}"]`, { timeout: 60_000 });
  await page.getByTestId('head-viewport').evaluate((el, key) => {
    const c = el as HTMLCanvasElement;
    const ctx = Object.assign(document.createElement('canvas'), { width: c.width, height: c.height }).getContext('2d')!;
    ctx.drawImage(c, 0, 0);
    const w = window as unknown as { __grabs?: Record<string, ImageData> };
    (w.__grabs ??= {})[key] = ctx.getImageData(0, 0, c.width, c.height);
  }, name);
}

/**
 * Luminance change from grab `off` to grab `on` over the head (pixels not the clear colour): the share
 * of head pixels changed by more than 6 levels, and the centroids (pixels) of those that got brighter
 * and of those that got darker.
 */
function detailChange(page: Page, on: string, off: string) {
  return page.evaluate(
    ([kOn, kOff]) => {
      const grabs = (window as unknown as { __grabs: Record<string, ImageData> }).__grabs;
      const a = grabs[kOn!]!, b = grabs[kOff!]!;
      const lum = (d: Uint8ClampedArray, i: number) => 0.3 * d[i]! + 0.59 * d[i + 1]! + 0.11 * d[i + 2]!;
      let head = 0, changed = 0;
      const lit = { x: 0, y: 0, w: 0 }, shade = { x: 0, y: 0, w: 0 };
      for (let i = 0, p = 0; i < a.data.length; i += 4, p++) {
        if (Math.abs(b.data[i]! - 38) + Math.abs(b.data[i + 1]! - 41) + Math.abs(b.data[i + 2]! - 46) < 12) continue;
        head++;
        const d = lum(a.data, i) - lum(b.data, i);
        if (Math.abs(d) <= 6) continue;
        changed++;
        const c = d > 0 ? lit : shade, x = p % a.width, y = Math.floor(p / a.width);
        (c.x += Math.abs(d) * x), (c.y += Math.abs(d) * y), (c.w += Math.abs(d));
      }
      const centre = (c: typeof lit) => ({ x: c.x / Math.max(1e-9, c.w), y: c.y / Math.max(1e-9, c.w), weight: c.w });
      return { head, changed: changed / Math.max(1, head), lit: centre(lit), shade: centre(shade) };
    },
    [on, off],
  );
}

const openPhoto = async (page: Page, name: string) => {
  await page.locator(`[data-photo-name="${name}"] [data-testid="photo-open"]`).click();
  await page.getByTestId('photo-viewer').getByTestId('fit-image').waitFor({ timeout: 20_000 });
};

describe('the detail layer in the viewer', () => {
  it('draws the photo overlay with detail, and the 3D head with the detail normal map on and off', async () => {
    const { page } = watched;
    await page.getByText('Ann', { exact: true }).first().click();
    await openPhoto(page, SMILING);
    const viewer = page.getByTestId('photo-viewer');
    const shadedUrl = (await viewer.getByTestId('fit-image').getAttribute('href'))!;
    expect(shadedUrl).toMatch(/style=shaded/);
    await viewer.getByTestId('fit-style').selectOption('detail');
    await expect.poll(() => viewer.getByTestId('fit-image').getAttribute('href')).toMatch(/style=detail/);
    const overlay = await overlayDifference(page, shadedUrl, (await viewer.getByTestId('fit-image').getAttribute('href'))!);
    console.log(`overlay with detail: ${(overlay.changed * 100).toFixed(1)} % of ${overlay.opaque} head pixels differ from the shaded one by more than 4 levels`);
    // measured: 4.4 % (the folds and creases; the detail region is the face, the head also neck and scalp)
    expect(overlay.opaque).toBeGreaterThan(10_000);
    expect(overlay.changed).toBeGreaterThan(0.02);
    await screenshot(page, 'detail-3d-01-overlay-with-detail');

    await viewer.getByTestId('toggle-3d').check();
    await grab(page, 'on', 'smiling-on');
    await screenshot(page, 'detail-3d-02-smiling-detail-on');
    await viewer.getByTestId('toggle-detail-3d').uncheck();
    await grab(page, 'off', 'smiling-off');
    await screenshot(page, 'detail-3d-03-smiling-detail-off');
    const change = await detailChange(page, 'smiling-on', 'smiling-off');
    console.log(`3D detail on/off: ${(change.changed * 100).toFixed(1)} % of ${change.head} head pixels change by more than 6 levels`);
    // measured: 11.8 % of the head's pixels (folds, creases, the skin's relief; none off the face)
    expect(change.head).toBeGreaterThan(20_000);
    expect(change.changed).toBeGreaterThan(0.05);
    await viewer.getByTestId('toggle-detail-3d').check();
    await page.getByTestId('viewer-close').click();

    // The shared head (neutral, static detail) offers the toggle too, on by default.
    await page.getByTestId('subject-head-open').click();
    const dialog = page.getByTestId('subject-head');
    expect(await dialog.getByTestId('toggle-detail-3d').isChecked()).toBe(true);
    await page.waitForSelector('[data-testid="subject-head"] [data-testid="head-viewport"][data-detail="on"]', { timeout: 60_000 });
    await screenshot(page, 'detail-3d-04-shared-head-detail');
    await dialog.getByTestId('subject-head-close').click();
    expect(unexpectedProblems(watched)).toEqual([]);
  });

  it('draws a bump as a bump: a dome on the cheekbone is lit on its upper left, shaded on its lower right', async () => {
    const { page } = watched;
    // A known relief in place of the solved detail (3 mm high, a few centimetres wide), wrinkles off; a
    // new solve time, as a detail run again would store, makes the studio bake its map again.
    const library = openLibrary(path.join(projectDir, 'library.sqlite'));
    try {
      const rec = library.reconstructions.latestForSubject(library.reads.listSubjects()[0]!.id, 'starter-head')!;
      const stored = library.maps.get(rec.id, 'detail-static')!;
      const meta = stored.meta as unknown as DetailMeta;
      expect(meta.version).toBe(DETAIL_VERSION);
      const N = meta.size;
      const mask = new Float32Array(Uint8Array.from(library.maps.get(rec.id, 'detail-mask')!.data).buffer);
      let x0 = N, x1 = 0, y0 = N, y1 = 0, sx = 0, n = 0;
      for (let i = 0; i < N * N; i++) {
        if (!(mask[i]! > 0)) continue;
        const x = i % N, y = (i - x) / N;
        (x0 = Math.min(x0, x)), (x1 = Math.max(x1, x)), (y0 = Math.min(y0, y)), (y1 = Math.max(y1, y)), (sx += x), n++;
      }
      // Right of the face's midline in UV, 45 % down the detail region (row 0 is the top of the UV
      // square): the cheekbone on the image's right, which turns away from the key light — raking
      // light, so sideways tilts show as clearly as vertical ones.
      const cx = sx / n + 0.3 * (x1 - x0), cy = y0 + 0.45 * (y1 - y0), s = 0.07 * (x1 - x0);
      const dome = Float32Array.from({ length: N * N }, (_, i) => (mask[i]! > 0 ? 0.003 * Math.exp(-(((i % N) - cx) ** 2 + (Math.floor(i / N) - cy) ** 2) / (s * s)) : 0));
      library.maps.put({ ...stored, data: Buffer.from(dome.buffer), meta: { ...meta, seconds: meta.seconds + 1 } });
      for (const g of meta.groups) library.maps.put({ ...library.maps.get(rec.id, `detail-wrinkle:${g.name}`)!, data: Buffer.alloc(N * N * 4) });
    } finally {
      library.close();
    }
    await openPhoto(page, NEUTRAL);
    const viewer = page.getByTestId('photo-viewer');
    await viewer.getByTestId('toggle-3d').check();
    await grab(page, 'on', 'dome-on');
    await screenshot(page, 'detail-3d-05-dome-on');
    await viewer.getByTestId('toggle-detail-3d').uncheck();
    await grab(page, 'off', 'dome-off');
    const { lit, shade } = await detailChange(page, 'dome-on', 'dome-off');
    const at = (c: typeof lit) => `(${c.x.toFixed(0)}, ${c.y.toFixed(0)}) weight ${c.weight.toFixed(0)}`;
    console.log(`dome: brighter around ${at(lit)}, darker around ${at(shade)}`);
    // The key light comes from the upper left (and the sky from above): the dome's upper-left flank
    // turns towards it, the lower-right one away. measured: lit ~16 px left of and ~18 px above the
    // shade; with the map's red channel flipped lit lies 13 px right of it, with green 19 px below.
    expect(lit.weight).toBeGreaterThan(1000);
    expect(shade.weight).toBeGreaterThan(1000);
    expect(lit.x).toBeLessThan(shade.x - 5);
    expect(lit.y).toBeLessThan(shade.y - 5);
    await viewer.getByTestId('toggle-detail-3d').check();
    await page.getByTestId('viewer-close').click();
    expect(unexpectedProblems(watched)).toEqual([]);
  });
});
