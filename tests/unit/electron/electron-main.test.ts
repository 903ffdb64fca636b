import { EventEmitter } from 'node:events';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS } from '../../../core/api/contract';
import { openLibrary } from '../../../main/library/open-library';
import { makeTempDir } from '../../helpers/temp-dir';

// Electron cannot run here: a recording stand-in lets the main process's wiring be checked.
const created: FakeWindow[] = [];
const ipcHandlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
const privileged: unknown[] = [];
let readyResolve!: () => void;
const ready = new Promise<void>((r) => (readyResolve = r));

class FakeContents extends EventEmitter {
  windowOpenHandler: ((details: unknown) => { action: string }) | null = null;
  permissionHandler: ((wc: unknown, permission: string, cb: (ok: boolean) => void) => void) | null = null;
  session = { setPermissionRequestHandler: (h: FakeContents['permissionHandler']) => (this.permissionHandler = h) };
  setWindowOpenHandler(h: FakeContents['windowOpenHandler']) {
    this.windowOpenHandler = h;
  }
  isDestroyed() {
    return false;
  }
  send = vi.fn();
}

class FakeWindow extends EventEmitter {
  webContents = new FakeContents();
  loaded: string | null = null;
  constructor(readonly options: { webPreferences: Record<string, unknown> }) {
    super();
    created.push(this);
  }
  loadFile(file: string) {
    this.loaded = file;
    return Promise.resolve();
  }
  show() {}
  static getAllWindows() {
    return created;
  }
}

vi.mock('electron', () => ({
  app: Object.assign(new EventEmitter(), { enableSandbox: vi.fn(), whenReady: () => ready, quit: vi.fn() }),
  BrowserWindow: FakeWindow,
  ipcMain: { handle: (channel: string, fn: (event: unknown, ...args: unknown[]) => unknown) => ipcHandlers.set(channel, fn), removeHandler: vi.fn() },
  protocol: { registerSchemesAsPrivileged: (s: unknown[]) => privileged.push(...s), handle: vi.fn() },
  dialog: { showOpenDialog: vi.fn() },
  net: { fetch: vi.fn() },
}));

let tmp: ReturnType<typeof makeTempDir>;
beforeAll(async () => {
  tmp = makeTempDir('deca-electron-');
  process.env.DECA_STUDIO_HOME = tmp.dir;
  await import('../../../main/electron/electron-main');
  readyResolve();
  await ready;
  await new Promise((r) => setTimeout(r, 10));
});

describe('Electron main process', () => {
  it('enables the sandbox for every renderer and registers the media scheme as privileged', async () => {
    const { app } = await import('electron');
    expect(app.enableSandbox).toHaveBeenCalled();
    expect(privileged).toEqual([expect.objectContaining({ scheme: 'deca-media' })]);
  });

  it('opens one window with contextIsolation, sandbox and no Node integration, on the built renderer', () => {
    expect(created).toHaveLength(1);
    const prefs = created[0]!.options.webPreferences;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    expect(String(prefs.preload)).toMatch(/preload[\\/]preload\.cjs$/);
    expect(created[0]!.loaded).toMatch(/renderer[\\/]index\.html$/);
  });

  it('blocks navigation away from the renderer, new windows and permission requests', () => {
    const contents = created[0]!.webContents;
    const own = `file://${path.resolve(created[0]!.loaded!)}`;
    const navigate = (url: string) => {
      const event = { preventDefault: vi.fn() };
      contents.emit('will-navigate', event, url);
      return event.preventDefault.mock.calls.length > 0;
    };
    expect(navigate('https://evil.example/')).toBe(true);
    expect(navigate('file:///etc/passwd')).toBe(true);
    expect(navigate(own)).toBe(false);
    expect(contents.windowOpenHandler!({ url: 'https://evil.example' })).toEqual({ action: 'deny' });
    const granted = vi.fn();
    contents.permissionHandler!(contents, 'media', granted);
    expect(granted).toHaveBeenCalledWith(false);
  });

  it('answers IPC only from its own renderer frame, and validates the request', async () => {
    const call = ipcHandlers.get(IPC_CHANNELS.call)!;
    const own = { senderFrame: { url: `file://${path.resolve(created[0]!.loaded!)}` } };
    const foreign = { senderFrame: { url: 'https://evil.example/' } };
    expect(await call(foreign, 'app.info', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await call(own, 'app.info', {})).toMatchObject({ ok: true, value: { mode: 'electron' } });
    expect(await call(own, 'subjects.rename', { id: 'x' })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await call(own, 'project.create', { path: path.join(tmp.dir, 'P.decastudio'), name: 'P' })).toMatchObject({ ok: true });
    expect(created[0]!.webContents.send).toHaveBeenCalledWith(IPC_CHANNELS.event, expect.objectContaining({ event: 'project.changed' }));
    const stage = ipcHandlers.get(IPC_CHANNELS.stage)!;
    expect(await stage(foreign, 'a.jpg', new Uint8Array([1]))).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await stage(own, 'a.jpg', 'not bytes')).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    // Staged bytes must start like an image (the import then checks the whole file).
    expect(await stage(own, 'a.jpg', new Uint8Array([1, 2, 3]))).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/Not a JPEG, PNG, WebP or TIFF image/) } });
    expect(await stage(own, 'a.jpg', new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]))).toMatchObject({ ok: true, value: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(await call(own, 'project.close', {})).toMatchObject({ ok: true });
  });

  it("serves a reconstruction's albedo to the 3D view's WebGL texture: CORS-enabled scheme, readable from the file:// page", async () => {
    const { protocol } = await import('electron');
    expect(privileged).toEqual([expect.objectContaining({ privileges: expect.objectContaining({ corsEnabled: true }) })]);
    const call = ipcHandlers.get(IPC_CHANNELS.call)!;
    const own = { senderFrame: { url: `file://${path.resolve(created[0]!.loaded!)}` } };
    const project = path.join(tmp.dir, 'Albedo.decastudio');
    expect(await call(own, 'project.create', { path: project, name: 'Albedo' })).toMatchObject({ ok: true });
    const subject = ((await call(own, 'subjects.create', { name: 'Ann' })) as { value: { id: number } }).value;
    // The reconstruct job stores it; here a second connection on the project's library does.
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#c08070' } }).png().toBuffer();
    const lib = openLibrary(path.join(project, 'library.sqlite'));
    const rec = lib.reconstructions.save({ subjectId: subject.id, packId: 'starter-head', packHash: '', fitter: 'test', options: {}, shape: [], photoIds: [], stages: [], jobId: null }, []);
    lib.maps.put({ reconstructionId: rec, kind: 'albedo', width: 4, height: 4, format: 'png', data: png, meta: {} });
    lib.close();
    const handler = vi.mocked(protocol.handle).mock.calls[0]![1] as (request: Request) => Promise<Response>;
    const served = await handler(new Request(`deca-media://albedo/${rec}`));
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('access-control-allow-origin')).toBe('*');
    expect(Buffer.from(await served.arrayBuffer()).equals(png)).toBe(true);
    expect((await handler(new Request(`deca-media://albedo/${rec + 1}`))).status).toBe(404);
    expect((await handler(new Request(`deca-media://albedo/..%2Fsecret`))).status).toBe(404);
    const noDetail = await handler(new Request(`deca-media://detail-normal/${rec}`));
    expect([noDetail.status, await noDetail.text()]).toEqual([404, 'No detail layer for this reconstruction']);
    expect(await call(own, 'project.close', {})).toMatchObject({ ok: true });
  });
});
