import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { ClipSummary, ExportFileFormat, ExpressionView, JobInfo, PackInfo, SubjectReconstruction } from '../../../core/api/contract';
import { api, desktopBridge } from '../api/client';
import { errorMessage } from '../lib/errors';
import { followJob } from '../lib/follow-job';
import { useLibraryStore } from './library';
import { useSettingsStore } from './settings';
import { useStudioStore } from './studio';

/** The export dialog's choices. */
export interface ExportChoices {
  packId: string;
  /** GLB or FBX (a head), or `arkit-csv`: the chosen clip or expression alone (Live Link Face's CSV). */
  format: ExportFileFormat;
  blendshapes: boolean;
  animation: 'none' | 'demo';
  textures: boolean;
  textureSize: number;
  /** Export the library's selected subject: its reconstructed shape on the pack. */
  useSubject: boolean;
  /** A stored clip (by name) as the head's animation, or alone as an ARKit CSV; not with the test animation. */
  clip: string | null;
  /** Pose the head with this photo's captured expression (or write it alone as an ARKit CSV); not with a clip. */
  expressionFromPhotoId: number | null;
  /** Pose the head with this saved expression (by name), or write it alone as an ARKit CSV; not with a clip or a photo's expression. */
  savedExpression: string | null;
}

/** What the export can start from besides the head: a clip, or one photo's or saved expression. */
export interface ExportPreset {
  clip?: string;
  expressionFromPhotoId?: number;
  savedExpression?: string;
}

/** The pose select's value: `photo:<id>`, `saved:<name>`, or '' for none (one select offers both kinds). */
export type PoseKey = '' | `photo:${number}` | `saved:${string}`;

/** Where an export stands, as the dialog shows it: a failure is never shown as done. */
export type ExportPhase = 'idle' | 'running' | 'done' | 'failed' | 'cancelled';

/**
 * Exporting a rigged head: the installed packs, the dialog's choices, the selected subject's
 * reconstructions (their face is exported by default where there is one on the chosen pack), the
 * destination folder (Electron) and the running export job, followed (see `followJob`) until it
 * names the written file or fails.
 *
 * ```ts
 * const exporter = useExportStore();
 * await exporter.show(); // choices.useSubject is on when the selected person is reconstructed on the pack
 * await exporter.start();
 * ```
 */
export const useExportStore = defineStore('export', () => {
  const open = ref(false);
  const packs = ref<PackInfo[]>([]);
  let defaultsApplied = false;
  const choices = ref<ExportChoices>({ packId: '', format: 'glb', blendshapes: true, animation: 'none', textures: true, textureSize: 1024, useSubject: false, clip: null, expressionFromPhotoId: null, savedExpression: null });
  /** The project's clips, its photos' captured expressions and its saved ones, for the dialog's animation and pose choices. */
  const clips = ref<ClipSummary[]>([]);
  const photoExpressions = ref<ExpressionView[]>([]);
  const savedExpressions = ref<ExpressionView[]>([]);
  /** The chosen pose as one value, for the select that offers saved and photos' expressions in two groups. */
  const pose = computed<PoseKey>({
    get: (): PoseKey => (choices.value.savedExpression !== null ? `saved:${choices.value.savedExpression}` : choices.value.expressionFromPhotoId !== null ? `photo:${choices.value.expressionFromPhotoId}` : ''),
    set: (key: PoseKey) => {
      choices.value.savedExpression = key.startsWith('saved:') ? key.slice(6) : null;
      choices.value.expressionFromPhotoId = key.startsWith('photo:') ? Number(key.slice(6)) : null;
    },
  });
  /** A pose is chosen: a photo's or a saved expression. */
  const posed = computed(() => choices.value.expressionFromPhotoId !== null || choices.value.savedExpression !== null);
  /** An ARKit CSV carries weights only: it needs a clip or an expression, and ignores the head's options. */
  const csv = computed(() => choices.value.format === 'arkit-csv');
  const library = useLibraryStore();
  const studio = useStudioStore();
  /** The subject an export can be made of (the one selected in the library). */
  const subject = computed(() => library.selected ?? null);
  /** The subject's newest reconstruction per pack, newest first. */
  const reconstructions = ref<SubjectReconstruction[]>([]);
  /** The subject's reconstruction on the chosen pack, if any. */
  const subjectReconstruction = computed(() => reconstructions.value.find((r) => r.packId === choices.value.packId) ?? null);
  /** Electron: the folder chosen for the file; null writes into the project's exports folder. */
  const outDir = ref<string | null>(null);
  const job = ref<JobInfo | null>(null);
  const phase = ref<ExportPhase>('idle');
  const writtenPath = ref<string | null>(null);
  const summary = ref<string | null>(null);
  const error = ref<string | null>(null);
  const busy = computed(() => phase.value === 'running');
  const isDesktop = computed(() => desktopBridge() !== null);
  /** Browser mode downloads the file from the server; Electron shows where it was written. */
  const downloadUrl = computed(() => (phase.value === 'done' && job.value && !isDesktop.value ? `media/export/${job.value.id}` : null));
  /** The folder the file goes to, as the dialog shows it. */
  const destination = computed(() => outDir.value ?? (studio.project ? `${studio.project.path}/exports` : 'exports'));
  const packName = (id: string) => packs.value.find((p) => p.id === id)?.name ?? id;
  /** Why the person's face cannot be exported on the chosen pack; null when it can. */
  const subjectUnavailable = computed(() => {
    if (!subject.value) return 'No person is selected in the library, so the generic head of the model is exported.';
    if (!subjectReconstruction.value) return `${subject.value.name} has no reconstruction on ${packName(choices.value.packId)} yet: reconstruct them on it to export their face.`;
    return null;
  });
  /** The dialog's title: whose head is exported. */
  const title = computed(() => {
    const c = choices.value;
    if (c.format === 'arkit-csv') {
      if (c.clip !== null) return `Export clip “${c.clip}” as ARKit CSV`;
      if (c.savedExpression !== null) return `Export expression “${c.savedExpression}” as ARKit CSV`;
      return c.expressionFromPhotoId !== null ? 'Export an expression as ARKit CSV' : 'Export an ARKit CSV';
    }
    return c.useSubject && subject.value && subjectReconstruction.value ? `Export ${subject.value.name}’s head` : `Export the generic head (${packName(c.packId)})`;
  });
  /** Why the export cannot start with these choices; null when it can. */
  const blocked = computed(() => {
    const c = choices.value;
    if (c.format === 'arkit-csv' && c.clip === null && !posed.value) return 'An ARKit CSV carries a clip or one expression: choose one above.';
    if (c.format !== 'arkit-csv' && (c.clip !== null || posed.value) && !c.blendshapes) return 'A clip or an expression drives the blendshapes: keep them on.';
    return null;
  });

  // A clip, the test animation and an expression pose exclude each other: choosing one clears the others.
  watch(
    () => choices.value.clip,
    (clip) => clip !== null && ((choices.value.animation = 'none'), (choices.value.expressionFromPhotoId = null), (choices.value.savedExpression = null)),
  );
  watch(
    () => choices.value.expressionFromPhotoId,
    (id) => id !== null && ((choices.value.clip = null), (choices.value.savedExpression = null)),
  );
  watch(
    () => choices.value.savedExpression,
    (name) => name !== null && ((choices.value.clip = null), (choices.value.expressionFromPhotoId = null)),
  );
  watch(
    () => choices.value.animation,
    (a) => a === 'demo' && (choices.value.clip = null),
  );

  // The person's face is the default wherever they have a reconstruction; a pack or person without
  // one falls back to the generic head (and the dialog says why).
  watch([() => subject.value?.id, () => choices.value.packId, reconstructions], () => (choices.value.useSubject = subjectReconstruction.value !== null));

  /** Opens the dialog; `preset` chooses a clip, a photo's or a saved expression (the Animate tab's "Export…"). */
  async function show(preset: ExportPreset = {}): Promise<void> {
    open.value = true;
    error.value = null;
    if (phase.value !== 'running') clearResult();
    try {
      const [list, recs, settings, clipList, expressions] = await Promise.all([
        api().call('packs.list', {}),
        subject.value ? api().call('subjects.reconstructions', { subjectId: subject.value.id }) : Promise.resolve([]),
        useSettingsStore().load(),
        studio.project ? api().call('clips.list', {}) : Promise.resolve([]),
        studio.project ? api().call('expressions.list', {}) : Promise.resolve([]),
      ]);
      packs.value = list;
      reconstructions.value = recs;
      clips.value = clipList;
      photoExpressions.value = expressions.filter((e) => e.kind === 'photo' && e.source);
      savedExpressions.value = expressions.filter((e) => e.kind === 'saved');
      // A clip or expression gone since (deleted, another project) is not kept as a choice.
      if (choices.value.clip !== null && !clipList.some((c) => c.name === choices.value.clip)) choices.value.clip = null;
      if (choices.value.expressionFromPhotoId !== null && !photoExpressions.value.some((e) => e.source!.photoId === choices.value.expressionFromPhotoId)) choices.value.expressionFromPhotoId = null;
      if (choices.value.savedExpression !== null && !savedExpressions.value.some((e) => e.name === choices.value.savedExpression)) choices.value.savedExpression = null;
      if (preset.clip !== undefined && clipList.some((c) => c.name === preset.clip)) choices.value.clip = preset.clip;
      if (preset.expressionFromPhotoId !== undefined) choices.value.expressionFromPhotoId = preset.expressionFromPhotoId;
      if (preset.savedExpression !== undefined && savedExpressions.value.some((e) => e.name === preset.savedExpression)) choices.value.savedExpression = preset.savedExpression;
      // The settings' defaults, the first time the dialog opens (later the user's last choices stay).
      if (settings && !defaultsApplied) {
        defaultsApplied = true;
        choices.value.textureSize = settings.settings.textureSize;
        const pack = settings.settings.defaultPackId;
        if (pack && list.some((p) => p.id === pack)) choices.value.packId = pack;
      }
      // Open on the pack the person was last reconstructed on, else keep the last choice while it is installed.
      const preferred = recs.find((r) => list.some((p) => p.id === r.packId))?.packId;
      if (preferred && !recs.some((r) => r.packId === choices.value.packId)) choices.value.packId = preferred;
      if (!list.some((p) => p.id === choices.value.packId)) choices.value.packId = list[0]?.id ?? '';
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  function hide(): void {
    open.value = false;
  }

  function clearResult(): void {
    job.value = null;
    phase.value = 'idle';
    writtenPath.value = null;
    summary.value = null;
  }

  /** Electron: the native folder picker; the file keeps its default name inside the folder. */
  async function chooseFolder(): Promise<void> {
    const folder = await studio.pickFolder('export');
    if (folder) outDir.value = folder;
  }

  async function start(): Promise<void> {
    error.value = null;
    // A new export starts from nothing: an earlier run's "Done" must not stand for this one.
    clearResult();
    phase.value = 'running';
    const c = choices.value;
    try {
      const motion = {
        ...(c.clip !== null ? { clip: c.clip } : {}),
        ...(c.expressionFromPhotoId !== null ? { expressionFromPhotoId: c.expressionFromPhotoId } : {}),
        ...(c.savedExpression !== null ? { savedExpression: c.savedExpression } : {}),
      };
      const { jobId } = await api().call(
        'export.start',
        c.format === 'arkit-csv'
          ? { packId: c.packId, format: c.format, ...motion, ...(outDir.value ? { outDir: outDir.value } : {}) }
          : {
              packId: c.packId,
              format: c.format,
              blendshapes: c.blendshapes,
              animation: c.clip !== null ? 'none' : c.animation,
              textures: c.textures,
              textureSize: c.textureSize,
              ...motion,
              ...(c.useSubject && subject.value ? { subjectId: subject.value.id } : {}),
              ...(outDir.value ? { outDir: outDir.value } : {}),
            },
      );
      const followed = followJob(jobId, { onUpdate: (update) => (job.value = update) });
      const final = await followed.finished;
      job.value = final;
      const output = followed.items.value.find((i) => i.kind === 'output');
      if (final.state === 'done' && output) {
        writtenPath.value = output.name;
        summary.value = output.message;
        phase.value = 'done';
      } else if (final.state === 'cancelled' || final.state === 'interrupted') {
        phase.value = 'cancelled';
      } else {
        phase.value = 'failed';
        error.value = final.error ?? 'The export failed';
      }
    } catch (e) {
      phase.value = 'failed';
      error.value = errorMessage(e);
    }
  }

  return {
    open, packs, choices, clips, photoExpressions, savedExpressions, pose, posed, csv, blocked, subject, reconstructions, subjectReconstruction, subjectUnavailable, title, outDir, destination, isDesktop,
    job, phase, busy, writtenPath, summary, error, downloadUrl, show, hide, start, chooseFolder,
  };
});
