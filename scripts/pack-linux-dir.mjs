// Packs the Linux directory target offline: electron-builder with a stand-in Electron
// (an executable `electron` file and a LICENSE) and no native rebuild. Used by the packaging test;
// a real release build runs `npx electron-builder` online instead.
// `node scripts/pack-linux-dir.mjs [outputDir]`
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const output = path.resolve(process.argv[2] ?? path.join(root, 'dist'));
const standIn = path.join(output, '.electron-stand-in');
mkdirSync(standIn, { recursive: true });
writeFileSync(path.join(standIn, 'electron'), '#!/bin/sh\necho "stand-in for the Electron binary (offline packaging test)"\n');
chmodSync(path.join(standIn, 'electron'), 0o755);
writeFileSync(path.join(standIn, 'LICENSE'), 'Stand-in for Electron\'s LICENSE (MIT) in offline packaging tests.\n');
if (!existsSync(path.join(root, 'out/main/electron-main.cjs'))) throw new Error('Run "npm run build" first');

const { build, Platform } = require('electron-builder');
const electronVersion = require('electron/package.json').version;
await build({
  projectDir: root,
  targets: Platform.LINUX.createTarget('dir'),
  config: { electronDist: standIn, electronVersion, npmRebuild: false, directories: { output } },
  publish: 'never',
});
console.log(`packed: ${path.join(output, 'linux-unpacked')}`);
