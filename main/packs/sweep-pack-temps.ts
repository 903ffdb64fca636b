import { promises as fs } from 'node:fs';
import path from 'node:path';

export interface SweepPackTempsOptions {
  /** A temporary folder this old is left over whatever its PID says (an import takes minutes). */
  staleAfterMs: number;
  /** Now, for tests. */
  now: number;
}

export const SWEEP_PACK_TEMPS_DEFAULTS: SweepPackTempsOptions = { staleAfterMs: 60 * 60 * 1000, now: 0 };

/**
 * The name of a pack store's temporary folder: `.tmp-<id>-<pid>-<random>` (or `.old-…` for the pack it
 * replaces), so that a later sweep can tell whether the process that made it is still at work.
 *
 * ```ts
 * packTempName('tmp', 'ict-facekit'); // '.tmp-ict-facekit-4242-9f3a01bc'
 * ```
 */
export function packTempName(kind: 'tmp' | 'old', id: string, random: string): string {
  return `.${kind}-${id}-${process.pid}-${random}`;
}

/**
 * Removes what an interrupted pack import left in the store (a kill between "write the temporary
 * folder" and "rename it into place"): `.tmp-*` and `.old-*` folders whose process is gone, or older
 * than an hour. Folders of an import still running in another process are left alone. Returns what
 * it removed.
 *
 * ```ts
 * await sweepPackTemps('/home/ann/.local/share/deca-studio/packs');
 * ```
 */
export async function sweepPackTemps(dir: string, options: Partial<SweepPackTempsOptions> = {}): Promise<string[]> {
  const o = { ...SWEEP_PACK_TEMPS_DEFAULTS, ...options };
  const now = o.now || Date.now();
  const removed: string[] = [];
  for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
    if (!/^\.(tmp|old)-/.test(name)) continue;
    const full = path.join(dir, name);
    const stat = await fs.stat(full).catch(() => null);
    if (!stat) continue;
    const pid = /-(\d{1,10})-[0-9a-f]{8}$/.exec(name)?.[1];
    const ownerGone = pid !== undefined && Number(pid) !== process.pid && !alive(Number(pid));
    if (ownerGone || now - stat.mtimeMs > o.staleAfterMs) {
      await fs.rm(full, { recursive: true, force: true });
      removed.push(name);
    }
  }
  return removed;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
