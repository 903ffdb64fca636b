import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Project folders: the owner may list and enter them, nobody else (POSIX; ignored on Windows). */
export const PRIVATE_DIR_MODE = 0o700;
/** Project files are photos of people and what was learnt from them: readable by the owner only. */
export const PRIVATE_FILE_MODE = 0o600;

export interface MakePrivateDirOptions {
  /** Mode of each folder created (before the umask). */
  mode: number;
}

export const MAKE_PRIVATE_DIR_DEFAULTS: MakePrivateDirOptions = { mode: PRIVATE_DIR_MODE };

/**
 * Creates a folder and any missing parents, each with the owner-only mode. Unlike
 * `mkdir({ recursive: true })`, which loops forever on file systems that answer ENOENT for a folder
 * that cannot exist (`/proc/x`), this walks the path once: a folder that cannot be made is an error
 * that names it.
 *
 * ```ts
 * await makePrivateDir('/home/ann/Portraits.decastudio/photos/ab');
 * ```
 */
export async function makePrivateDir(dir: string, options: Partial<MakePrivateDirOptions> = {}): Promise<void> {
  const { mode } = { ...MAKE_PRIVATE_DIR_DEFAULTS, ...options };
  const missing: string[] = [];
  // Up to the nearest folder that exists: at most one step per path segment.
  for (let current = path.resolve(dir); ; ) {
    const stat = await fs.stat(current).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    if (stat) {
      if (!stat.isDirectory()) throw Object.assign(new Error(`Cannot create the folder ${dir}: ${current} is a file`), { code: 'ENOTDIR' });
      break;
    }
    missing.push(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const folder of missing.reverse()) {
    try {
      await fs.mkdir(folder, { mode });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Another writer made it between our stat and mkdir: fine, as long as it is a folder.
      if (code === 'EEXIST' && (await fs.stat(folder)).isDirectory()) continue;
      throw Object.assign(new Error(`Cannot create the folder ${folder} (${code ?? (error as Error).message}): choose a folder on a normal disk`), { code });
    }
  }
}
