import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ExportFormat, JobInfo, PackInfo } from '../../../core/api/contract';
import { api, desktopBridge } from '../api/client';
import { errorMessage } from '../lib/errors';
import { followJob } from '../lib/follow-job';
import { useLibraryStore } from './library';

/** The export dialog's choices. */
export interface ExportChoices {
  packId: string;
  format: ExportFormat;
  blendshapes: boolean;
  animation: 'none' | 'demo';
  textures: boolean;
  textureSize: number;
  /** Export the library's selected subject: its reconstructed shape on the pack. */
  useSubject: boolean;
}

/**
 * Exporting a rigged head: the installed packs, the dialog's choices, and the running export job
 * followed (see `followJob`) until it names the written file.
 */
export const useExportStore = defineStore('export', () => {
  const open = ref(false);
  const packs = ref<PackInfo[]>([]);
  const choices = ref<ExportChoices>({ packId: '', format: 'glb', blendshapes: true, animation: 'none', textures: true, textureSize: 1024, useSubject: false });
  const library = useLibraryStore();
  /** The subject an export can be made of (the one selected in the library). */
  const subject = computed(() => library.selected ?? null);
  const job = ref<JobInfo | null>(null);
  const writtenPath = ref<string | null>(null);
  const summary = ref<string | null>(null);
  const error = ref<string | null>(null);
  const busy = computed(() => job.value !== null && (job.value.state === 'queued' || job.value.state === 'running'));
  /** Browser mode downloads the file from the server; Electron shows where it was written. */
  const downloadUrl = computed(() => (job.value?.state === 'done' && !desktopBridge() ? `media/export/${job.value.id}` : null));

  async function show(): Promise<void> {
    open.value = true;
    error.value = null;
    try {
      packs.value = await api().call('packs.list', {});
      if (!packs.value.some((p) => p.id === choices.value.packId)) choices.value.packId = packs.value[0]?.id ?? '';
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  function hide(): void {
    open.value = false;
  }

  async function start(): Promise<void> {
    error.value = null;
    writtenPath.value = null;
    summary.value = null;
    const c = choices.value;
    try {
      const { jobId } = await api().call('export.start', {
        packId: c.packId,
        format: c.format,
        blendshapes: c.blendshapes,
        animation: c.animation,
        textures: c.textures,
        textureSize: c.textureSize,
        ...(c.useSubject && subject.value ? { subjectId: subject.value.id } : {}),
      });
      const followed = followJob(jobId, { onUpdate: (update) => (job.value = update) });
      const final = await followed.finished;
      job.value = final;
      const output = followed.items.value.find((i) => i.kind === 'output');
      if (output) {
        writtenPath.value = output.name;
        summary.value = output.message;
      }
      if (final.state === 'failed') error.value = final.error ?? 'The export failed';
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  return { open, packs, choices, subject, job, busy, writtenPath, summary, error, downloadUrl, show, hide, start };
});
