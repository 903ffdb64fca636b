import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildModelManifest } from './ensure-models';

/**
 * `node out/native-models/build-models.cjs [cacheDir] [--write-manifest]`: converts every model into
 * `cacheDir` (default native-models/build/onnx) and, with --write-manifest, rewrites the committed
 * native-models/models.manifest.json. Run by scripts/build.mjs.
 */
const args = process.argv.slice(2);
const root = path.resolve(__dirname, '..', '..');
const cacheDir = path.resolve(args.find((a) => !a.startsWith('--')) ?? path.join(root, 'native-models/build/onnx'));
const manifest = buildModelManifest(cacheDir);
if (args.includes('--write-manifest')) {
  writeFileSync(path.join(root, 'native-models/models.manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}
for (const [id, m] of Object.entries(manifest)) console.log(`models: ${id}.onnx ${m.onnx.bytes} bytes sha256 ${m.onnx.sha256.slice(0, 16)}…`);
