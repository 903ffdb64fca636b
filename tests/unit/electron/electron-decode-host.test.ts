import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { findChromiumBrowser } from '../../../main/video/find-chromium-browser';
import { makeTempDir } from '../../helpers/temp-dir';

// Electron cannot run here: a stand-in BrowserWindow records how the decode window is made and loads
// its URL in a headless Chromium, so the Electron host runs the real decode page against the real server.
const HAVE_BROWSER = (() => {
  try {
    return !!findChromiumBrowser();
  } catch {
    return false;
  }
})();
const HAVE_FFMPEG = spawnSync('ffmpeg', ['-version']).status === 0;

const state = vi.hoisted(() => ({ windows: [] as unknown[], browser: null as Browser | null }));

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const app = Object.assign(new Emitter(), { whenReady: () => Promise.resolve() });
  class FakeContents extends Emitter {
    windowOpenHandler: unknown = null;
    session = { setPermissionRequestHandler: vi.fn() };
    setWindowOpenHandler(h: unknown) {
      this.windowOpenHandler = h;
    }
  }
  class FakeWindow extends Emitter {
    webContents = new FakeContents();
    page: Page | null = null;
    destroyed = false;
    loaded: string | null = null;
    constructor(readonly options: { show: boolean; webPreferences: Record<string, unknown> }) {
      super();
      state.windows.push(this);
    }
    async loadURL(url: string) {
      this.loaded = url;
      const { chromium } = await import('playwright-core');
      state.browser ??= await chromium.launch({ executablePath: findChromiumBrowser(), headless: true, args: ['--disable-gpu'] });
      this.page = await state.browser.newPage();
      await this.page.goto(url);
    }
    isDestroyed() {
      return this.destroyed;
    }
    destroy() {
      this.destroyed = true;
      void this.page?.close();
    }
  }
  return { app, BrowserWindow: FakeWindow };
});

describe.skipIf(!HAVE_BROWSER || !HAVE_FFMPEG)('the Electron decode host', () => {
  const tmp = makeTempDir('deca-electron-video-');
  afterAll(async () => {
    await state.browser?.close();
    tmp.cleanup();
  });

  it('decodes in one hidden, sandboxed, isolated window without Node or preload, then destroys it', async () => {
    const { electronDecodeHost } = await import('../../../main/electron/electron-decode-host');
    const { decodeVideoFrames } = await import('../../../main/video/decode-video-frames');
    const electron = await import('electron');
    const video = path.join(tmp.dir, 'test.webm');
    const made = spawnSync('ffmpeg', ['-y', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=s=320x240:d=1:r=10', '-c:v', 'libvpx', video]);
    expect(made.status, made.stderr?.toString()).toBe(0);
    const frames: Buffer[] = [];
    const result = await decodeVideoFrames(video, {
      everyMs: 250,
      host: electronDecodeHost,
      pageScript: path.resolve(__dirname, '../../../out/video-decode/decode-page.js'),
      onFrame: async (jpeg) => void frames.push(jpeg),
    });
    expect(result).toMatchObject({ count: 4, times: [0, 0.25, 0.5, 0.75], width: 320, height: 240, host: expect.stringMatching(/^Electron /) });
    expect(frames).toHaveLength(4);
    for (const f of frames) expect(await sharp(f).metadata()).toMatchObject({ format: 'jpeg', width: 320, height: 240 });
    // testsrc's picture moves: the frames are different moments, not one frame four times.
    expect(new Set(frames.map((f) => f.toString('base64'))).size).toBe(4);

    expect(state.windows).toHaveLength(1);
    const win = state.windows[0] as { options: { show: boolean; webPreferences: Record<string, unknown> }; loaded: string; destroyed: boolean; webContents: EventEmitter & { windowOpenHandler: () => { action: string } } };
    expect(win.options.show).toBe(false);
    expect(win.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, nodeIntegrationInWorker: false, webSecurity: true, backgroundThrottling: false, partition: 'deca-video-decode' });
    expect(win.options.webPreferences.preload).toBeUndefined();
    expect(win.loaded).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[\w-]{32}\/$/);
    expect(win.webContents.windowOpenHandler()).toEqual({ action: 'deny' });
    expect(win.destroyed).toBe(true);
    // The CLI's process outlives its one window (Electron would quit when the last one closes).
    expect(electron.app.listenerCount('window-all-closed')).toBe(1);
  }, 120_000);
});
