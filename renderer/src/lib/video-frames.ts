/** How a video is sampled into frames for a clip. */
export interface VideoFrameOptions {
  /** Milliseconds between sampled frames. */
  everyMs: number;
  /** At most this many frames (longer videos are refused, not cut short: the user chooses a wider spacing). */
  maxFrames: number;
  /** Longest side of a sampled frame in pixels (a face needs no more). */
  maxSide: number;
  /** JPEG quality of each frame (0…1). */
  quality: number;
  /** Told after each frame: how many are done of how many. */
  onProgress?: (done: number, total: number) => void;
  /** Stops between frames when aborted. */
  signal?: AbortSignal;
  /**
   * Given each frame's JPEG bytes as soon as it is encoded (awaited before the next seek), so a caller
   * can hand frames on one by one (the CLI's decode page posts them to its host) instead of after the last.
   */
  onFrame?: (jpeg: Uint8Array, index: number, total: number) => void | Promise<void>;
}

export const VIDEO_FRAME_DEFAULTS: VideoFrameOptions = { everyMs: 100, maxFrames: 600, maxSide: 960, quality: 0.9 };

/**
 * Samples a video file every `everyMs` with Chromium's own decoder (a `<video>` element seeked frame
 * by frame and drawn to a canvas), as JPEG bytes in time order: no ffmpeg at run time. A file the
 * browser cannot decode is a clear error naming it.
 *
 * ```ts
 * const frames = await sampleVideoFrames(file, { everyMs: 100, onProgress: (d, n) => (bar.value = d / n) });
 * ```
 */
export async function sampleVideoFrames(file: Blob & { name?: string }, options: Partial<VideoFrameOptions> = {}): Promise<{ frames: Uint8Array[]; times: number[]; width: number; height: number }> {
  const o = { ...VIDEO_FRAME_DEFAULTS, ...options };
  if (!(o.everyMs >= 10)) throw new Error('Sample a video at most every 10 ms');
  const url = URL.createObjectURL(file);
  const video = document.createElement('video');
  video.muted = true;
  video.preload = 'auto';
  video.src = url;
  try {
    await new Promise<void>((resolve, reject) => {
      video.onloadeddata = () => resolve();
      video.onerror = () => reject(new Error(`${file.name ?? 'The video'} cannot be decoded here (${video.error?.message || 'unsupported format'}): use MP4 (H.264) or WebM`));
    });
    const duration = video.duration;
    if (!Number.isFinite(duration) || duration <= 0) throw new Error(`${file.name ?? 'The video'} has no duration`);
    const times: number[] = [];
    for (let t = 0; t * 1000 <= duration * 1000 - 1; t += o.everyMs / 1000) times.push(t);
    if (times.length > o.maxFrames) throw new Error(`${file.name ?? 'The video'} gives ${times.length} frames at one every ${o.everyMs} ms, over ${o.maxFrames}: sample it more sparsely`);
    const scale = Math.min(1, o.maxSide / Math.max(video.videoWidth, video.videoHeight));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(video.videoWidth * scale));
    canvas.height = Math.max(1, Math.round(video.videoHeight * scale));
    const ctx = canvas.getContext('2d')!;
    const probe = frameProbe(video);
    const frames: Uint8Array[] = [];
    let previous: string | null = null;
    for (let i = 0; i < times.length; i++) {
      if (o.signal?.aborted) throw new DOMException('Sampling the video was cancelled', 'AbortError');
      await seek(video, times[i]!, file.name ?? 'the video');
      previous = await settleFrame(probe, previous, wait);
      ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
      const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', o.quality));
      if (!blob) throw new Error(`Frame ${i} of ${file.name ?? 'the video'} could not be encoded`);
      const jpeg = new Uint8Array(await blob.arrayBuffer());
      frames.push(jpeg);
      await o.onFrame?.(jpeg, i, times.length);
      o.onProgress?.(i + 1, times.length);
    }
    return { frames, times, width: canvas.width, height: canvas.height };
  } finally {
    video.removeAttribute('src');
    video.load();
    URL.revokeObjectURL(url);
  }
}

/** How often, and how long each time, a seeked video is drawn again while it still shows the previous frame. */
export const FRAME_SETTLE = { tries: 4, waitMs: 25 };

/**
 * Waits until the video shows a picture other than the previous sample's, or gives up after
 * {@link FRAME_SETTLE}`.tries` waits (two samples may be one frame: a still shot, or samples closer than
 * the frame interval). Why: Chromium fires `seeked` once the frame is decoded, but under load a
 * `drawImage` straight after it can still paint the frame shown before the seek (seen once in about
 * 15 CI runs: two of four testsrc samples byte-identical). Returns the signature of the frame now shown.
 *
 * ```ts
 * previous = await settleFrame(frameProbe(video), previous, wait);
 * ```
 */
export async function settleFrame(probe: () => string, previous: string | null, waitMs: (ms: number) => Promise<void>): Promise<string> {
  let now = probe();
  for (let k = 0; k < FRAME_SETTLE.tries && now === previous; k++) {
    await waitMs(FRAME_SETTLE.waitMs);
    now = probe();
  }
  return now;
}

/** A cheap signature of what a video element shows now: its picture drawn at 24×24, the pixels as a string. */
function frameProbe(video: HTMLVideoElement): () => string {
  const small = document.createElement('canvas');
  small.width = small.height = 24;
  const ctx = small.getContext('2d', { willReadFrequently: true })!;
  return () => {
    ctx.drawImage(video, 0, 0, 24, 24);
    return String.fromCharCode(...ctx.getImageData(0, 0, 24, 24).data);
  };
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Seeks and waits until the frame at `t` is the one shown; a failure names the file and the decoder's reason. */
function seek(video: HTMLVideoElement, t: number, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      video.removeEventListener('seeked', done);
      video.removeEventListener('error', failed);
      resolve();
    };
    const failed = () => reject(new Error(`${name} could not be decoded at ${t.toFixed(2)} s (${video.error?.message || 'seeking failed'}): the file may be damaged or cut short`));
    video.addEventListener('seeked', done);
    video.addEventListener('error', failed);
    video.currentTime = t;
  });
}
