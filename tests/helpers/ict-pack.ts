import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { HeadModel } from '../../core/head-model/head-model';
import { readModelSource } from '../../main/packs/import-model-source';
import { PackStore } from '../../main/packs/pack-store';
import { REPO_ROOT } from './cli';
import { SHARED_DIR } from './temp-dir';

export const ICT_ZIP = path.join(SHARED_DIR, 'models/ICT-FaceKit-master.zip');

/**
 * ICT-FaceKit as the studio installs it (`packs import`: read from the zip, saved as a pack, loaded
 * back), cached between test runs under the OS temp dir: the install takes ~13 s, a load 0.3 s. The
 * cache is keyed by the zip (size, time) and the importer's and pack codec's sources, so a change to
 * either installs afresh (and removes the stale install).
 *
 * ```ts
 * const ict = await installedIctPack();
 * ```
 */
export async function installedIctPack(): Promise<HeadModel> {
  const hash = createHash('sha256');
  const zip = statSync(ICT_ZIP);
  hash.update(`${zip.size}:${zip.mtimeMs}`);
  for (const dir of ['core/head-model', 'main/packs']) {
    for (const f of readdirSync(path.join(REPO_ROOT, dir)).sort()) if (f.endsWith('.ts')) hash.update(f).update(readFileSync(path.join(REPO_ROOT, dir, f)));
  }
  const root = path.join(os.tmpdir(), 'deca-studio-test-packs'), key = hash.digest('hex').slice(0, 16);
  const store = new PackStore(path.join(root, key));
  try {
    return await store.load('ict-facekit');
  } catch {
    // Installs for other sources are stale (26 MB each): only the newest is kept.
    for (const old of (existsSync(root) ? readdirSync(root, { withFileTypes: true }) : []).filter((d) => d.isDirectory() && d.name !== key)) rmSync(path.join(root, old.name), { recursive: true, force: true });
    await store.save(await readModelSource(ICT_ZIP));
    return store.load('ict-facekit');
  }
}
