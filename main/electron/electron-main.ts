// Electron main process: one secure window on the renderer, the API over IPC, media over a
// privileged custom protocol. Everything else lives in services shared with browser mode.
import { app, BrowserWindow, dialog, ipcMain, net, protocol } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_VERSION, appDataDir } from '../app-paths';
import { IPC_CHANNELS } from '../../core/api/contract';
import { resolveMedia } from '../services/media-service';
import { Studio } from '../services/studio';
import { registerIpcBridge } from './ipc-bridge';
import { isOwnRendererUrl, lockDownContents, secureWebPreferences } from './window-security';

const MEDIA_SCHEME = 'deca-media';
const rendererIndex = path.join(__dirname, '..', 'renderer', 'index.html');
const rendererIndexUrl = pathToFileURL(rendererIndex).toString();
const preloadPath = path.join(__dirname, '..', 'preload', 'preload.cjs');

// corsEnabled: WebGL may only upload a cross-origin image fetched in CORS mode (Babylon's textures ask with
// crossOrigin="anonymous"), and the renderer's file:// page is another origin than deca-media://.
protocol.registerSchemesAsPrivileged([{ scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } }]);
app.enableSandbox();

const studio = new Studio({ mode: 'electron', version: APP_VERSION, settingsDir: appDataDir() });
let mainWindow: BrowserWindow | null = null;

function createWindow(): void {
  mainWindow = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'DECA Studio',
    show: false,
    webPreferences: secureWebPreferences(preloadPath),
  });
  lockDownContents(mainWindow.webContents, rendererIndexUrl);
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  mainWindow.on('closed', () => (mainWindow = null));
  void mainWindow.loadFile(rendererIndex);
}

app.whenReady().then(() => {
  // deca-media://thumb/<sha256> and deca-media://photo/<sha256>: files of the open project only.
  // deca-media://<kind>/<id>: the same media service as browser mode's /media/<kind>/<id>.
  protocol.handle(MEDIA_SCHEME, async (request) => {
    const url = new URL(request.url);
    const r = await resolveMedia(studio, url.host, url.pathname.replace(/^\//, ''), url.searchParams);
    if (!r.ok) return new Response(r.message, { status: r.status });
    if ('file' in r.body) return net.fetch(pathToFileURL(r.body.file).toString());
    // The 3D view's texture must be readable by the renderer's page (origin "null" under file://).
    return new Response(new Uint8Array(r.body), { headers: { 'Content-Type': r.contentType, 'Access-Control-Allow-Origin': '*' } });
  });
  registerIpcBridge(ipcMain, studio, rendererIndexUrl, () => (mainWindow ? [mainWindow.webContents] : []));
  ipcMain.handle(IPC_CHANNELS.pickFolder, async (event, purpose: unknown) => {
    if (!isOwnRendererUrl(event.senderFrame?.url ?? '', rendererIndexUrl) || !mainWindow) return null;
    if (purpose === 'pack') {
      const picked = await dialog.showOpenDialog(mainWindow, {
        title: 'Choose a head model to install (ICT-FaceKit zip, FLAME .pkl)',
        properties: ['openFile'],
        filters: [{ name: 'Head models', extensions: ['zip', 'pkl'] }],
      });
      return picked.canceled ? null : (picked.filePaths[0] ?? null);
    }
    const create = purpose === 'create' || purpose === 'export';
    const result = await dialog.showOpenDialog(mainWindow, {
      title: purpose === 'export' ? 'Choose a folder for the exported head' : create ? 'Choose a folder for the new project' : 'Open a DECA Studio project',
      properties: create ? ['openDirectory', 'createDirectory', 'promptToCreate'] : ['openDirectory'],
    });
    return result.canceled ? null : (result.filePaths[0] ?? null);
  });
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('web-contents-created', (_event, contents) => lockDownContents(contents, rendererIndexUrl));
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
app.on('will-quit', () => {
  void studio.dispose();
});
