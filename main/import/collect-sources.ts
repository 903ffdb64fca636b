import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ImportFileResult } from '../../core/api/contract';

/** One file to import: where it came from (for messages) and how to read it. */
export interface ImportSource {
  /** What the user gave: a path, or an upload's file name. */
  source: string;
  /** File name kept as the photo's original name. */
  name: string;
  /** Absolute path of the bytes on disk. */
  file: string;
  /** Folder the file was found in, relative to the folder the user gave (for one-subject-per-folder imports). */
  folder: string | null;
}

/** What {@link collectSources} found: files to import, paths that do not exist, folders it could not read. */
export interface CollectedSources {
  sources: ImportSource[];
  missing: string[];
  /** One failed result per folder that could not be listed (permissions, I/O error); the rest go on. */
  unreadable: ImportFileResult[];
}

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.jpe', '.png', '.webp', '.tif', '.tiff']);

/**
 * Expands files and folders into the files to import. Folders are walked recursively in name
 * order and contribute only files with image extensions (a README beside the photos is not an
 * import error); a file named explicitly is always tried, whatever its extension. Hidden entries
 * and symbolic links to folders are skipped so a walk can neither loop nor leave the tree. A folder
 * that cannot be listed (no permission, an I/O error) becomes one failed result, and the walk goes on.
 *
 * ```ts
 * const sources = await collectSources(['/photos/ann', '/tmp/extra.jpg']);
 * ```
 */
export async function collectSources(paths: readonly string[]): Promise<CollectedSources> {
  const sources: ImportSource[] = [];
  const missing: string[] = [];
  const unreadable: ImportFileResult[] = [];
  for (const given of paths) {
    const abs = path.resolve(given);
    const stat = await fs.stat(abs).catch(() => null);
    if (!stat) {
      missing.push(given);
    } else if (stat.isDirectory()) {
      await walk(abs, abs, sources, unreadable);
    } else {
      sources.push({ source: given, name: path.basename(abs), file: abs, folder: null });
    }
  }
  return { sources, missing, unreadable };
}

async function walk(root: string, dir: string, out: ImportSource[], unreadable: ImportFileResult[]): Promise<void> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (error as Error).message.split(',')[0];
    unreadable.push({ source: dir, outcome: 'failed', photoId: null, code: 'unreadable', message: `This folder could not be read (${why}, ${code}); nothing in it was imported` });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      await walk(root, full, out, unreadable);
    } else if ((entry.isFile() || entry.isSymbolicLink()) && IMAGE_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) {
      if (entry.isSymbolicLink()) {
        const target = await fs.stat(full).catch(() => null);
        if (!target?.isFile()) continue;
      }
      const rel = path.relative(root, dir);
      out.push({ source: full, name: entry.name, file: full, folder: rel === '' ? path.basename(root) : rel });
    }
  }
}
