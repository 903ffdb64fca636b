import { build } from 'esbuild';
import path from 'node:path';

/**
 * Vitest global setup: bundles the compute worker (worker threads start from a file, and tests run
 * the TypeScript sources), so `npx vitest` works without `npm run build` and never runs a stale worker;
 * and the CLI's video decode page (served from a file by main/video/video-decode-server.ts) for the same reason.
 */
export default async function setup(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..');
  await build({
    entryPoints: { 'main/compute-worker': path.join(root, 'main/compute/compute-worker.ts') },
    outdir: path.join(root, 'out'),
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'linked',
    external: ['electron', 'better-sqlite3', 'sharp', 'onnxruntime-node', 'ws', 'bufferutil', 'utf-8-validate'],
    logLevel: 'warning',
    absWorkingDir: root,
  });
  await build({
    entryPoints: { 'video-decode/decode-page': path.join(root, 'renderer/src/video-decode/decode-page.ts') },
    outdir: path.join(root, 'out'),
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    sourcemap: 'linked',
    logLevel: 'warning',
    absWorkingDir: root,
  });
}
