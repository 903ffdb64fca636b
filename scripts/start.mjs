// `npm start`: builds, then opens the studio in Electron when its binary is available, and
// otherwise serves it to a browser (browser mode) and says why.
// `npm start -- --browser [project]` asks for browser mode directly.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const forceBrowser = args.includes('--browser');
const project = args.find((a) => !a.startsWith('--'));

const build = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

function electronBinary() {
  if (forceBrowser) return { reason: 'browser mode was asked for (--browser)' };
  if (process.env.DECA_NO_ELECTRON) return { reason: 'DECA_NO_ELECTRON is set' };
  try {
    // Electron's package resolves (and on first use downloads) its binary when required.
    return { path: createRequire(import.meta.url)('electron') };
  } catch (error) {
    return { reason: `the Electron binary is not available (${String(error.message).split('\n')[0]})` };
  }
}

const electron = electronBinary();
if (electron.path) {
  const child = spawn(electron.path, [path.join(root, 'out/main/electron-main.cjs'), ...(project ? [project] : [])], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(`\nStarting DECA Studio in browser mode: ${electron.reason}.`);
  const child = spawn(process.execPath, [path.join(root, 'bin/deca-studio.cjs'), 'serve', ...(project ? [project] : [])], { cwd: root, stdio: ['inherit', 'pipe', 'inherit'] });
  child.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(String(chunk))?.[0];
    // Open the default browser when there is a desktop to open it on.
    if (url && (process.env.DISPLAY || process.env.WAYLAND_DISPLAY || process.platform !== 'linux')) {
      const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
      spawn(opener, [url], { stdio: 'ignore', detached: true }).on('error', () => undefined).unref();
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}
