import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
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

/** Debian's Chromium, headless, as the environment supports it (SwiftShader for WebGL2). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
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
export async function openStudioPage(env: Record<string, string>, project?: string): Promise<StudioPage> {
  const server = await startServe(env, project);
  const browser = await launchChromium();
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
