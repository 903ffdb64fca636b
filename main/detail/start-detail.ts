import { ApiError } from '../../core/api/api-error';
import type { JobItem } from '../../core/api/contract';
import type { Studio } from '../services/studio';
import { detailSubjectPipeline, type DetailOptions, type DetailSummary } from './detail-pipeline';

export interface StartDetailOptions extends Partial<DetailOptions> {
  /** One subject; every subject with photos otherwise (one job each). */
  subjectId?: number;
  packId: string;
  /** Told every job item (photos and stages) with the subject's name (the CLI prints them). */
  onItem?: (subject: string, item: JobItem) => void;
  onSummary?: (subject: string, summary: DetailSummary) => void;
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
  const project = studio.requireProject();
  const reads = project.library.reads;
  const subjects = options.subjectId === undefined ? reads.listSubjects().filter((s) => s.photoCount > 0) : [reads.getSubject(options.subjectId)];
  if (subjects.some((s) => !s)) throw new ApiError('not-found', `No subject with id ${options.subjectId}`);
  const { subjectId: _s, packId, onItem, onSummary, ...detail } = options;
  return subjects.map((subject) =>
    studio.jobs.enqueue(
      project,
      'detail',
      { subjectId: subject!.id, packId, size: detail.size ?? 256, force: detail.force === true },
      async (ctx) => {
        await studio.ensureStarterPack();
        const summary = await detailSubjectPipeline(
          {
            project,
            pool: studio.pool,
            models: studio.models,
            photos: studio.photoCache,
            signal: ctx.signal,
            jobId: ctx.jobId,
            setTotal: (n) => ctx.setTotal(n),
            step: () => ctx.step(),
            item: (item) => {
              ctx.addItem(item);
              onItem?.(subject!.name, item);
            },
          },
          subject!.id,
          packId,
          detail,
        );
        studio.events.emit('library.changed', { subjectId: subject!.id });
        onSummary?.(subject!.name, summary);
      },
      { subjectId: subject!.id },
    ),
  );
}
