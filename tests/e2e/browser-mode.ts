import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { REPO_ROOT, spawnCli } from '../helpers/cli';

/** Screenshots and other leftovers of e2e runs (gitignored); look at them after a run. */
export const E2E_TMP = path.join(REPO_ROOT, 'tests/.tmp');

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Ends the server: SIGTERM lets it close the project, SIGKILL simulates a crash. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `deca-studio serve [project] --port 0` and resolves once it printed its URL.
 *
 * ```ts
 * const server = await startServe({ DECA_STUDIO_HOME: home });
 * await page.goto(server.url);
 * ```
 */
export function startServe(env: Record<string, string>, project?: string): Promise<ServeProcess> {
  const child = spawnCli(['serve', ...(project ? [project] : []), '--port', '0'], env);
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop('SIGKILL');
      reject(new Error(`serve printed no URL in 30 s:\n${out}`));
    }, 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(out)?.[0];
      if (url) {
        clearTimeout(timer);
        resolve({ child, url, output: () => out, stop });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code}) before printing its URL:\n${out}`));
    });
  });
}

export interface BrowserOptions {
  /**
   * false: WebGL without multisampling (`--webgl-antialiasing-mode=none`). In SwiftShader's software
   * WebGL a 3D view's frame then costs about two thirds (measured 293 → 188 ms for a 908×715 head
   * view on the busy 2-core machine; a full-page screenshot 3.7 → 1.3 s), and every action on a page
   * with a running render loop waits on those frames. Only the heads' edges lose their smoothing; for
   * tests whose checks count changed pixels over the head, not its edges' antialiasing.
   */
  antialias?: boolean;
}

/** Debian's Chromium, headless, as the environment supports it (SwiftShader for WebGL2). */
export function launchChromium(options: BrowserOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', ...(options.antialias === false ? ['--webgl-antialiasing-mode=none'] : [])],
  });
}

export interface PageProblem {
  kind: 'console' | 'pageerror' | 'http';
  text: string;
  /** The resource concerned, when there is one (failed loads, HTTP errors). */
  url: string;
}

export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** Console errors (CSP violations among them), uncaught exceptions and HTTP errors seen so far. */
  problems: PageProblem[];
}

/** A fresh page that records every console error, uncaught exception and HTTP error answer. */
export async function openWatchedPage(browser: Browser): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const problems: PageProblem[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push({ kind: 'console', text: m.text(), url: m.location().url });
  });
  page.on('pageerror', (e) => problems.push({ kind: 'pageerror', text: e.message, url: '' }));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push({ kind: 'http', text: `HTTP ${r.status()}`, url: r.url() });
  });
  return { context, page, problems };
}

/**
 * The problems left once the API errors a test provoked on purpose (e.g. a duplicate name answered
 * 409, or an upload refused by its first bytes) are set aside: Chromium logs every 4xx answer to fetch
 * as a console error.
 */
export function unexpectedProblems(watched: WatchedPage, expectedApiErrors: readonly string[] = []): string[] {
  // An entry is an API method (`subjects.rename`) or, starting with `/`, a path (`/api/upload`).
  const pathOf = (url: string) => (url ? new URL(url).pathname : '');
  const expected = (p: PageProblem) => expectedApiErrors.some((m) => (m.startsWith('/') ? pathOf(p.url) === m : p.url.endsWith(`/api/call/${m}`)));
  return watched.problems.filter((p) => !expected(p)).map((p) => `${p.kind}: ${p.text}${p.url ? ` (${p.url})` : ''}`);
}

/** Saves a full-page screenshot as tests/.tmp/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(E2E_TMP, { recursive: true });
  const file = path.join(E2E_TMP, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export interface StudioPage {
  server: ServeProcess;
  browser: Browser;
  watched: WatchedPage;
  close(): Promise<void>;
}

/**
 * The usual e2e start: `deca-studio serve [project]`, Debian's Chromium, one watched page on the
 * printed URL.
 *
 * ```ts
 * const studio = await openStudioPage({ DECA_STUDIO_HOME: home }, projectDir);
 * await studio.watched.page.getByTestId('open-export').click();
 * ```
 */
export async function openStudioPage(env: Record<string, string>, project?: string, options: BrowserOptions = {}): Promise<StudioPage> {
  const server = await startServe(env, project);
  const browser = await launchChromium(options);
  const watched = await openWatchedPage(browser);
  await watched.page.goto(server.url);
  return {
    server,
    browser,
    watched,
    close: async () => {
      await browser.close();
      await server.stop();
    },
  };
}

/**
 * Waits until a 3D view's picture has settled after a change (a slider, a light, an orbit with its
 * inertia, a shader compiled for a new material): at least `minFrames` animation frames have passed
 * and two frames in a row show the same pixels, not the clear colour alone. In place of a fixed
 * sleep: as long as the change takes to show and no longer. Past `timeoutMs` it returns anyway
 * (the grab that follows then checks what is there, as after a sleep) and says so on the console.
 *
 * ```ts
 * await dialog.getByTestId('viewport-wireframe').check();
 * await settled(dialog.getByTestId('head-viewport'));
 * ```
 */
export async function settled(canvas: Locator, options: { minFrames?: number; timeoutMs?: number } = {}): Promise<number> {
  const { minFrames = 3, timeoutMs = 15_000 } = options;
  const t0 = Date.now();
  const frames = await canvas.evaluate(
    async (el, [min, timeout]) => {
      const c = el as HTMLCanvasElement;
      const ctx = Object.assign(document.createElement('canvas'), { width: c.width, height: c.height }).getContext('2d', { willReadFrequently: true })!;
      // A hash of the picture, and whether anything but the clear colour (38, 41, 46) is in it.
      const look = (): [number, boolean] => {
        ctx.drawImage(c, 0, 0);
        const d = ctx.getImageData(0, 0, c.width, c.height).data;
        let h = 2166136261, drawn = false;
        for (let i = 0; i < d.length; i += 4) {
          h = Math.imul(h ^ (d[i]! | (d[i + 1]! << 8) | (d[i + 2]! << 16)), 16777619);
          drawn ||= Math.abs(d[i]! - 38) + Math.abs(d[i + 1]! - 41) + Math.abs(d[i + 2]! - 46) >= 12;
        }
        return [h, drawn];
      };
      const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
      const start = performance.now();
      let last = NaN, n = 0;
      for (;;) {
        await frame();
        n++;
        const [h, drawn] = look();
        if (n >= min && drawn && h === last) return n;
        if (performance.now() - start > timeout) return -n;
        last = h;
      }
    },
    [minFrames, timeoutMs] as const,
  );
  if (frames < 0) console.log(`settled: the view still changed after ${-frames} frames (${Date.now() - t0} ms)`);
  return frames;
}
