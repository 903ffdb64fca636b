import { promises as fs } from 'node:fs';
import path from 'node:path';

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

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.jpe', '.png', '.webp', '.tif', '.tiff']);

/**
 * Expands files and folders into the files to import. Folders are walked recursively in name
 * order and contribute only files with image extensions (a README beside the photos is not an
 * import error); a file named explicitly is always tried, whatever its extension. Hidden entries
 * and symbolic links to folders are skipped so a walk can neither loop nor leave the tree.
 *
 * ```ts
 * const sources = await collectSources(['/photos/ann', '/tmp/extra.jpg']);
 * ```
 */
export async function collectSources(paths: readonly string[]): Promise<{ sources: ImportSource[]; missing: string[] }> {
  const sources: ImportSource[] = [];
  const missing: string[] = [];
  for (const given of paths) {
    const abs = path.resolve(given);
    const stat = await fs.stat(abs).catch(() => null);
    if (!stat) {
      missing.push(given);
    } else if (stat.isDirectory()) {
      await walk(abs, abs, sources);
    } else {
      sources.push({ source: given, name: path.basename(abs), file: abs, folder: null });
    }
  }
  return { sources, missing };
}

async function walk(root: string, dir: string, out: ImportSource[]): Promise<void> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      await walk(root, full, out);
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
