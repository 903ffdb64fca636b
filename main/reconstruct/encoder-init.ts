import { existsSync } from 'node:fs';
import { ApiError } from '../../core/api/api-error';
import { flameIncompatibility, type PackModes } from '../../core/deca/deca-init';
import type { HeadModel } from '../../core/head-model/head-model';

/** How a reconstruction starts: the fitter's own rigid guess from landmarks, or DECA's coarse encoder. */
export type ReconstructInit = 'landmarks' | 'encoder';

/**
 * Refuses an encoder start that cannot work, before any photo is touched: no encoder installed,
 * or a pack DECA's code does not fit (fewer than 100 shape / 50 expression modes, no jaw joint).
 * The encoding itself is the pipeline's 'encoder-init' stage (task `deca.encode`).
 *
 * ```ts
 * checkEncoderInit(model, installedEncoderPath());
 * ```
 */
export function checkEncoderInit(model: HeadModel | PackModes | null, encoderFile: string): void {
  if (!existsSync(encoderFile)) throw new ApiError('not-found', `No DECA encoder is installed (${encoderFile}): convert yours and run "deca-studio encoder install <file.onnx>"`);
  const why = model && flameIncompatibility(model);
  if (why) throw new ApiError('bad-request', `${why}; use --init landmarks or a FLAME pack`);
}
