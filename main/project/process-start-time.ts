import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * When a process started, as an opaque token that is the same for as long as the process lives and
 * differs for a later process given the same PID. The project lock records it so that a PID reused by an
 * unrelated process does not hold a project forever.
 *
 * - Linux: field 22 of `/proc/<pid>/stat` (start time in clock ticks after boot).
 * - macOS and the BSDs: `ps -o lstart= -p <pid>` (start time to the second).
 * - Windows and anything else: null; the lock then falls back to "is the PID alive".
 *
 * Returns null too when the process does not exist or cannot be asked.
 *
 * ```ts
 * const mine = processStartTime(process.pid); // 'linux:84214523' on Linux
 * ```
 */
export function processStartTime(pid: number): string | null {
  if (!Number.isSafeInteger(pid) || pid <= 0) return null;
  try {
    if (process.platform === 'linux') return linuxStartTime(readFileSync(`/proc/${pid}/stat`, 'latin1'));
    if (process.platform === 'darwin' || process.platform.endsWith('bsd')) {
      const out = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      return out ? `ps:${out}` : null;
    }
  } catch {
    return null;
  }
  return null;
}

/**
 * Field 22 (starttime) of a `/proc/<pid>/stat` line. The command name (field 2) is in parentheses and
 * may itself hold spaces and parentheses, so fields are counted from the last `)`.
 *
 * ```ts
 * linuxStartTime('42 (a) b) S 1 … 84214523 …'); // 'linux:84214523'
 * ```
 */
export function linuxStartTime(stat: string): string | null {
  const close = stat.lastIndexOf(')');
  if (close < 0) return null;
  // After ")": field 3 (state) is index 0, so field 22 is index 19.
  const value = stat.slice(close + 1).trim().split(/\s+/)[19];
  return value && /^\d+$/.test(value) ? `linux:${value}` : null;
}
