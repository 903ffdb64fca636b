import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import type { HeadModel } from '../../core/head-model/head-model';
import { applyFlameLandmarkEmbedding, applyFlameMasks, applyFlameUvLayout, importFlamePickle } from '../../core/head-model/flame-import';
import { parseObj } from '../../core/head-model/obj-parse';
import { readNpy } from '../../core/head-model/npy-read';
import { readPickle } from '../../core/head-model/pickle-read';
import { importIctFaceKit, isIctFaceKit, zipSourceFiles, type SourceFiles } from '../../core/head-model/ict-facekit-import';
import { readZip } from '../../core/head-model/zip-read';
import { formatBytes, INPUT_LIMITS, LimitError } from '../../core/limits/input-limits';

export interface ModelSourceOptions {
  onProgress?: (fraction: number) => void;
  /** FLAME only: DECA's `landmark_embedding.npy` (68 landmarks + dynamic contour). */
  flameLandmarks?: string;
  /** FLAME only: `FLAME_masks.pkl` (vertex regions). */
  flameMasks?: string;
  /** FLAME only: an OBJ with FLAME's topology and UVs (DECA's `head_template.obj`): the pack's UV layout. */
  flameUv?: string;
}

/**
 * Reads a head model from what the user downloaded: an ICT-FaceKit zip or unpacked folder, or a FLAME
 * pickle (`.pkl`) with optional landmark embedding and masks. Nothing is written here; the caller saves the result as a pack.
 *
 * ```ts
 * const model = await readModelSource('/downloads/ICT-FaceKit-master.zip');
 * await new PackStore().save(model);
 * ```
 */
export async function readModelSource(source: string, options: ModelSourceOptions = {}): Promise<HeadModel> {
  const { onProgress } = options;
  const stat = await fs.stat(source).catch(() => null);
  if (!stat) throw new Error(`No such file or folder: ${source}`);
  let files: SourceFiles;
  if (stat.isDirectory()) files = await folderSourceFiles(source);
  else if (source.toLowerCase().endsWith('.pkl')) {
    const model = importFlamePickle(await readModelFile(source), { fileName: path.basename(source) });
    if (options.flameLandmarks) applyFlameLandmarkEmbedding(model, readNpy(await readModelFile(options.flameLandmarks)));
    if (options.flameMasks) applyFlameMasks(model, readPickle(await readModelFile(options.flameMasks)));
    if (options.flameUv) applyFlameUvLayout(model, parseObj(await readModelFile(options.flameUv)));
    return model;
  } else files = zipSourceFiles(readZip(await readModelFile(source)));
  if (options.flameLandmarks || options.flameMasks || options.flameUv) throw new Error('--landmarks, --masks and --uv go with a FLAME .pkl');
  if (isIctFaceKit(files)) return importIctFaceKit(files, { onProgress }).model;
  throw new Error(`${source}: not a model this version can import (ICT-FaceKit zip or folder, FLAME .pkl)`);
}

/** A model file read whole, once its size is known to be within the limit. */
async function readModelFile(file: string): Promise<Uint8Array> {
  const { size } = await fs.stat(file);
  if (size > INPUT_LIMITS.modelFileBytes) throw new LimitError('modelFileBytes', `${file} is ${formatBytes(size)}`);
  return new Uint8Array(await fs.readFile(file));
}

/**
 * A folder as {@link SourceFiles}; symbolic links are not followed out of it. Files are held to the
 * same limits as the entries of an archive (each, and all together), checked before any is read.
 */
async function folderSourceFiles(root: string): Promise<SourceFiles> {
  const names: string[] = [];
  let total = 0;
  const walk = async (rel: string) => {
    for (const e of await fs.readdir(path.join(root, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(r);
      else if (e.isFile()) {
        const { size } = await fs.stat(path.join(root, rel, e.name));
        if (size > INPUT_LIMITS.zipEntryBytes) throw new LimitError('zipEntryBytes', `${r} is ${formatBytes(size)}`);
        if ((total += size) > INPUT_LIMITS.zipTotalBytes) throw new LimitError('zipTotalBytes', `The folder holds ${formatBytes(total)} or more`);
        if (names.length >= INPUT_LIMITS.zipEntries) throw new LimitError('zipEntries', `The folder holds more than ${names.length} files`);
        names.push(r);
      }
    }
  };
  await walk('');
  return { names, read: (name) => new Uint8Array(readFileSync(path.join(root, ...name.split('/')))) };
}
