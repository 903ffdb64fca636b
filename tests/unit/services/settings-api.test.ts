import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiHandlers } from '../../../core/api/contract';
import { createApiHandlers } from '../../../main/services/api-handlers';
import { dispatch } from '../../../main/services/dispatch';
import { Studio } from '../../../main/services/studio';
import { londonPhoto, TEST_MODEL_DIR } from '../../helpers/perception';
import { makeTempDir } from '../../helpers/temp-dir';

let tmp: ReturnType<typeof makeTempDir>;
let studio: Studio;
let api: ApiHandlers;
let home: string;
const savedEnv = process.env.DECA_EXECUTION_PROVIDER;

beforeEach(() => {
  delete process.env.DECA_EXECUTION_PROVIDER;
  tmp = makeTempDir('deca-settings-');
  home = path.join(tmp.dir, 'home');
  studio = new Studio({ mode: 'cli', version: 'test', settingsDir: home, modelDir: TEST_MODEL_DIR, workers: 1 });
  api = createApiHandlers(studio);
});
afterEach(async () => {
  await studio.dispose();
  tmp.cleanup();
  if (savedEnv === undefined) delete process.env.DECA_EXECUTION_PROVIDER;
  else process.env.DECA_EXECUTION_PROVIDER = savedEnv;
});

describe('settings API', () => {
  it('starts from the defaults, lists the providers with the CPU always available, saves each field', async () => {
    const first = await api['settings.get']({});
    expect(first.settings).toEqual({ executionProvider: 'auto', defaultPackId: null, textureSize: 1024 });
    expect(first.providers.map((p) => p.name)).toEqual(['cuda', 'dml', 'coreml', 'cpu']);
    expect(first.providers.find((p) => p.name === 'cpu')!.available).toBe(true);
    // Core ML is Apple's only, DirectML Windows' only.
    if (process.platform === 'linux') expect(first.providers.filter((p) => p.available).map((p) => p.name)).not.toContain('dml');
    expect(first.activeProvider).toBeNull();
    expect(first.providerOverride).toBeNull();

    const next = await api['settings.set']({ textureSize: 2048, defaultPackId: 'starter-head', executionProvider: 'cpu' });
    expect(next.settings).toEqual({ executionProvider: 'cpu', defaultPackId: 'starter-head', textureSize: 2048 });
    // The provider lives where the workers and the CLI read it.
    expect(JSON.parse(readFileSync(path.join(home, 'inference.json'), 'utf8'))).toEqual({ provider: 'cpu' });
    // A new process sees the same settings.
    const again = new Studio({ mode: 'cli', version: 'test', settingsDir: home, workers: 1 });
    try {
      expect((await again.settings.read())).toEqual(next.settings);
    } finally {
      await again.dispose();
    }
    expect((await api['settings.set']({ defaultPackId: null })).settings.defaultPackId).toBeNull();
  });

  it('rejects bad values with the field named, and a head model that is not installed', async () => {
    const refused = async (raw: unknown) => {
      const r = await dispatch(api, 'settings.set', raw);
      expect(r.ok).toBe(false);
      return r.ok ? '' : `${r.error.code}: ${r.error.message}`;
    };
    expect(await refused({ textureSize: 4000 })).toMatch(/bad-request: settings\.set\.textureSize: must be 512, 1024 or 2048/);
    expect(await refused({ executionProvider: 'tpu' })).toMatch(/executionProvider: must be one of auto, cuda, dml, coreml, cpu/);
    expect(await refused({ defaultPackId: '../etc' })).toMatch(/defaultPackId: must be a pack id/);
    expect(await refused({ theme: 'dark' })).toMatch(/unknown field "theme"/);
    await expect(api['settings.set']({ defaultPackId: 'flame-2023' })).rejects.toThrow(/No head model "flame-2023" is installed/);
    expect(existsSync(path.join(home, 'studio-settings.json'))).toBe(false);
  });

  it('names a damaged settings file and how to recover', async () => {
    await api['settings.set']({ textureSize: 512 });
    writeFileSync(path.join(home, 'studio-settings.json'), '{"textureSize": 5');
    await expect(api['settings.get']({})).rejects.toThrow(/settings file .*studio-settings\.json is unreadable .*remove it/);
    writeFileSync(path.join(home, 'studio-settings.json'), JSON.stringify({ textureSize: 3, defaultPackId: 'Bad Id' }));
    // Values it does not know fall back to the defaults rather than reaching the UI.
    expect((await api['settings.get']({})).settings).toMatchObject({ textureSize: 1024, defaultPackId: null });
  });

  it('a new execution provider restarts the inference worker: its sessions are released, the next model opens on it', async () => {
    const { data, info } = await sharp(londonPhoto('p021', 'neutral_front')).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const image = { width: info.width, height: info.height, data: new Uint8Array(data) };
    await studio.pool.run('face.analyze', { image, mesh: false }, { lane: 'inference' });
    expect((await api['settings.get']({})).activeProvider).toBe('cpu');
    await api['settings.set']({ executionProvider: 'cpu' });
    // A fresh worker: nothing loaded yet.
    expect((await api['settings.get']({})).activeProvider).toBeNull();
    const faces = await studio.pool.run('face.analyze', { image, mesh: false }, { lane: 'inference' });
    expect(faces.faces.length).toBeGreaterThan(0);
    expect((await api['settings.get']({})).activeProvider).toBe('cpu');
  });

  it('refuses a provider change while the inference worker has work, and says so', async () => {
    const { data, info } = await sharp(londonPhoto('p021', 'neutral_front')).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const running = studio.pool.run('face.analyze', { image: { width: info.width, height: info.height, data: new Uint8Array(data) } }, { lane: 'inference' });
    await expect(studio.pool.restartInference({ provider: 'cpu' })).rejects.toThrow(/inference worker is busy/);
    await running;
  });

  it('reports an environment override', async () => {
    process.env.DECA_EXECUTION_PROVIDER = 'cpu';
    const s = await api['settings.get']({});
    expect(s.providerOverride).toBe('cpu');
    expect(s.settings.executionProvider).toBe('cpu');
  });
});
