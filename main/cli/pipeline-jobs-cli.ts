import { ApiError } from '../../core/api/api-error';
import type { PackInfo } from '../../core/api/contract';
import type { Studio } from '../services/studio';
import type { CliIO } from './cli-command';

/**
 * An installed pack by id, or the not-found error that tells the user where to look.
 *
 * ```ts
 * const pack = await requireInstalledPack(studio, 'ict-facekit');
 * ```
 */
export async function requireInstalledPack(studio: Studio, packId: string): Promise<PackInfo> {
  const pack = (await studio.listPacks()).find((p) => p.id === packId);
  if (!pack) throw new ApiError('not-found', `No model pack "${packId}" is installed (see: deca-studio packs list)`);
  return pack;
}

/**
 * Waits for the per-subject jobs a command started; each one that did not end 'done' is reported
 * ("<what> job N stopped: …"). True when all ended done.
 *
 * ```ts
 * if (!(await awaitSubjectJobs(studio, jobIds, io, 'Detail'))) return EXIT.failed;
 * ```
 */
export async function awaitSubjectJobs(studio: Studio, jobIds: readonly number[], io: CliIO, what: string): Promise<boolean> {
  let ok = true;
  for (const id of jobIds) {
    const job = await studio.jobs.whenDone(id);
    if (job.state !== 'done') {
      io.err(`${what} job ${id} stopped: ${job.error ?? job.state}`);
      ok = false;
    }
  }
  return ok;
}
