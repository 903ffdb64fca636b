import { ApiError } from '../../core/api/api-error';
import type { ClipSummary } from '../../core/api/contract';
import { eyeAperturesOf, type EyeApertures } from '../../core/expression/eye-blink';
import { checkClip, type ClipKey } from '../../core/expression/expression-clip';
import { onSubjectNeutral } from '../../core/expression/subject-neutral';
import { INPUT_LIMITS, LimitError } from '../../core/limits/input-limits';
import type { PhotoFit } from '../../core/geometry/ortho-camera';
import type { PhotoObservation } from '../../core/reconstruct/fit-photos';
import { observationOf } from '../../core/reconstruct/stages/perceive-stage';
import type { Project } from '../project/project';
import { requireSubjectReconstruction } from '../reconstruct/stored-results';
import type { Studio } from '../services/studio';
import { storeClip } from './clip-library';
import { photoExpressions } from './photo-expressions';
import { SubjectNeutrals } from './subject-neutrals';

/**
 * Where fitted frames get their 52 ARKit weights: the ARKit solve of fitted geometry (structurally
 * `ArkitSolveService` of main/expression/arkit-solve-service.ts, branch arkit: `workerArkitService(studio.models, studio.pool)`).
 */
export interface FrameArkitSolver {
  solve(packId: string, inputs: readonly { shape: number[]; expression: number[]; jaw: number[]; eyeApertures?: EyeApertures | null }[]): Promise<{ weights: Float32Array[] }>;
}

export interface ClipFromFramesRequest {
  name: string;
  /** Whose head the frames are fitted with (their reconstruction's shape β, fixed): the person in the video. */
  subjectId: number;
  /** The pack of their reconstruction to fit on (default: their newest). */
  packId?: string;
  /** Sampled frames in time order, each a JPEG/PNG file (the renderer's decoded video frames, staged). */
  frames: readonly { path: string }[];
  /** Milliseconds between sampled frames: frame i is keyed at i · everyMs. */
  everyMs: number;
}

export interface ClipFromFramesOptions {
  /** The ARKit solve of the frames' fits; default: not in this build yet (an error that names it). */
  solver?: FrameArkitSolver;
  signal?: AbortSignal;
  /** Told after each frame is perceived (progress: index of frames.length). */
  onFrame?: (index: number, usable: boolean) => void;
}

/** Frames with a face fitted per compute task: small enough to overlap perception, large enough to amortise the task. */
const FIT_CHUNK = 8;

/** Largest side of a frame, in pixels (a 4K frame is 3840). */
export const MAX_FRAME_SIDE = 4096;

export interface ClipFromFramesResult {
  clip: ClipSummary;
  /** Frames without a usable face (their keys are left out; the others keep their times). */
  skipped: { index: number; reason: string }[];
  seconds: number;
  /** Decoding and perceiving the frames; fitting them (overlapping the perception); waiting for the last fits; solving ARKit weights. */
  stageSeconds: { perceive: number; fit: number; fitWait: number; solve: number };
}

const missingSolver: FrameArkitSolver = {
  solve: async () => {
    throw new ApiError('bad-request', 'A clip from video frames needs the ARKit solve of fitted frames (ArkitSolveService, branch arkit), which is not in this build');
  },
};

/**
 * A clip from a video's sampled frames, one key per frame with a usable face: each frame is decoded
 * and perceived (FaceMesh and 68 landmarks, on the inference worker), all frames are fitted with
 * the subject's reconstructed shape β held fixed (expression, jaw, pose and camera per frame, in a
 * compute worker), and each fit becomes an ARKit record. Frames come as files (staged uploads):
 * the studio's renderer decodes the video with Chromium's own decoder and posts the frames, so no
 * video decoder runs here.
 *
 * ```ts
 * const { clip } = await createClipFromFrames(studio, project, { name: 'talk', subjectId, frames, everyMs: 100 }, { solver });
 * ```
 */
export async function createClipFromFrames(studio: Studio, project: Project, request: ClipFromFramesRequest, options: ClipFromFramesOptions = {}): Promise<ClipFromFramesResult> {
  const t0 = performance.now();
  if (request.frames.length === 0) throw new ApiError('bad-request', 'A clip from frames needs at least one frame');
  if (request.frames.length > INPUT_LIMITS.clipKeys) throw new LimitError('clipKeys', `${request.frames.length} frames`);
  if (!(Number.isFinite(request.everyMs) && request.everyMs >= 1 && request.everyMs <= 60_000)) throw new ApiError('bad-request', `everyMs must be 1…60000, not ${request.everyMs}`);
  if (project.library.clips.getByName(request.name)) throw new ApiError('conflict', `A clip named "${request.name.trim()}" already exists`);
  const rec = requireSubjectReconstruction(project, request.subjectId, request.packId);
  const pack = await studio.models.pack(rec.packId);
  const tablesP = studio.models.tables(pack);

  const observations: PhotoObservation[] = [];
  const frameOf: number[] = [];
  /** Each fitted frame's measured lid apertures (they set eyeBlink). */
  const eyesOf: (EyeApertures | null)[] = [];
  const skipped: ClipFromFramesResult['skipped'] = [];
  // Overlapped on two lanes: the next frame decodes while this one is perceived (inference worker), and
  // every FIT_CHUNK frames with a face are fitted (a compute worker) while later frames are perceived.
  const fitChunks: Promise<{ fits: { photos: PhotoFit[] }[] }>[] = [];
  let fitSeconds = 0;
  const fitChunk = (from: number) => {
    const chunk = observations.slice(from, from + FIT_CHUNK);
    const started = performance.now();
    const p = tablesP.then((tables) => studio.pool.run('fit.alone', { tables, observations: chunk, inits: null, options: { fixedShape: rec.shape } }, { signal: options.signal }));
    p.then(() => (fitSeconds += (performance.now() - started) / 1000)).catch(() => undefined);
    fitChunks.push(p);
  };
  const decode = (i: number) => studio.pool.run('photo.decode', { path: request.frames[i]!.path, maxSide: null }, { signal: options.signal });
  let next = decode(0);
  try {
    for (let i = 0; i < request.frames.length; i++) {
      if (options.signal?.aborted) throw new ApiError('bad-request', 'Cancelled');
      const { image } = await next;
      if (i + 1 < request.frames.length) next = decode(i + 1);
      if (image.width > MAX_FRAME_SIDE || image.height > MAX_FRAME_SIDE) throw new ApiError('bad-request', `Frame ${i} is ${image.width}×${image.height}, over ${MAX_FRAME_SIDE} pixels a side`);
      const result = await studio.pool.run('face.analyze', { image }, { lane: 'inference', signal: options.signal });
      const face = result.selected === null ? null : result.faces[result.selected];
      const observation = face ? observationOf(face) : null;
      if (observation) {
        observations.push(observation);
        frameOf.push(i);
        eyesOf.push(eyeAperturesOf(face));
        if (observations.length % FIT_CHUNK === 0) fitChunk(observations.length - FIT_CHUNK);
      } else skipped.push({ index: i, reason: result.faces.length ? `no usable face (${result.faces.map((f) => f.status.replace(/_/g, ' ')).join(', ')})` : 'no face found' });
      options.onFrame?.(i, observation !== null);
    }
  } finally {
    next.catch(() => undefined); // a decode started past a failure is not awaited
    for (const c of fitChunks) c.catch(() => undefined);
  }
  if (observations.length === 0) throw new ApiError('bad-request', `None of the ${request.frames.length} frames has a usable face`);
  if (observations.length % FIT_CHUNK) fitChunk(observations.length - (observations.length % FIT_CHUNK));

  const t1 = performance.now();
  // β fixed: every frame is fitted on its own (expression, jaw, pose, camera) with the person's shape.
  const fits = (await Promise.all(fitChunks)).flatMap((c) => c.fits);
  const t2 = performance.now();
  const frameFits = fits.map((f) => f.photos[0]!);
  const { weights } = await (options.solver ?? missingSolver).solve(
    rec.packId,
    frameFits.map((f, n) => ({ shape: rec.shape, expression: Array.from(f.expression), jaw: [...f.jaw], eyeApertures: eyesOf[n] ?? null })),
  );
  // The keys have no photo to name their person by, so they are stored as records made by hand are:
  // relative to the person's neutral (solved from their photos on this pack), which any head then
  // plays on top of its own (#12; core/expression/subject-neutral.ts).
  const solver = options.solver ?? missingSolver;
  const service = { solve: async (packId: string, inputs: Parameters<FrameArkitSolver['solve']>[1]) => ({ method: '', ...(await solver.solve(packId, inputs)) }) };
  const own = await new SubjectNeutrals(project, (p, o) => photoExpressions(p, o, service)).of(request.subjectId, rec.packId);
  const keys: ClipKey[] = frameFits.map((_, n) => ({
    time: (frameOf[n]! * request.everyMs) / 1000,
    // The jaw joint at rest: the solve carries the fitted jaw's motion in the weights (see photoExpressions).
    expression: onSubjectNeutral({ name: `frame ${frameOf[n]}`, arkit: weights[n]!, jawPose: [0, 0, 0], eyePose: null, source: null }, { from: own, to: null }),
  }));
  const t3 = performance.now();
  const start = keys[0]!.time;
  const clip = checkClip({ name: request.name.trim(), fps: 1000 / request.everyMs, keys: keys.map((k) => ({ ...k, time: k.time - start })) });
  const source = `${request.frames.length} video frames every ${request.everyMs} ms (${keys.length} with a face), fitted on ${rec.packId} with ${project.library.reads.getSubject(request.subjectId)!.name}'s shape`;
  // Fitting overlaps perception: `fit` is the workers' time on it, `fitWait` what was left after the last frame.
  const stageSeconds = { perceive: (t1 - t0) / 1000, fit: fitSeconds, fitWait: (t2 - t1) / 1000, solve: (t3 - t2) / 1000 };
  return { clip: storeClip(project, clip, source), skipped, seconds: (performance.now() - t0) / 1000, stageSeconds };
}
