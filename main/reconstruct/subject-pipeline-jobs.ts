import { ApiError } from '../../core/api/api-error';
import type { JobItem, JobKind, SubjectSummary } from '../../core/api/contract';
import type { Studio } from '../services/studio';
import type { PipelineContext } from './reconstruct-pipeline';

/**
 * One job per subject (every subject with photos, or the one asked for) running a pipeline on the
 * studio's workers: the jobs that `reconstruct` and `detail` start share this scaffolding — the
 * subjects, the pipeline's context over the job (progress, items, cancel), the library-changed event.
 * `run` returns an error message to end the job failed with the rest kept, or nothing.
 *
 * ```ts
 * const ids = startSubjectPipelineJobs(studio, 'detail', subjectId, (s) => ({ subjectId: s.id }), (ctx, s) => run(ctx, s.id), onItem);
 * ```
 */
export function startSubjectPipelineJobs(
  studio: Studio,
  kind: JobKind,
  subjectId: number | undefined,
  payload: (subject: SubjectSummary) => unknown,
  run: (ctx: PipelineContext, subject: SubjectSummary) => Promise<string | void>,
  onItem?: (subject: string, item: JobItem) => void,
): number[] {
  const project = studio.requireProject();
  const reads = project.library.reads;
  const subjects = subjectId === undefined ? reads.listSubjects().filter((s) => s.photoCount > 0) : [reads.getSubject(subjectId)];
  if (subjects.some((s) => !s)) throw new ApiError('not-found', `No subject with id ${subjectId}`);
  return (subjects as SubjectSummary[]).map((subject) =>
    studio.jobs.enqueue(
      project,
      kind,
      payload(subject),
      async (ctx) => {
        const error = await run(
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
              onItem?.(subject.name, item);
            },
          },
          subject,
        );
        studio.events.emit('library.changed', { subjectId: subject.id });
        if (error) return { error };
      },
      { subjectId: subject.id },
    ),
  );
}
