// Builds everything the app runs: main process + CLI + preload (esbuild, CommonJS for Electron
// and Node 20) and the renderer (Vite). `node scripts/build.mjs [--skip-renderer]`.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const external = ['electron', 'better-sqlite3', 'sharp', 'onnxruntime-node', 'ws', 'bufferutil', 'utf-8-validate', 'playwright-core'];

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: 'linked', external, logLevel: 'warning', absWorkingDir: root };


// The compute worker is its own bundle: worker threads start from a file (see main/compute/compute-pool.ts).
await build({
  ...common,
  entryPoints: { 'main/cli': 'main/cli/cli-main.ts', 'main/electron-main': 'main/electron/electron-main.ts', 'main/compute-worker': 'main/compute/compute-worker.ts' },
  outdir: path.join(root, 'out'),
  outExtension: { '.js': '.cjs' },
});
// The CLI's video decode page (renderer code: the Animate tab's sampler), served by main/video/video-decode-server.ts.
await build({ ...common, platform: 'browser', target: 'es2022', format: 'iife', entryPoints: { 'video-decode/decode-page': 'renderer/src/video-decode/decode-page.ts' }, outdir: path.join(root, 'out') });
await build({ ...common, entryPoints: { 'preload/preload': 'preload/preload.ts' }, outdir: path.join(root, 'out'), outExtension: { '.js': '.cjs' } });
await build({ ...common, entryPoints: { 'bench/bench': 'bench/run-benchmarks.ts' }, outdir: path.join(root, 'out'), outExtension: { '.js': '.cjs' } });

// Face models: the npm-shipped TFJS weights converted to ONNX in native-models/build/onnx (shipped as
// resources/models; the app converts into its user cache on first use when they are missing or stale).
await build({ ...common, entryPoints: { 'native-models/build-models': 'native-models/build-models.ts' }, outdir: path.join(root, 'out'), outExtension: { '.js': '.cjs' } });
const models = spawnSync(process.execPath, [path.join(root, 'out/native-models/build-models.cjs')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
if (models.status !== 0) process.exit(models.status ?? 1);

if (!process.argv.includes('--skip-renderer')) {
  const vite = spawnSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (vite.status !== 0) process.exit(vite.status ?? 1);
}
console.log('build: out/ ready');
