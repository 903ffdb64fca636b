// The CLI's video decode page: a blank page, served by the CLI on 127.0.0.1 under a per-run token
// (main/video/video-decode-server.ts) and opened in a hidden sandboxed Electron window or a headless
// Chromium. It runs the studio's own sampler (lib/video-frames.ts) on the video the server hands out
// and posts each frame back as it is made, so the command line decodes exactly as the Animate tab does.
import { sampleVideoFrames, type VideoFrameOptions } from '../lib/video-frames';

/** What the server tells the page (GET ./config). */
interface DecodeConfig extends Pick<VideoFrameOptions, 'everyMs' | 'maxFrames' | 'maxSide' | 'quality'> {
  /** The video's file name, for messages only. */
  name: string;
}

async function post(what: string, body: BodyInit, type: string): Promise<void> {
  const res = await fetch(what, { method: 'POST', body, headers: { 'Content-Type': type } });
  if (!res.ok) throw new Error(`The decoder's host refused ${what}: ${res.status} ${await res.text()}`);
}

async function run(): Promise<void> {
  try {
    const config = (await (await fetch('./config')).json()) as DecodeConfig;
    const res = await fetch('./video');
    if (!res.ok) throw new Error(`The video could not be read: ${res.status} ${await res.text()}`);
    const file = new File([await res.blob()], config.name);
    const { frames, times, width, height } = await sampleVideoFrames(file, {
      everyMs: config.everyMs,
      maxFrames: config.maxFrames,
      maxSide: config.maxSide,
      quality: config.quality,
      onFrame: (jpeg, index, total) => post(`./frame?index=${index}&total=${total}`, jpeg.slice().buffer, 'image/jpeg'),
    });
    await post('./done', JSON.stringify({ count: frames.length, times, width, height }), 'application/json');
  } catch (error) {
    await post('./fail', JSON.stringify({ message: error instanceof Error ? error.message : String(error) }), 'application/json');
  }
}

void run();
