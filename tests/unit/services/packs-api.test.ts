import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiEventMessage, ApiHandlers } from '../../../core/api/contract';
import { createApiHandlers } from '../../../main/services/api-handlers';
import { dispatch } from '../../../main/services/dispatch';
import { Studio } from '../../../main/services/studio';
import { makeTempDir } from '../../helpers/temp-dir';

let tmp: ReturnType<typeof makeTempDir>;
let studio: Studio;
let api: ApiHandlers;
let events: ApiEventMessage[];

beforeEach(() => {
  tmp = makeTempDir('deca-packs-api-');
  studio = new Studio({ mode: 'cli', version: 'test', settingsDir: path.join(tmp.dir, 'home'), workers: 1 });
  api = createApiHandlers(studio);
  events = [];
  studio.events.subscribe((m) => events.push(m));
});
afterEach(async () => {
  await studio.dispose();
  tmp.cleanup();
});

const refusal = async (method: 'packs.install' | 'packs.remove', raw: unknown) => {
  const r = await dispatch(api, method, raw);
  expect(r.ok).toBe(false);
  return r.ok ? '' : `${r.error.code}: ${r.error.message}`;
};

describe('head models installed and removed through the API', () => {
  it('refuses what is not a head model with a message that names it, and installs nothing', async () => {
    const missing = path.join(tmp.dir, 'nope.zip');
    expect(await refusal('packs.install', { path: missing })).toMatch(new RegExp(`bad-request: No such file or folder: ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    const notZip = path.join(tmp.dir, 'model.zip');
    writeFileSync(notZip, 'this is not a zip archive at all');
    expect(await refusal('packs.install', { path: notZip })).toMatch(/^bad-request: .*(zip|ZIP|archive)/);
    const notPickle = path.join(tmp.dir, 'generic_model.pkl');
    writeFileSync(notPickle, 'plain text');
    expect(await refusal('packs.install', { path: notPickle })).toMatch(/^bad-request: /);
    expect(await refusal('packs.install', { path: '' })).toMatch(/packs\.install\.path: must be a non-empty path/);
    expect(await refusal('packs.install', { path: notZip, extra: 1 })).toMatch(/unknown field "extra"/);
    expect((await api['packs.list']({})).map((p) => p.id)).toEqual(['starter-head']);
    expect(events.filter((e) => e.event === 'packs.changed')).toEqual([]);
  });

  it('keeps the built-in starter head, and names a head model that is not installed', async () => {
    await api['packs.list']({});
    expect(await refusal('packs.remove', { id: 'starter-head' })).toBe('bad-request: The starter head comes with DECA Studio and cannot be removed');
    expect(await refusal('packs.remove', { id: 'flame-2023' })).toBe('not-found: No head model "flame-2023" is installed');
    expect(await refusal('packs.remove', { id: '../home' })).toMatch(/packs\.remove\.id: must be a pack id/);
  });

  it('generates the starter head for any reader of a fresh settings folder, not only for listing, reconstructing and exporting', async () => {
    // A project opened with a new home (another machine, a new user) renders its starter-head fits
    // through studio.models: the pack was missing there ("No model pack …") until something else
    // had generated it.
    const packDir = path.join(tmp.dir, 'home', 'packs', 'starter-head');
    expect(existsSync(packDir)).toBe(false);
    const pack = await studio.models.pack('starter-head');
    expect(pack.model.id).toBe('starter-head');
    expect(pack.model.shape.count).toBeGreaterThan(0);
    expect(existsSync(packDir)).toBe(true);
    await expect(studio.models.pack('flame-2023')).rejects.toThrow(/flame-2023/);
  });

  it('refuses a second install while one runs', async () => {
    const notZip = path.join(tmp.dir, 'model.zip');
    writeFileSync(notZip, Buffer.alloc(1024));
    const first = dispatch(api, 'packs.install', { path: notZip });
    expect(await refusal('packs.install', { path: notZip })).toBe('conflict: A head model is being installed already: wait for it to finish');
    await first;
  });
});
