import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBadFiles } from '../helpers/bad-files';
import { ensureBuilt } from '../helpers/cli';
import { makeTempDir, SHARED_PHOTOS } from '../helpers/temp-dir';
import { launchChromium, openWatchedPage, screenshot, startServe, type ServeProcess, unexpectedProblems, type WatchedPage } from './browser-mode';

// The library UI end to end: the built renderer in Debian's Chromium against `deca-studio serve`,
// a real project on disk, the shared photos imported through the file picker and drag and drop.

const photosOf = (person: string) => {
  const dir = path.join(SHARED_PHOTOS, 'london_frl', person);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jpg'))
    .sort()
    .map((f) => path.join(dir, f));
};

let tmp: ReturnType<typeof makeTempDir>;
let env: Record<string, string>;
let browser: Browser;
let server: ServeProcess | null = null;
let current: WatchedPage | null = null;
const projectDir = () => path.join(tmp.dir, 'Portraits.decastudio');
const shots: string[] = [];
/** The UI updates asynchronously (HTTP, events): poll for up to `timeout` ms. */
const poll = <T>(fn: () => T | Promise<T>, timeout = 15_000) => expect.poll(fn, { timeout, interval: 100 });

beforeAll(async () => {
  ensureBuilt({ renderer: true });
  tmp = makeTempDir('deca-e2e-library-');
  env = { DECA_STUDIO_HOME: path.join(tmp.dir, 'home') };
  browser = await launchChromium();
});

afterAll(async () => {
  await current?.context.close();
  await browser?.close();
  await server?.stop('SIGKILL');
  tmp?.cleanup();
  if (shots.length) console.log(`screenshots:\n  ${shots.join('\n  ')}`);
});

async function snap(page: Page, name: string): Promise<void> {
  shots.push(await screenshot(page, name));
}

/** Opens the server's URL (token → cookie) in a fresh page and checks the CSP header is there. */
async function visit(): Promise<Page> {
  await current?.context.close();
  current = await openWatchedPage(browser);
  const response = await current.page.goto(server!.url);
  expect(response?.status()).toBe(200);
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
  expect(new URL(current.page.url()).searchParams.has('token')).toBe(false);
  return current.page;
}

const subjectButton = (page: Page, name: string) => page.locator(`[data-testid=subject-item][data-subject-name="${name}"]`);

async function addSubject(page: Page, name: string): Promise<void> {
  await page.getByTestId('new-subject-name').fill(name);
  await page.getByTestId('new-subject-name').press('Enter');
  await poll(() => subjectButton(page, name).count()).toBe(1);
  await poll(() => page.getByTestId('subject-title').textContent()).toBe(name);
}

async function selectSubject(page: Page, name: string): Promise<void> {
  await subjectButton(page, name).click();
  await poll(() => page.getByTestId('subject-title').textContent()).toBe(name);
}

/** Waits until the grid shows exactly `names` and every thumbnail has actually decoded. */
async function expectThumbnails(page: Page, names: string[]): Promise<void> {
  await page.waitForFunction(
    (want) => {
      const imgs = [...document.querySelectorAll<HTMLImageElement>('[data-testid=photo-thumb]')];
      return imgs.length === want && imgs.every((img) => img.complete && img.naturalWidth > 0);
    },
    names.length,
    { timeout: 60_000 },
  );
  const shown = await page.getByTestId('photo-name').allTextContents();
  expect(shown.sort()).toEqual([...names].sort());
  const sizes = await page.getByTestId('photo-size').allTextContents();
  for (const size of sizes) expect(size).toMatch(/^\d+ × \d+$/);
}

/** Waits for the newest import report to end, and returns its state. */
async function finishedImport(page: Page): Promise<string> {
  const run = page.getByTestId('import-run').first();
  await poll(() => run.getAttribute('data-state'), 90_000).toMatch(/^(done|failed|cancelled|interrupted)$/);
  return (await run.getAttribute('data-state'))!;
}

/** Drops files on the grid as the OS would: a DataTransfer of File objects with the files' bytes. */
async function dropFiles(page: Page, files: string[], beforeDrop?: () => Promise<void>): Promise<void> {
  const payload = files.map((f) => ({ name: path.basename(f), b64: readFileSync(f).toString('base64') }));
  const dataTransfer = await page.evaluateHandle((items) => {
    const dt = new DataTransfer();
    for (const { name, b64 } of items) {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], name, { type: 'image/jpeg' }));
    }
    return dt;
  }, payload);
  const zone = page.getByTestId('drop-zone');
  await zone.dispatchEvent('dragenter', { dataTransfer });
  await zone.dispatchEvent('dragover', { dataTransfer });
  if (beforeDrop) await beforeDrop();
  await zone.dispatchEvent('drop', { dataTransfer });
}

describe('library UI in browser mode', () => {
  it('creates a project, subjects and imports by file picker and drag and drop', async () => {
    server = await startServe(env);
    const page = await visit();

    await page.getByTestId('project-page').waitFor();
    await snap(page, 'library-01-project-page');

    // A non-empty folder is refused, and the reason shows next to the form.
    const occupied = path.join(tmp.dir, 'occupied');
    mkdirSync(occupied);
    writeFileSync(path.join(occupied, 'keep.txt'), 'mine');
    await page.getByTestId('create-project-path').fill(occupied);
    await page.getByTestId('create-project-name').fill('Nope');
    await page.getByTestId('create-project-submit').click();
    await poll(() => page.getByTestId('project-error').textContent()).toContain('not empty');

    await page.getByTestId('create-project-path').fill(projectDir());
    await page.getByTestId('create-project-name').fill('Portraits');
    await page.getByTestId('create-project-submit').click();
    await page.getByTestId('library-page').waitFor();
    expect(await page.getByTestId('project-name').textContent()).toBe('Portraits');
    await page.getByTestId('subjects-empty').waitFor();
    await snap(page, 'library-02-empty-project');

    await addSubject(page, 'Ann');
    await page.getByTestId('photos-empty').waitFor();
    expect(await page.getByTestId('photos-empty').textContent()).toContain('Drop photos here');
    await snap(page, 'library-02b-empty-subject');
    await addSubject(page, 'Ben');

    // A duplicate name is an inline error, not a silent failure.
    await page.getByTestId('new-subject-name').fill('Ann');
    await page.getByTestId('add-subject-submit').click();
    await poll(() => page.getByTestId('add-subject-error').textContent()).toContain('already exists');
    await page.getByTestId('new-subject-name').fill('');

    const ann = photosOf('p002');
    const ben = photosOf('p005');
    expect(ann).toHaveLength(8);
    expect(ben).toHaveLength(8);

    await selectSubject(page, 'Ann');
    await page.getByTestId('import-input').setInputFiles(ann);
    expect(await finishedImport(page)).toBe('done');
    await expectThumbnails(page, ann.map((f) => path.basename(f)));
    // Photos keep the order they were picked in, whichever upload finished first.
    expect(await page.getByTestId('photo-name').allTextContents()).toEqual(ann.map((f) => path.basename(f)));
    expect(await page.getByTestId('import-detail').first().textContent()).toBe('8 imported');

    await selectSubject(page, 'Ben');
    await dropFiles(page, ben, async () => {
      await page.getByText('Drop to import into Ben').waitFor();
      await snap(page, 'library-03a-dragging');
    });
    expect(await finishedImport(page)).toBe('done');
    await expectThumbnails(page, ben.map((f) => path.basename(f)));

    const counts = await page.getByTestId('subject-photo-count').allTextContents();
    expect(counts).toEqual(['8 photos', '8 photos']);
    await snap(page, 'library-03-imported');
    expect(unexpectedProblems(current!, ['project.create', 'subjects.create'])).toEqual([]);
  });

  it('shows the same library after the server is killed and restarted on the project', async () => {
    await server!.stop('SIGKILL');
    // With the server gone, an action says so instead of failing silently.
    const old = current!.page;
    await old.getByTestId('new-subject-name').fill('Nobody');
    await old.getByTestId('add-subject-submit').click();
    await poll(() => old.getByTestId('add-subject-error').textContent()).toContain('Cannot reach the DECA Studio server');
    await snap(old, 'library-03b-server-gone');
    await current!.context.close();
    current = null;

    server = await startServe(env, projectDir());
    const page = await visit();

    await page.getByTestId('library-page').waitFor();
    expect(await page.getByTestId('project-name').textContent()).toBe('Portraits');
    await poll(() => page.getByTestId('subject-item').count()).toBe(2);
    await selectSubject(page, 'Ann');
    await expectThumbnails(page, photosOf('p002').map((f) => path.basename(f)));
    await selectSubject(page, 'Ben');
    await expectThumbnails(page, photosOf('p005').map((f) => path.basename(f)));
    await snap(page, 'library-04-after-restart');
    expect(unexpectedProblems(current!)).toEqual([]);
  });

  // Files that are no image (empty, text, HTML) are refused by their first bytes at upload (HTTP 400,
  // listed as problems in the import), the others by the import job.
  it('lists each bad file with its reason while the good photos arrive', async () => {
    const page = current!.page;
    await addSubject(page, 'Cleo');
    const good = photosOf('p021').slice(0, 4);
    const bad = writeBadFiles(path.join(tmp.dir, 'bad'));
    await page.getByTestId('import-input').setInputFiles([...good, ...bad]);
    expect(await finishedImport(page)).toBe('done');
    await expectThumbnails(page, good.map((f) => path.basename(f)));

    const problems = page.getByTestId('import-problem');
    await poll(() => problems.count()).toBe(5);
    const why = async (name: string) => {
      const row = problems.filter({ has: page.getByTestId('import-problem-file').getByText(name, { exact: true }) });
      return row.getByTestId('import-problem-message').textContent();
    };
    expect(await why('empty.jpg')).toMatch(/empty \(0 bytes\)/);
    expect(await why('truncated.jpg')).toMatch(/damaged or truncated/);
    expect(await why('notes.jpg')).toMatch(/text file/);
    expect(await why('huge.png')).toMatch(/over the 100 MP limit/);
    expect(await why('page.png')).toMatch(/HTML page/);
    expect(await page.getByTestId('import-detail').first().textContent()).toBe('4 imported, 5 failed');
    await snap(page, 'library-05-bad-files');
    expect(unexpectedProblems(current!, ['/api/upload'])).toEqual([]);
  });

  it('cancels an import from its progress report, while sending and while importing', async () => {
    const page = current!.page;
    await addSubject(page, 'Dana');
    const many = ['p002', 'p005', 'p021', 'p025'].flatMap(photosOf);

    // While sending: uploads are slowed down so Cancel surely lands in the upload phase.
    const slow = async (route: import('playwright-core').Route) => {
      await new Promise((r) => setTimeout(r, 300));
      await route.continue();
    };
    await page.route('**/api/upload*', slow);
    await page.getByTestId('import-input').setInputFiles(many);
    await poll(() => page.getByTestId('import-run').first().getAttribute('data-state')).toBe('uploading');
    await page.getByTestId('import-cancel').first().click();
    expect(await finishedImport(page)).toBe('cancelled');
    expect(await page.getByTestId('import-title').first().textContent()).toBe('Import into Dana cancelled');
    expect(await page.getByTestId('import-detail').first().textContent()).toMatch(/^stopped after sending \d+ of 32; nothing imported$/);
    await page.unroute('**/api/upload*', slow);
    expect(await page.getByTestId('subject-count').textContent()).toBe('0 photos');

    // While importing: the job itself is cancelled through jobs.cancel (unless it wins the race).
    await page.getByTestId('import-input').setInputFiles(many);
    await poll(() => page.getByTestId('import-run').first().getAttribute('data-state'), 60_000).toBe('running');
    const clicked = await page
      .getByTestId('import-cancel')
      .first()
      .click({ timeout: 2_000 })
      .then(() => true)
      .catch(() => false);
    const state = await finishedImport(page);
    if (clicked && state === 'cancelled') {
      await poll(() => page.getByTestId('subject-count').textContent());
      const imported = Number((await page.getByTestId('subject-count').textContent())!.split(' ')[0]);
      expect(imported).toBeLessThan(many.length);
    } else {
      console.warn(`the import finished (${state}) before Cancel reached it`);
      expect(state).toBe('done');
    }
    await snap(page, 'library-06-cancelled');
    expect(unexpectedProblems(current!, ['/api/upload'])).toEqual([]);
  });

  it('renames, and deletes photos and subjects only after our own confirmation', async () => {
    const page = current!.page;
    await selectSubject(page, 'Cleo');

    await page.getByTestId('rename-subject').click();
    await page.getByTestId('rename-input').fill('Ann');
    await page.getByTestId('rename-input').press('Enter');
    await poll(() => page.getByTestId('rename-error').textContent()).toContain('already exists');
    await page.getByTestId('rename-input').fill('Cleo B.');
    await page.getByTestId('rename-input').press('Enter');
    await poll(() => page.getByTestId('subject-title').textContent()).toBe('Cleo B.');

    // Cancel keeps the photo; Escape is the keyboard's cancel.
    const first = page.getByTestId('photo-card').first();
    const firstName = await first.getAttribute('data-photo-name');
    await first.hover();
    await first.getByTestId('photo-delete').click();
    const dialog = page.getByTestId('confirm-dialog');
    await poll(() => dialog.isVisible()).toBe(true);
    await snap(page, 'library-07-confirm-delete-photo');
    await page.keyboard.press('Escape');
    await poll(() => dialog.isVisible()).toBe(false);
    expect(await page.getByTestId('photo-card').count()).toBe(4);

    await first.hover();
    await first.getByTestId('photo-delete').click();
    await page.getByTestId('confirm-accept').click();
    await poll(() => page.getByTestId('photo-card').count()).toBe(3);
    expect(await page.locator(`[data-testid=photo-card][data-photo-name="${firstName}"]`).count()).toBe(0);

    // Keyboard only: the dialog opens with Cancel focused, so Enter on it deletes nothing.
    await page.getByTestId('delete-subject').focus();
    await page.keyboard.press('Enter');
    await poll(() => dialog.isVisible()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('confirm-cancel');
    await page.keyboard.press('Enter');
    await poll(() => dialog.isVisible()).toBe(false);
    expect(await subjectButton(page, 'Cleo B.').count()).toBe(1);
    await page.getByTestId('delete-subject').click();
    await page.getByTestId('confirm-accept').click();
    await poll(() => subjectButton(page, 'Cleo B.').count()).toBe(0);
    await poll(() => page.getByTestId('subject-item').count()).toBe(3);
    await snap(page, 'library-08-after-deletes');
    expect(unexpectedProblems(current!, ['/api/upload', 'subjects.rename'])).toEqual([]);
  });

  it('closes the project and reopens it from the recent projects', async () => {
    const page = current!.page;
    await page.getByTestId('close-project').click();
    await page.getByTestId('project-page').waitFor();
    const recent = page.getByTestId('recent-projects').getByRole('button');
    await poll(() => recent.count()).toBe(1);
    expect(await recent.first().textContent()).toContain('Portraits');
    await snap(page, 'library-09-recent-projects');

    // A folder that is no project is refused inline.
    await page.getByTestId('open-project-path').fill(path.join(tmp.dir, 'occupied'));
    await page.getByTestId('open-project-submit').click();
    await poll(() => page.getByTestId('project-error').textContent()).toContain('is not a DECA Studio project');

    await recent.first().click();
    await page.getByTestId('library-page').waitFor();
    await poll(() => page.getByTestId('subject-item').count()).toBe(3);
    expect(unexpectedProblems(current!, ['/api/upload', 'subjects.rename', 'project.open'])).toEqual([]);
  });
});
