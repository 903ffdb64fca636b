import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { makePrivateDir, PRIVATE_FILE_MODE } from './make-private-dir';

/**
 * Writes `bytes` to `target` so that `target` is either absent or complete, never half-written:
 * the bytes go to a temporary file in `tmpDir` (same file system), are fsynced, then renamed. The
 * file is readable by its owner only, and missing folders are created owner-only too.
 *
 * ```ts
 * await writeFileAtomic('/p/photos/ab/abcd….jpg', bytes, '/p/tmp');
 * ```
 */
export async function writeFileAtomic(target: string, bytes: Uint8Array, tmpDir: string): Promise<void> {
  const tmp = path.join(tmpDir, `${randomBytes(8).toString('hex')}.part`);
  const handle = await fs.open(tmp, 'wx', PRIVATE_FILE_MODE);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fs.rm(tmp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await makePrivateDir(path.dirname(target));
    await fs.rename(tmp, target);
  } catch (error) {
    await fs.rm(tmp, { force: true });
    throw error;
  }
}

/** True when the error is the file system saying it is out of space or quota. */
export function isDiskFull(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}
