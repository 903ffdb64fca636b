import { existsSync } from 'node:fs';
import { ApiError } from '../../core/api/api-error';
import { decaCodeToFit, flameIncompatibility, type DecaInit, type PackModes } from '../../core/deca/deca-init';
import type { HeadModel } from '../../core/head-model/head-model';
import type { FitInit } from '../../core/reconstruct/fit-photos';
import { DecaEncoder } from '../deca/deca-encoder';
import { installedEncoderPath } from '../deca/encoder-store';
import type { ProviderPreference } from '../inference/execution-providers';
import { decodePhoto } from '../perception/decode-photo';
import type { FaceJson } from '../perception/face-json';
import type { Project } from '../project/project';

/** How a reconstruction starts: the fitter's own rigid guess from landmarks, or DECA's coarse encoder. */
export type ReconstructInit = 'landmarks' | 'encoder';

export interface EncoderInitOptions {
  /** The converted encoder; null = the installed one (`deca-studio encoder install`). */
  encoderFile: string | null;
  provider?: ProviderPreference;
  signal?: AbortSignal;
}

export const ENCODER_INIT_DEFAULTS: EncoderInitOptions = { encoderFile: null };

/** The encoder's start for a subject's photos: joint init (mean β) and each photo's own. */
export interface EncoderInitResult {
  /** For the joint fit: β = mean of the photos' encoder shapes, each photo's pose, ψ and camera. */
  joint: FitInit;
  /** Per photo, its own code mapped (β, fit, light): the start of the photo's single fit. */
  photos: DecaInit[];
}

/**
 * Refuses an encoder start that cannot work, before any photo is touched: no encoder installed,
 * or a pack DECA's code does not fit (fewer than 100 shape / 50 expression modes, no jaw joint).
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

/**
 * Runs DECA's coarse encoder on each face's DECA crop (from the stored analysis) and maps the codes
 * onto the pack ({@link decaCodeToFit}). Throws with the photo named when a face has no crop.
 *
 * ```ts
 * const init = await encoderInit(project, model, usable.map((u) => ({ photoId: u.photoId, face: u.face })));
 * const fit = fitPhotos(points, observations, { init: init.joint });
 * ```
 */
export async function encoderInit(project: Project, model: HeadModel, faces: readonly { photoId: number; face: FaceJson }[], options: Partial<EncoderInitOptions> = {}): Promise<EncoderInitResult> {
  const o = { ...ENCODER_INIT_DEFAULTS, ...options };
  const file = o.encoderFile ?? installedEncoderPath();
  checkEncoderInit(model, file);
  const encoder = await DecaEncoder.open(file, { provider: o.provider });
  const photos: DecaInit[] = [];
  try {
    for (const { photoId, face } of faces) {
      if (o.signal?.aborted) break;
      const photo = project.library.reads.getPhoto(photoId);
      const name = photo?.originalName ?? `photo ${photoId}`;
      if (!photo) throw new Error(`${name} is no longer in the library`);
      if (!face.decaCrop) throw new Error(`${name}: the face analysis has no DECA crop (analyse the photo again)`);
      const image = await decodePhoto(project.store.originalPath(photo.sha256, photo.format));
      const code = await encoder.encodeCrop(image, face.decaCrop.toCrop);
      photos.push(decaCodeToFit(model, code, face.decaCrop.toCrop));
    }
  } finally {
    await encoder.dispose();
  }
  const shape = new Float64Array(model.shape.count);
  for (const p of photos) for (let k = 0; k < shape.length; k++) shape[k] += p.shape[k]! / photos.length;
  return { joint: { shape, photos: photos.map((p) => p.fit) }, photos };
}
