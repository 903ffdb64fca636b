// Converts the npm-shipped face models to ONNX now instead of on first use:
// `node scripts/build-models.mjs [cacheDir] [--write-manifest]` (default cacheDir native-models/build/onnx;
// --write-manifest refreshes the committed native-models/models.manifest.json).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outfile = path.join(root, 'out/native-models/build-models.cjs');
await build({ entryPoints: [path.join(root, 'native-models/build-models.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile, logLevel: 'warning' });
const r = spawnSync(process.execPath, [outfile, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
