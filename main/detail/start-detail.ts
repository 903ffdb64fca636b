import type { JobItem } from '../../core/api/contract';
import { startSubjectPipelineJobs } from '../reconstruct/subject-pipeline-jobs';
import type { Studio } from '../services/studio';
import { resolveDetailMethod } from './detail-method';
import { detailSubjectPipeline, type DetailOptions, type DetailSummary } from './detail-pipeline';
import type { DetailMethod } from './stored-detail';

export interface StartDetailOptions extends Partial<DetailOptions> {
  /** One subject; every subject with photos otherwise (one job each). */
  subjectId?: number;
  packId: string;
  /** Told every job item (photos and stages) with the subject's name (the CLI prints them). */
  onItem?: (subject: string, item: JobItem) => void;
  onSummary?: (subject: string, summary: DetailSummary) => void;
}

/**
 * Refuses a detail method that cannot run on the pack before any job starts (`--method deca` on a
 * pack that is not FLAME with DECA's UVs, or without DECA's detail networks installed).
 *
 * ```ts
 * await checkDetailMethod(studio, 'flame2023', 'deca'); // throws a bad-request naming what is missing
 * ```
 */
export async function checkDetailMethod(studio: Studio, packId: string, method: DetailMethod | undefined, size = 256): Promise<void> {
  if (method === undefined || method === 'fitted') return;
  await resolveDetailMethod(method, (await studio.models.pack(packId)).model, size);
}

/**
 * Enqueues one 'detail' job per subject; returns their ids. Each runs the coarse pipeline (or reuses
 * its current result) and then the detail stage (see `detailSubjectPipeline`) in the compute
 * workers; progress counts photos, coarse stages and the detail stage; cancel stores nothing.
 *
 * ```ts
 * const [jobId] = startDetailJobs(studio, { subjectId, packId: 'ict-facekit' });
 * await studio.jobs.whenDone(jobId!);
 * ```
 */
export function startDetailJobs(studio: Studio, options: StartDetailOptions): number[] {
  const { subjectId, packId, onItem, onSummary, ...detail } = options;
  return startSubjectPipelineJobs(
    studio,
    'detail',
    subjectId,
    (subject) => ({ subjectId: subject.id, packId, size: detail.size ?? 256, force: detail.force === true, method: detail.method ?? 'auto' }),
    async (ctx, subject) => {
      // (Not `onSummary?.(…, await …)`: optional chaining would skip the pipeline itself without a listener.)
      const summary = await detailSubjectPipeline(ctx, subject.id, packId, detail);
      onSummary?.(subject.name, summary);
    },
    onItem,
  );
}
