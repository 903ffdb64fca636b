import { ApiError } from '../../core/api/api-error';
import type { ClipSummary, JobItem } from '../../core/api/contract';
import { workerArkitService } from '../expression/arkit-solve-service';
import { startClipFromFrames } from '../expression/start-clip-from-frames';
import type { Project } from '../project/project';
import { requireSubjectReconstruction } from '../reconstruct/stored-results';
import type { Studio } from '../services/studio';
import { decodeVideoFrames, type DecodeVideoOptions } from './decode-video-frames';

/** Which video, which clip name, and whose head fits its frames. */
export interface ClipFromVideoRequest {
  /** The clip's name (unique in the project, any case). */
  name: string;
  /** The video file. */
  file: string;
  /** The person the video shows: their reconstruction's shape is held fixed in every frame's fit. */
  subjectId: number;
  /** The pack of that reconstruction (default: their newest). */
  packId?: string;
  /** Milliseconds between sampled frames. */
  everyMs: number;
}

/** Decoding options (the browser, a cancel signal) and progress. */
export interface ClipFromVideoOptions extends Partial<Omit<DecodeVideoOptions, 'onFrame' | 'everyMs'>> {
  /** Told as frames are decoded (`decode`) and then fitted (`fit`): how many of how many. */
  onProgress?: (phase: 'decode' | 'fit', done: number, total: number) => void;
}

/** The stored clip and the run's figures. */
export interface ClipFromVideoResult {
  clip: ClipSummary;
  /** Frames decoded (sampled), and those without a usable face (left out of the clip). */
  frames: number;
  skipped: { name: string; message: string }[];
  /** Where the video was decoded (`Electron 45.4.1`, `/usr/bin/chromium`). */
  decoder: string;
  seconds: { decode: number; fit: number };
  /** The job's closing message (keys, perceive and fit times). */
  jobMessage: string;
}

/**
 * A clip from a video file outside the studio's window (the CLI): the video is sampled by Chromium's
 * own decoder (decodeVideoFrames: the Animate tab's sampler, in a hidden Electron window or a
 * headless Chromium-family browser), each frame is staged as the renderer's uploads are, and the
 * same `clip` job as the API's `clips.createFromFrames` perceives, fits and solves them and stores
 * the clip. The subject's reconstruction and the name are checked before anything is decoded;
 * on any failure the staged frames are released and nothing is stored.
 *
 * ```ts
 * const { clip } = await createClipFromVideo(studio, project, { name: 'talk', file: 'talk.mp4', subjectId, everyMs: 250 });
 * ```
 */
export async function createClipFromVideo(studio: Studio, project: Project, request: ClipFromVideoRequest, options: ClipFromVideoOptions = {}): Promise<ClipFromVideoResult> {
  const { onProgress, ...decodeOptions } = options;
  requireSubjectReconstruction(project, request.subjectId, request.packId);
  if (project.library.clips.getByName(request.name)) throw new ApiError('conflict', `A clip named "${request.name.trim()}" already exists`);

  const stagedIds: string[] = [];
  const t0 = performance.now();
  let decoded;
  try {
    decoded = await decodeVideoFrames(request.file, {
      ...decodeOptions,
      everyMs: request.everyMs,
      onFrame: async (jpeg, index, total) => {
        stagedIds.push(await studio.staging.put(`frame-${String(index).padStart(5, '0')}.jpg`, jpeg));
        onProgress?.('decode', index + 1, total);
      },
    });
  } catch (error) {
    await studio.staging.release(studio.staging.take(stagedIds));
    throw error;
  }
  const t1 = performance.now();

  if (options.signal?.aborted) {
    await studio.staging.release(studio.staging.take(stagedIds));
    throw new ApiError('bad-request', 'Cancelled');
  }
  const jobId = startClipFromFrames(studio, { name: request.name, subjectId: request.subjectId, packId: request.packId, stagedIds, everyMs: request.everyMs }, workerArkitService(studio.models, studio.pool));
  const off = studio.events.subscribe((m) => {
    if (m.event === 'job.updated' && m.payload.job.id === jobId && m.payload.job.total > 0 && m.payload.item === null) onProgress?.('fit', m.payload.job.done, m.payload.job.total);
  });
  const cancel = () => studio.jobs.cancel(jobId);
  options.signal?.addEventListener('abort', cancel, { once: true });
  let job;
  try {
    job = await studio.jobs.whenDone(jobId);
  } finally {
    off();
    options.signal?.removeEventListener('abort', cancel);
  }
  if (job.state !== 'done') throw new ApiError('bad-request', job.error ?? `The clip job was ${job.state}`);
  const items: JobItem[] = project.library.reads.listJobItems(jobId);
  const clip = project.library.clips.getByName(request.name);
  if (!clip) throw new ApiError('internal', `The clip job ended without storing "${request.name}"`);
  return {
    clip: project.library.clips.list().find((c) => c.id === clip.id)!,
    frames: decoded.count,
    skipped: items.filter((i) => i.outcome === 'skipped').map((i) => ({ name: i.name, message: i.message ?? '' })),
    decoder: decoded.host,
    seconds: { decode: (t1 - t0) / 1000, fit: (performance.now() - t1) / 1000 },
    jobMessage: items.find((i) => i.kind === 'output')?.message ?? '',
  };
}
