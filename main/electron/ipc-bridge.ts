import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { IPC_CHANNELS } from '../../core/api/contract';
import { createApiHandlers } from '../services/api-handlers';
import { dispatch, type DispatchResult } from '../services/dispatch';
import type { Studio } from '../services/studio';
import { isOwnRendererUrl } from './window-security';

/**
 * Serves the API contract over Electron IPC. Every call's sender frame must be our own renderer
 * page; requests are validated by `dispatch` like any HTTP request.
 *
 * ```ts
 * registerIpcBridge(ipcMain, studio, rendererIndexUrl, () => mainWindow?.webContents);
 * ```
 */
export function registerIpcBridge(
  ipcMain: IpcMain,
  studio: Studio,
  rendererIndexUrl: string,
  targets: () => WebContents[],
): () => void {
  const handlers = createApiHandlers(studio);
  const senderOk = (event: IpcMainInvokeEvent) => isOwnRendererUrl(event.senderFrame?.url ?? '', rendererIndexUrl);
  const forbidden: DispatchResult = { ok: false, error: { code: 'forbidden', message: 'IPC from an unknown frame' } };

  ipcMain.handle(IPC_CHANNELS.call, async (event, method: unknown, req: unknown) => (senderOk(event) ? dispatch(handlers, method, req) : forbidden));
  ipcMain.handle(IPC_CHANNELS.stage, async (event, name: unknown, bytes: unknown): Promise<DispatchResult> => {
    if (!senderOk(event)) return forbidden;
    if (typeof name !== 'string' || !(bytes instanceof Uint8Array || bytes instanceof ArrayBuffer)) {
      return { ok: false, error: { code: 'bad-request', message: 'stage needs a file name and bytes' } };
    }
    try {
      const data = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
      return { ok: true, value: await studio.staging.put(name, data) };
    } catch (error) {
      return { ok: false, error: { code: (error as { code?: string }).code ?? 'internal', message: (error as Error).message } };
    }
  });
  const unsubscribe = studio.events.subscribe((message) => {
    for (const contents of targets()) if (!contents.isDestroyed()) contents.send(IPC_CHANNELS.event, message);
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(IPC_CHANNELS.call);
    ipcMain.removeHandler(IPC_CHANNELS.stage);
  };
}
