import type { JobItem } from '../../core/api/contract';
import { ApiError } from '../../core/api/api-error';
import type { ImportSource } from '../import/collect-sources';
import { requireSubjectReconstruction } from '../reconstruct/stored-results';
import type { Studio } from '../services/studio';
import { createClipFromFrames, type ClipFromFramesRequest, type FrameArkitSolver } from './clip-from-frames';

/**
 * Starts a `clip` job making a clip from staged video frames (see {@link createClipFromFrames}):
 * checked now (subject reconstructed, name free, frames staged), then one progress step per frame
 * perceived, a 'file' item per frame without a usable face, and an 'output' item naming the clip.
 * The staged frames are released when the job ends, whatever its outcome.
 *
 * ```ts
 * const jobId = startClipFromFrames(studio, { name: 'talk', subjectId, stagedIds, everyMs: 100 });
 * ```
 */
export function startClipFromFrames(studio: Studio, request: Omit<ClipFromFramesRequest, 'frames'> & { stagedIds: readonly string[] }, solver?: FrameArkitSolver): number {
  const project = studio.requireProject();
  requireSubjectReconstruction(project, request.subjectId, request.packId);
  if (project.library.clips.getByName(request.name)) throw new ApiError('conflict', `A clip named "${request.name.trim()}" already exists`);
  const staged: ImportSource[] = studio.staging.take(request.stagedIds);
  const { stagedIds, ...rest } = request;
  const item = (partial: Pick<JobItem, 'kind' | 'name' | 'outcome' | 'message'>): JobItem => ({ subjectId: request.subjectId, photoId: null, code: null, seconds: null, ...partial });
  try {
    return studio.jobs.enqueue(
      project,
      'clip',
      { ...rest, frames: stagedIds.length },
      async (ctx) => {
        try {
          ctx.setTotal(staged.length);
          const made = await createClipFromFrames(
            studio,
            project,
            { ...rest, frames: staged.map((s) => ({ path: s.file })) },
            { solver, signal: ctx.signal, onFrame: () => ctx.step() },
          );
          for (const s of made.skipped) ctx.addItem(item({ kind: 'file', name: `frame ${s.index}`, outcome: 'skipped', message: s.reason }));
          ctx.addItem(item({ kind: 'output', name: made.clip.name, outcome: 'done', message: `${made.clip.keyCount} keys over ${made.clip.duration.toFixed(2)} s from ${staged.length} frames in ${made.seconds.toFixed(1)} s (perceive ${made.stageSeconds.perceive.toFixed(1)} s, fit ${made.stageSeconds.fit.toFixed(1)} s overlapped, ${made.stageSeconds.fitWait.toFixed(1)} s after the last frame)` }));
          studio.events.emit('library.changed', { subjectId: null });
        } finally {
          await studio.staging.release(staged);
        }
      },
      { subjectId: request.subjectId },
    );
  } catch (error) {
    void studio.staging.release(staged);
    throw error;
  }
}
