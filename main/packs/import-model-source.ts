import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import type { HeadModel } from '../../core/head-model/head-model';
import { importFlamePickle } from '../../core/head-model/flame-import';
import { readCanonicalFaceMesh, starterHeadModel } from '../../core/head-model/mediapipe-starter-head';
import { importIctFaceKit, isIctFaceKit, zipSourceFiles, type SourceFiles } from '../../core/head-model/ict-facekit-import';
import { readZip } from '../../core/head-model/zip-read';

/** `packs import starter`: the MediaPipe canonical face shipped with the app (`@mediapipe/face_mesh`). */
export const STARTER_SOURCE = 'starter';

/**
 * Reads a head model from what the user downloaded: an ICT-FaceKit zip or unpacked folder, a FLAME
 * pickle (`.pkl`), or `starter` / the `@mediapipe/face_mesh` folder for the starter head. Nothing is written here; the caller saves the result as a pack.
 *
 * ```ts
 * const model = await readModelSource('/downloads/ICT-FaceKit-master.zip');
 * await new PackStore().save(model);
 * ```
 */
export async function readModelSource(source: string, onProgress?: (fraction: number) => void): Promise<HeadModel> {
  // A variable specifier: resolved at run time from node_modules, not bundled.
  const mediapipe = '@mediapipe/face_mesh/package.json';
  if (source === STARTER_SOURCE) source = path.dirname(require.resolve(mediapipe));
  const stat = await fs.stat(source).catch(() => null);
  if (!stat) throw new Error(`No such file or folder: ${source}`);
  let files: SourceFiles;
  if (stat.isDirectory()) {
    const data = path.join(source, 'face_mesh_solution_packed_assets.data');
    const loader = path.join(source, 'face_mesh_solution_packed_assets_loader.js');
    if ((await fs.stat(data).catch(() => null)) && (await fs.stat(loader).catch(() => null))) {
      return starterHeadModel(readCanonicalFaceMesh(await fs.readFile(loader, 'latin1'), new Uint8Array(await fs.readFile(data))));
    }
    files = await folderSourceFiles(source);
  }
  else if (source.toLowerCase().endsWith('.pkl')) {
    return importFlamePickle(new Uint8Array(await fs.readFile(source)), { fileName: path.basename(source) });
  } else files = zipSourceFiles(readZip(new Uint8Array(await fs.readFile(source))));
  if (isIctFaceKit(files)) return importIctFaceKit(files, { onProgress }).model;
  throw new Error(`${source}: not a model this version can import (ICT-FaceKit zip or folder, FLAME .pkl)`);
}

/** A folder as {@link SourceFiles}; symbolic links are not followed out of it. */
async function folderSourceFiles(root: string): Promise<SourceFiles> {
  const names: string[] = [];
  const walk = async (rel: string) => {
    for (const e of await fs.readdir(path.join(root, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(r);
      else if (e.isFile()) names.push(r);
    }
  };
  await walk('');
  return { names, read: (name) => new Uint8Array(readFileSync(path.join(root, ...name.split('/')))) };
}
