import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, REPO_ROOT } from '../helpers/cli';
import { makeTempDir } from '../helpers/temp-dir';

const asar = createRequire(import.meta.url)('@electron/asar') as {
  listPackage(archive: string, options?: object): string[];
  extractFile(archive: string, file: string): Buffer;
};

let tmp: ReturnType<typeof makeTempDir>;
let app: string;
beforeAll(() => {
  ensureBuilt({ renderer: true });
  tmp = makeTempDir('deca-pack-');
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/pack-linux-dir.mjs'), tmp.dir], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`packing failed:\n${r.stdout}\n${r.stderr}`);
  app = path.join(tmp.dir, 'linux-unpacked');
}, 240_000);
afterAll(() => tmp?.cleanup());

describe('electron-builder Linux directory target (offline)', () => {
  it('has the executable and the app archive', () => {
    const exe = path.join(app, 'deca-studio');
    expect(statSync(exe).mode & 0o111).not.toBe(0);
    expect(existsSync(path.join(app, 'resources/app.asar'))).toBe(true);
  });

  it('packs the built main, preload and renderer, and no sources, tests or maps', () => {
    const archive = path.join(app, 'resources/app.asar');
    const files = asar.listPackage(archive, { isPack: false }).map((f) => f.replace(/\\/g, '/'));
    for (const f of ['/out/main/electron-main.cjs', '/out/main/cli.cjs', '/out/preload/preload.cjs', '/out/renderer/index.html', '/package.json',
      // The CLI's video decode page and the runtime dependency that drives a system Chromium with it.
      '/out/video-decode/decode-page.js', '/node_modules/playwright-core/package.json']) {
      expect(files).toContain(f);
    }
    const pkg = JSON.parse(asar.extractFile(archive, 'package.json').toString()) as { main: string };
    expect(files).toContain(`/${pkg.main}`);
    expect(files.filter((f) => f.startsWith('/out/') && (f.endsWith('.map') || f.endsWith('.ts')))).toEqual([]);
    expect(files.some((f) => f.startsWith('/tests/') || f.startsWith('/main/') || f.startsWith('/core/'))).toBe(false);
    expect(files.some((f) => f.includes('/node_modules/vitest/') || f.includes('/node_modules/electron-builder/'))).toBe(false);
    const html = asar.extractFile(archive, 'out/renderer/index.html').toString();
    expect(html).toMatch(/Content-Security-Policy/);
  });

  it('keeps native modules outside the archive, where they can be loaded', () => {
    const unpacked = path.join(app, 'resources/app.asar.unpacked/node_modules');
    expect(existsSync(path.join(unpacked, 'better-sqlite3/build/Release/better_sqlite3.node'))).toBe(true);
    const sharpVersion = JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules/sharp/package.json'), 'utf8')).version as string;
    expect(existsSync(path.join(unpacked, `@img/sharp-linux-x64/lib/sharp-linux-x64-${sharpVersion}.node`))).toBe(true);
  });

  it('ships the converted models as extra resources when they are built', () => {
    const built = path.join(REPO_ROOT, 'native-models/build');
    expect(existsSync(path.join(app, 'resources/models'))).toBe(existsSync(built));
  });
});
