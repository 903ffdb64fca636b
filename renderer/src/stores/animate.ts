import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ClipEditRequest, ClipSummary, ExpressionView, JobInfo } from '../../../core/api/contract';
import type { ExpressionClip } from '../../../core/expression/expression-clip';
import { followJob } from '../lib/follow-job';
import { sampleVideoFrames } from '../lib/video-frames';
import { api } from '../api/client';
import { errorMessage } from '../lib/errors';

/**
 * Expressions as data for posing and retargeting: every fitted photo's ARKit expression (of every
 * subject: any capture can go onto any head) and the saved ones, and saving the current pose by name.
 *
 * ```ts
 * const animate = useAnimateStore();
 * await animate.loadExpressions();
 * ```
 */
export const useAnimateStore = defineStore('animate', () => {
  const expressions = ref<ExpressionView[]>([]);
  const error = ref<string | null>(null);
  const loading = ref(false);

  /** Captured expressions grouped by subject, then the saved ones. */
  const groups = computed(() => {
    const bySubject = new Map<string, ExpressionView[]>();
    for (const e of expressions.value) {
      const key = e.kind === 'saved' ? 'Saved' : `${e.subject?.name ?? 'Unknown'}'s photos`;
      bySubject.set(key, [...(bySubject.get(key) ?? []), e]);
    }
    return [...bySubject].map(([title, list]) => ({ title, list }));
  });

  async function loadExpressions(): Promise<void> {
    loading.value = true;
    try {
      expressions.value = await api().call('expressions.list', {});
      error.value = null;
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      loading.value = false;
    }
  }

  async function save(name: string, pose: { arkit: number[]; jawPose: [number, number, number] }): Promise<boolean> {
    try {
      await api().call('expressions.save', { name: name.trim(), arkit: pose.arkit, jawPose: pose.jawPose });
      await loadExpressions();
      return true;
    } catch (e) {
      error.value = errorMessage(e);
      return false;
    }
  }

  async function remove(id: number): Promise<void> {
    try {
      await api().call('expressions.delete', { id });
      await loadExpressions();
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  const clips = ref<ClipSummary[]>([]);
  /** The clip chosen for playing, as data (the one sampler the exports use plays it: `sampleClip`). */
  const clip = ref<ExpressionClip | null>(null);
  /** The chosen clip's id (what edits and exports name). */
  const clipId = ref<number | null>(null);
  /** Per key of the chosen clip: the neutral its weights are relative to (its photo's person's; null: none). */
  const clipNeutrals = ref<(number[] | null)[]>([]);
  /** An edit of the chosen clip is on its way to the studio. */
  const editing = ref(false);
  /** A clip from a video being made: its phase and progress (0…1). */
  const videoJob = ref<{ phase: 'sampling' | 'uploading' | 'fitting' | 'done' | 'failed'; progress: number; message: string } | null>(null);

  async function loadClips(): Promise<void> {
    try {
      clips.value = await api().call('clips.list', {});
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  async function chooseClip(id: number): Promise<void> {
    try {
      const got = await api().call('clips.get', { id });
      clipId.value = got.id;
      clipNeutrals.value = got.keys.map((k) => k.neutral ?? null);
      clip.value = {
        name: got.name,
        fps: got.fps,
        keys: got.keys.map((k) => ({ time: k.time, expression: { name: got.name, arkit: Float32Array.from(k.arkit), jawPose: k.jawPose, eyePose: null, source: null } })),
      };
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  /**
   * Edits the chosen clip in the studio (drop, retime, respace, smooth: `clips.update`, applied in
   * order and checked there), then plays the stored result: what is shown is what was saved.
   * Returns false, with `error` set, when the studio refused the edit (the clip is then unchanged).
   */
  async function editClip(edits: ClipEditRequest[]): Promise<boolean> {
    const id = clipId.value;
    if (id === null || !edits.length) return false;
    editing.value = true;
    try {
      await api().call('clips.update', { id, edits });
      error.value = null;
      return true;
    } catch (e) {
      error.value = errorMessage(e);
      return false;
    } finally {
      // Refused or not, show the stored clip (a refused edit leaves it as it was).
      await chooseClip(id);
      await loadClips();
      editing.value = false;
    }
  }

  /** A clip from a subject's fitted photos, one key per photo (in the library's order), two per second. */
  async function clipFromPhotos(name: string, photoIds: number[]): Promise<void> {
    try {
      const made = await api().call('clips.create', { name: name.trim(), photoIds, fps: 2, smooth: 1 });
      await loadClips();
      await chooseClip(made.id);
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  /**
   * A clip from a video file of the subject: frames sampled by Chromium's decoder here, staged as
   * JPEGs, then perceived and fitted by the studio as a job (one key per frame with a face).
   */
  async function clipFromVideo(file: File, name: string, subjectId: number, packId: string | undefined, everyMs: number): Promise<void> {
    error.value = null;
    videoJob.value = { phase: 'sampling', progress: 0, message: `Reading ${file.name}…` };
    try {
      const { frames } = await sampleVideoFrames(file, { everyMs, onProgress: (d, n) => (videoJob.value = { phase: 'sampling', progress: d / n, message: `Frame ${d} of ${n}` }) });
      const stagedIds: string[] = [];
      for (let i = 0; i < frames.length; i++) {
        const f = frames[i]!;
        stagedIds.push(await api().stageUpload(`frame-${String(i).padStart(5, '0')}.jpg`, f.buffer.slice(f.byteOffset, f.byteOffset + f.byteLength) as ArrayBuffer));
        videoJob.value = { phase: 'uploading', progress: (i + 1) / frames.length, message: `Handing frame ${i + 1} of ${frames.length} to the studio` };
      }
      const { jobId } = await api().call('clips.createFromFrames', { name: name.trim(), subjectId, ...(packId ? { packId } : {}), stagedIds, everyMs });
      const followed = followJob(jobId, {
        onUpdate: (job: JobInfo) => (videoJob.value = { phase: 'fitting', progress: job.total ? job.done / job.total : 0, message: `Fitting frame ${job.done} of ${job.total}` }),
      });
      const done = await followed.finished;
      if (done.state !== 'done') throw new Error(done.error ?? `The clip job ${done.state}`);
      const skipped = followed.items.value.filter((i) => i.outcome === 'skipped').length;
      videoJob.value = { phase: 'done', progress: 1, message: `${frames.length - skipped} frames made keys${skipped ? `, ${skipped} had no usable face` : ''}` };
      await loadClips();
      const made = clips.value.find((c) => c.name === name.trim());
      if (made) await chooseClip(made.id);
    } catch (e) {
      videoJob.value = { phase: 'failed', progress: 1, message: errorMessage(e) };
    }
  }

  return { expressions, groups, error, loading, loadExpressions, save, remove, clips, clip, clipId, clipNeutrals, editing, videoJob, loadClips, chooseClip, editClip, clipFromPhotos, clipFromVideo };
});
