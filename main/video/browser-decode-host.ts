import { ApiError } from '../../core/api/api-error';
import type { DecodePageHost } from './decode-page-host';

/**
 * A headless Chromium-family browser (found by findChromiumBrowser) driven through playwright-core,
 * holding one page: the decode page. Its own sandbox stays on except as root, where Chromium refuses to start
 * with it. Each run gets a fresh profile (nothing of the user's browser is read or kept).
 *
 * ```ts
 * const host = await browserDecodeHost('/usr/bin/chromium');
 * await host.open(server.url);
 * ```
 */
export async function browserDecodeHost(executablePath: string): Promise<DecodePageHost> {
  // Loaded only here: the Electron app and every other command never load playwright-core.
  const { chromium } = await import('playwright-core');
  let browser;
  try {
    browser = await chromium.launch({
      executablePath,
      headless: true,
      // Ctrl-C is the CLI's to handle (it cancels the run, which closes the browser).
      handleSIGINT: false,
      chromiumSandbox: process.getuid?.() !== 0,
      args: ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--mute-audio'],
    });
  } catch (error) {
    const first = ((error as Error).message ?? String(error)).split('\n').find((l) => l.trim()) ?? '';
    throw new ApiError('internal', `${executablePath} could not be started to decode the video (${first.trim()}): name another Chromium-family browser with --browser PATH`);
  }
  let fail!: (e: Error) => void;
  const failed = new Promise<never>((_resolve, reject) => (fail = reject));
  failed.catch(() => undefined);
  const onDisconnected = () => fail(new ApiError('internal', `${executablePath} closed before the video was decoded`));
  browser.on('disconnected', onDisconnected);
  const page = await browser.newPage();
  page.on('crash', () => fail(new ApiError('internal', `${executablePath}'s page crashed while decoding the video`)));
  return {
    name: executablePath,
    failed,
    open: async (url) => {
      await page.goto(url);
    },
    close: async () => {
      browser.off('disconnected', onDisconnected);
      await browser.close().catch(() => undefined);
    },
  };
}
