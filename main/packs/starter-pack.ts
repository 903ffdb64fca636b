import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { buildStarterHead, STARTER_HEAD_ID } from '../../core/starter-head/build-starter-head';
import { PackStore } from './pack-store';

/** Bumped whenever the generator changes, so installed starter packs are rebuilt. */
export const STARTER_HEAD_GENERATOR_VERSION = 7;
const ASSET = 'geometry_pipeline_metadata_landmarks.binarypb';

/**
 * The canonical face mesh's bytes, cut from `@mediapipe/face_mesh`'s packed assets (the loader
 * script says where each file starts and ends).
 *
 * ```ts
 * const bytes = await readCanonicalFaceMeshAsset();
 * ```
 */
export async function readCanonicalFaceMeshAsset(): Promise<Uint8Array> {
  // __filename exists in the CommonJS bundles and under vitest alike.
  const req = createRequire(__filename);
  const dir = path.dirname(req.resolve('@mediapipe/face_mesh/package.json'));
  const loader = await fs.readFile(path.join(dir, 'face_mesh_solution_packed_assets_loader.js'), 'utf8');
  const match = new RegExp(`"filename":\\s*"[^"]*${ASSET.replace(/\./g, '\\.')}",\\s*"start":\\s*(\\d+),\\s*"end":\\s*(\\d+)`).exec(loader);
  if (!match) throw new Error(`@mediapipe/face_mesh no longer packs ${ASSET}: cannot build the starter head`);
  const data = await fs.readFile(path.join(dir, 'face_mesh_solution_packed_assets.data'));
  return new Uint8Array(data.subarray(Number(match[1]), Number(match[2])));
}

/**
 * Installs the starter head pack when it is missing or was made by an older generator, so a fresh
 * install always has a head to reconstruct with. Returns true when it (re)built the pack.
 *
 * ```ts
 * await ensureStarterPack(new PackStore());
 * ```
 */
export async function ensureStarterPack(store: PackStore): Promise<boolean> {
  const marker = path.join(store.dir, STARTER_HEAD_ID, 'generator-version');
  const installed = await fs.readFile(marker, 'utf8').catch(() => '');
  if (installed.trim() === String(STARTER_HEAD_GENERATOR_VERSION)) return false;
  const model = buildStarterHead(await readCanonicalFaceMeshAsset());
  await store.save(model);
  await fs.writeFile(marker, String(STARTER_HEAD_GENERATOR_VERSION));
  return true;
}

/**
 * The user's pack store with the starter head in it: what every CLI verb and the studio use, so a
 * fresh install can list, render and export a head before any model is imported.
 *
 * ```ts
 * const store = await installedPackStore();
 * ```
 */
export async function installedPackStore(dir?: string): Promise<PackStore> {
  const store = dir === undefined ? new PackStore() : new PackStore(dir);
  await ensureStarterPack(store);
  return store;
}
