import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../core/api/api-error';
import { ensureStarterPack } from '../packs/starter-pack';
import type { Studio } from '../services/studio';
import { checkEncoderInit, type ReconstructInit } from './encoder-init';
import { installedEncoderPath } from '../deca/encoder-store';
import { fitModelOf, reconstructSubject, type FitModel, type ReconstructOutcome, type ReconstructSummary } from './reconstruct-subject';

export interface StartReconstructOptions {
  /** One subject; every subject with photos otherwise (one job each). */
  subjectId?: number;
  packId: string;
  force?: boolean;
  /** Also measure the rendered head's identity distance (slower). */
  identity?: boolean;
  /** 'encoder': start each photo from DECA's coarse encoder (installed, FLAME-compatible pack needed). */
  init?: ReconstructInit;
  /** With the encoder start: refine it by fitting (default true). */
  refine?: boolean;
  /** Refine joint fits with DECA's photometric term (default true). */
  photometric?: boolean;
  /** The encoder to run; the installed one by default. */
  encoderFile?: string;
  onPhoto?: (subject: string, photo: string, outcome: ReconstructOutcome, message: string | null) => void;
  onSummary?: (subject: string, summary: ReconstructSummary) => void;
}

/** Loaded packs with their fitter point sets, per pack store folder (ICT-FaceKit takes seconds to load). */
const fitModels = new Map<string, Promise<FitModel>>();

/**
 * Enqueues one 'reconstruct' job per subject; returns their ids. Progress counts photos; a photo
 * that fails becomes a job item; cancel stops between LM iterations without storing anything.
 *
 * ```ts
 * const [jobId] = startReconstructJobs(studio, { subjectId, packId: 'ict-facekit' });
 * await studio.jobs.whenDone(jobId!);
 * ```
 */
export function startReconstructJobs(studio: Studio, options: StartReconstructOptions): number[] {
  const project = studio.requireProject();
  const reads = project.library.reads;
  const subjects = options.subjectId === undefined ? reads.listSubjects().filter((s) => s.photoCount > 0) : [reads.getSubject(options.subjectId)];
  if (subjects.some((s) => !s)) throw new ApiError('not-found', `No subject with id ${options.subjectId}`);
  const encoderFile = options.encoderFile ?? installedEncoderPath();
  // A missing encoder is refused before any job starts; the pack is checked once loaded.
  if (options.init === 'encoder') checkEncoderInit(null, encoderFile);
  const load = async (): Promise<FitModel> => {
    await ensureStarterPack(studio.packs);
    // The manifest's time in the key: a pack imported again in this process is loaded again.
    const stamp = await fs.stat(path.join(studio.packs.dir, options.packId, 'manifest.json')).then((s) => s.mtimeMs, () => 0);
    const prefix = `${studio.packs.dir}\u0000${options.packId}\u0000`;
    const key = `${prefix}${stamp}`;
    let p = fitModels.get(key);
    if (!p) {
      for (const k of fitModels.keys()) if (k.startsWith(prefix)) fitModels.delete(k);
      p = studio.packs
        .load(options.packId)
        .then(fitModelOf)
        .catch((error: Error) => {
          fitModels.delete(key);
          throw new ApiError('not-found', error.message);
        });
      fitModels.set(key, p);
    }
    return p;
  };
  return subjects.map((subject) =>
    studio.jobs.enqueue(project, 'reconstruct', { subjectId: subject!.id, packId: options.packId, force: options.force === true, init: options.init ?? 'landmarks', refine: options.refine !== false }, async (ctx) => {
      const fm = await load();
      if (options.init === 'encoder') checkEncoderInit(fm.model, encoderFile);
      let processed = 0;
      const summary = await reconstructSubject(project, () => studio.faceAnalyzer(), fm, subject!.id, {
        force: options.force,
        identity: options.identity,
        init: options.init,
        refine: options.refine,
        photometric: options.photometric,
        encoderFile,
        signal: ctx.signal,
        onTotal: (total) => ctx.setTotal(total),
        onPhoto: (photoId, outcome, message) => {
          const name = reads.getPhoto(photoId)?.originalName ?? String(photoId);
          processed++;
          if (outcome === 'failed') {
            ctx.setDone(processed - 1);
            ctx.addResult({ source: name, outcome: 'failed', photoId, code: 'unreadable', message });
          } else ctx.setDone(processed);
          options.onPhoto?.(subject!.name, name, outcome, message);
        },
      });
      studio.events.emit('library.changed', { subjectId: subject!.id });
      options.onSummary?.(subject!.name, summary);
    }),
  );
}
