// Derives core/head-model/ict-mediapipe468.ts (which ICT-FaceKit vertex each FaceMesh point lands on)
// from real photos; see main/packs/derive-ict-mediapipe468.ts.
// Usage: node scripts/derive-ict-mediapipe468.mjs <ICT-FaceKit zip> <photo>…
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [zip, ...photos] = process.argv.slice(2);
if (!zip || photos.length === 0) {
  console.error('usage: node scripts/derive-ict-mediapipe468.mjs <ICT-FaceKit zip> <photo>…');
  process.exit(64);
}
const outfile = path.join(root, 'out', 'tools', 'derive-ict-mediapipe468.cjs');
await build({ entryPoints: [path.join(root, 'main/packs/derive-ict-mediapipe468.ts')], bundle: true, platform: 'node', format: 'cjs', packages: 'external', outfile, logLevel: 'warning' });
const { deriveIctMediapipe468 } = await import(pathToFileURL(outfile).href);
const r = await deriveIctMediapipe468(zip, photos);
const spreadMm = r.spread.map((s) => s * 1000).sort((a, b) => a - b);
console.error(`views per point: min ${Math.min(...r.views)}, median ${[...r.views].sort((a, b) => a - b)[234]}; spread of the hits: median ${spreadMm[234].toFixed(2)} mm, 90th percentile ${spreadMm[421].toFixed(2)} mm`);
const rows = [];
for (let i = 0; i < 468; i += 18) rows.push(`  ${r.vertices.slice(i, i + 18).join(', ')},`);
writeFileSync(
  path.join(root, 'core/head-model/ict-mediapipe468.ts'),
  `/**
 * The ICT-FaceKit vertex under each of MediaPipe FaceMesh's 468 points (FaceMesh's order), so the
 * fitter's dense term works on ICT heads. Derived by scripts/derive-ict-mediapipe468.mjs from ${photos.length} photos
 * (see main/packs/derive-ict-mediapipe468.ts); ICT-FaceKit itself ships no such correspondence.
 */
export const ICT_MEDIAPIPE_468: readonly number[] = [
${rows.join('\n')}
];
`,
);
console.error('wrote core/head-model/ict-mediapipe468.ts');
