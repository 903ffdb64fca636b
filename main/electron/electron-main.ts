// Electron main process: one secure window on the renderer, the API over IPC, media over a
// privileged custom protocol. Everything else lives in services shared with browser mode.
import { app, BrowserWindow, dialog, ipcMain, net, protocol } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_VERSION, appDataDir } from '../app-paths';
import { getSubjectAlbedo } from '../reconstruct/albedo-store';
import { reconstructionImage } from '../reconstruct/reconstruction-view';
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
  protocol.handle(MEDIA_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host === 'fit') {
      const style = url.searchParams.get('style') === 'shaded' ? 'shaded' : 'grey';
      const png = studio.project && (await reconstructionImage(studio.project, studio.packs, Number(url.pathname.slice(1)), { style }));
      return png ? new Response(new Uint8Array(png), { headers: { 'Content-Type': 'image/png' } }) : new Response('Not found', { status: 404 });
    }
    if (url.host === 'albedo') {
      // deca-media://albedo/<subjectId>/<packId>
      const m = /^\/(\d{1,12})\/([a-z0-9][a-z0-9-]{0,62})$/.exec(url.pathname);
      const stored = m && studio.project ? getSubjectAlbedo(studio.project.library.db, Number(m[1]), m[2]!) : undefined;
      // The 3D view's texture: readable by the renderer's page (origin "null" under file://).
      const headers = { 'Content-Type': 'image/png', 'Access-Control-Allow-Origin': '*' };
      return stored ? new Response(new Uint8Array(stored.png), { headers }) : new Response('Not found', { status: 404 });
    }
    const sha = url.pathname.replace(/^\//, '');
    const project = studio.project;
    const photo = /^[0-9a-f]{64}$/.test(sha) ? project?.library.reads.findPhotoWithContent(sha) : undefined;
    if (!project || !photo || (url.host !== 'thumb' && url.host !== 'photo')) return new Response('Not found', { status: 404 });
    const file = url.host === 'thumb' ? project.store.thumbnailPath(sha) : project.store.originalPath(sha, photo.format);
    return net.fetch(pathToFileURL(file).toString());
  });
  registerIpcBridge(ipcMain, studio, rendererIndexUrl, () => (mainWindow ? [mainWindow.webContents] : []));
  ipcMain.handle('deca:pick-folder', async (event, purpose: unknown) => {
    if (!isOwnRendererUrl(event.senderFrame?.url ?? '', rendererIndexUrl) || !mainWindow) return null;
    const create = purpose === 'create';
    const result = await dialog.showOpenDialog(mainWindow, {
      title: create ? 'Choose a folder for the new project' : 'Open a DECA Studio project',
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
  void studio.closeProject();
});
