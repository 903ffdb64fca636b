import type { JobItem } from '../../core/api/contract';
import { installedEncoderPath } from '../deca/encoder-store';
import type { Studio } from '../services/studio';
import { checkEncoderInit } from './encoder-init';
import { startSubjectPipelineJobs } from './subject-pipeline-jobs';
import { reconstructSubjectPipeline, type ReconstructOptions, type ReconstructSummary } from './reconstruct-pipeline';

export interface StartReconstructOptions extends Partial<ReconstructOptions> {
  /** One subject; every subject with photos otherwise (one job each). */
  subjectId?: number;
  packId: string;
  /** Told every job item (photos and stages) with the subject's name (the CLI prints them). */
  onItem?: (subject: string, item: JobItem) => void;
  onSummary?: (subject: string, summary: ReconstructSummary) => void;
}

/**
 * Enqueues one 'reconstruct' job per subject; returns their ids. Each job runs the reconstruction
 * pipeline (see `reconstructSubjectPipeline`) in the compute workers; progress counts photos
 * analysed and stages; cancel stops the running stage and stores nothing.
 *
 * ```ts
 * const [jobId] = startReconstructJobs(studio, { subjectId, packId: 'ict-facekit' });
 * await studio.jobs.whenDone(jobId!);
 * ```
 */
export function startReconstructJobs(studio: Studio, options: StartReconstructOptions): number[] {
  const encoderFile = options.encoderFile ?? installedEncoderPath(studio.options.settingsDir);
  // A missing encoder is refused before any job starts; the pack is checked once loaded.
  if (options.init === 'encoder') checkEncoderInit(null, encoderFile);
  const { subjectId, packId, onItem, onSummary, ...reconstruct } = options;
  return startSubjectPipelineJobs(
    studio,
    'reconstruct',
    subjectId,
    (subject) => ({ subjectId: subject.id, packId, force: options.force === true, init: options.init ?? 'landmarks', refine: options.refine !== false }),
    async (ctx, subject) => {
      const summary = await reconstructSubjectPipeline(ctx, subject.id, packId, { ...reconstruct, encoderFile });
      onSummary?.(subject.name, summary);
      if (summary.failedStages.length) return `Stored without ${summary.failedStages.join(' and ')}: see the failed stage`;
    },
    onItem,
  );
}
