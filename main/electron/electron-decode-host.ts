import { ApiError } from '../../core/api/api-error';
import type { DecodePageHost } from '../video/decode-page-host';
import { lockDownContents, secureWebPreferences } from './window-security';

/**
 * The decode page in a hidden window of Electron's own Chromium (the CLI run as `electron
 * out/main/cli.cjs …`, or the app): sandboxed, isolated, no Node, no preload, an in-memory session of its
 * own, navigation and new windows refused, and not throttled while hidden (it seeks a video).
 *
 * ```ts
 * const host = await electronDecodeHost();
 * await host.open(server.url);
 * ```
 */
export async function electronDecodeHost(): Promise<DecodePageHost> {
  // Loaded only in Electron's main process: under plain Node `electron` is the path of its binary.
  const { app, BrowserWindow } = await import('electron');
  await app.whenReady();
  // The CLI's process lives on when its one window closes (Electron quits by default).
  if (app.listenerCount('window-all-closed') === 0) app.on('window-all-closed', () => undefined);
  const { preload: _none, ...secure } = secureWebPreferences('');
  const win = new BrowserWindow({ show: false, width: 640, height: 480, webPreferences: { ...secure, partition: 'deca-video-decode', backgroundThrottling: false } });
  let fail!: (e: Error) => void;
  const failed = new Promise<never>((_resolve, reject) => (fail = reject));
  failed.catch(() => undefined);
  win.webContents.on('render-process-gone', (_event, details) => fail(new ApiError('internal', `The decode window's renderer ended (${details.reason}) before the video was decoded`)));
  const onClosed = () => fail(new ApiError('internal', 'The decode window closed before the video was decoded'));
  win.on('closed', onClosed);
  return {
    name: `Electron ${process.versions.electron}`,
    failed,
    open: async (url) => {
      lockDownContents(win.webContents, url);
      await win.loadURL(url);
    },
    close: async () => {
      win.off('closed', onClosed);
      if (!win.isDestroyed()) win.destroy();
    },
  };
}
