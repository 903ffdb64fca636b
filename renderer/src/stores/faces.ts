import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { FitStyle, JobInfo, JobItem, PackInfo, PhotoFaces, PhotoSummary, ReconstructedHeadMesh, ReconstructionView } from '../../../core/api/contract';
import { api } from '../api/client';
import { errorMessage } from '../lib/errors';
import { followJob, jobEnded } from '../lib/follow-job';
import { useSettingsStore } from './settings';
import { useReviewStore } from './review';

/**
 * Face analysis in the UI: the analysis job of a subject, and the photo viewer that draws a
 * photo's detected faces, 68 landmarks and (on request) the 468-point mesh wireframe.
 */
export const useFacesStore = defineStore('faces', () => {
  const viewing = ref<PhotoSummary | null>(null);
  const faces = ref<PhotoFaces | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const showLandmarks = ref(true);
  const showMesh = ref(false);
  const meshTriangles = ref<number[] | null>(null);
  /** The running (or last) analysis job, per subject. */
  const jobs = ref<Record<number, JobInfo>>({});
  /** The running (or last) reconstruction job, per subject, and the pack it fits. */
  const fitJobs = ref<Record<number, JobInfo>>({});
  const packs = ref<PackInfo[]>([]);
  const fitPack = ref('starter-head');
  let defaultPicked = false;
  const reconstruction = ref<ReconstructionView | null>(null);
  /** Changes whenever the viewer should fetch the rendered head again. */
  const fitImage = ref<string | null>(null);
  const fitOpacity = ref(0.6);
  const showModelLandmarks = ref(true);
  /** The overlay: DECA's render (albedo ⊙ lighting), with the detail layer once solved, or the grey preview that shows the geometry. */
  const fitStyle = ref<FitStyle>('shaded');
  /** The viewer shows the reconstructed head in 3D instead of the photo. */
  const show3d = ref(false);
  /** Plain data, megabytes of base64: shallow, never deep-reactive. */
  const headMesh = shallowRef<ReconstructedHeadMesh | null>(null);
  const headTexture = ref<string | null>(null);
  /** The photo head's detail normal map (its expression's wrinkles included), once the detail is solved. */
  const headDetail = ref<string | null>(null);
  /** The 3D views show the detail layer where there is one (on by default: it is the finished head). */
  const showDetail3d = ref(true);
  /** The subject whose shared head the subject dialog shows, with its mesh and maps. */
  const subjectHead = shallowRef<{ subjectId: number; name: string; mesh: ReconstructedHeadMesh | null; texture: string | null; detail: string | null } | null>(null);

  /** The reconstruction (pack) the review chose for the viewed photo's subject; the newest one otherwise. */
  const viewedPack = (): string | undefined => {
    const r = useReviewStore().review;
    return r && viewing.value && r.subjectId === viewing.value.subjectId ? (r.packId ?? undefined) : undefined;
  };

  /** Failed stages of the last reconstruction job, per subject (shown with the job's error). */
  const fitStages = ref<Record<number, JobItem[]>>({});

  /** Follows an analysis or reconstruction job of a subject; the viewer reloads when it is done. */
  function follow(subjectId: number, jobId: number): void {
    // Reconstruction and detail jobs (the detail job runs the coarse stage first) share the fit row.
    const table = (job: JobInfo) => (job.kind === 'reconstruct' || job.kind === 'detail' ? fitJobs : jobs);
    const followed = followJob(jobId, { onUpdate: (job) => (table(job).value[subjectId] = job) });
    void followed.finished.then((job) => {
      table(job).value[subjectId] = job;
      if (job.kind === 'reconstruct' || job.kind === 'detail') fitStages.value[subjectId] = followed.items.value.filter((i) => i.kind === 'stage' && i.outcome === 'failed');
      if (job.state === 'done' && viewing.value) void reload();
    });
  }

  /** After opening a project (or a reload of the page): follow analyses and reconstructions still running. */
  async function adoptRunning(): Promise<void> {
    try {
      for (const job of await api().call('jobs.list', {})) {
        if ((job.kind !== 'reconstruct' && job.kind !== 'detail' && job.kind !== 'analyze') || job.subjectId === null || jobEnded(job)) continue;
        follow(job.subjectId, job.id);
      }
    } catch {
      // Nothing to follow.
    }
  }

  async function reload(): Promise<void> {
    const photo = viewing.value;
    if (!photo) return;
    loading.value = true;
    try {
      faces.value = await api().call('photos.faces', { photoId: photo.id });
      const packId = viewedPack();
      reconstruction.value = await api().call('photos.reconstruction', packId ? { photoId: photo.id, packId } : { photoId: photo.id });
      fitImage.value = reconstruction.value ? api().fitUrl(photo.id, fitStyle.value, reconstruction.value.packId) : null;
      if (show3d.value) await loadHead();
      error.value = null;
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      loading.value = false;
    }
  }

  async function open(photo: PhotoSummary): Promise<void> {
    viewing.value = photo;
    faces.value = null;
    headMesh.value = null;
    await reload();
  }

  /** The photo's head for the 3D view (its expression and jaw, facing forward), textured when possible. */
  async function loadHead(): Promise<void> {
    const photo = viewing.value;
    if (!photo) return;
    const packId = viewedPack();
    const mesh = await api().call('photos.head', packId ? { photoId: photo.id, packId } : { photoId: photo.id });
    headTexture.value = mesh?.hasAlbedo ? api().albedoUrl(mesh.reconstructionId) : null;
    headDetail.value = mesh?.hasDetail ? api().detailNormalUrl(mesh.reconstructionId, mesh.photoId) : null;
    headMesh.value = mesh;
  }

  async function toggle3d(on: boolean): Promise<void> {
    show3d.value = on;
    if (on && !headMesh.value) {
      try {
        await loadHead();
      } catch (e) {
        error.value = errorMessage(e);
      }
    }
  }

  function setFitStyle(style: FitStyle): void {
    fitStyle.value = style;
    if (viewing.value && reconstruction.value) fitImage.value = api().fitUrl(viewing.value.id, style, reconstruction.value.packId);
  }

  /** Opens the subject's shared head (neutral, their shape) in 3D. */
  async function openSubjectHead(subjectId: number, name: string): Promise<void> {
    try {
      const r = useReviewStore().review;
      const packId = r?.subjectId === subjectId ? (r.packId ?? undefined) : undefined;
      const mesh = await api().call('subjects.head', packId ? { subjectId, packId } : { subjectId });
      const detail = mesh?.hasDetail ? api().detailNormalUrl(mesh.reconstructionId) : null;
      subjectHead.value = { subjectId, name, mesh, texture: mesh?.hasAlbedo ? api().albedoUrl(mesh.reconstructionId) : null, detail };
      error.value = null;
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  function close(): void {
    viewing.value = null;
    headMesh.value = null;
    headTexture.value = null;
    headDetail.value = null;
    show3d.value = false;
    faces.value = null;
    reconstruction.value = null;
    fitImage.value = null;
  }

  // A head model installed or removed (any window): the reconstruct menu follows without a reload.
  api().on('packs.changed', ({ packs: next }) => {
    packs.value = next;
    if (!next.some((p) => p.id === fitPack.value)) fitPack.value = next[0]?.id ?? 'starter-head';
  });

  /** The packs to reconstruct on; ICT-FaceKit when installed, else the starter head. */
  async function loadPacks(): Promise<void> {
    try {
      const [list, settings] = await Promise.all([api().call('packs.list', {}), useSettingsStore().load()]);
      packs.value = list;
      // The first load picks the default (the settings' head model, else ICT-FaceKit when installed);
      // later loads (the menu asks again on focus) keep the user's choice while it is installed.
      if (!defaultPicked) {
        defaultPicked = true;
        const preferred = settings?.settings.defaultPackId;
        if (preferred && list.some((p) => p.id === preferred)) fitPack.value = preferred;
        else if (list.some((p) => p.id === 'ict-facekit')) fitPack.value = 'ict-facekit';
      }
      if (!packs.value.some((p) => p.id === fitPack.value)) fitPack.value = packs.value[0]?.id ?? 'starter-head';
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  /** Reconstructs a subject's photos jointly (one shared shape) on the chosen pack, as a job. */
  async function reconstructSubject(subjectId: number): Promise<void> {
    try {
      const { jobIds } = await api().call('reconstruct.start', { subjectId, packId: fitPack.value });
      fitStages.value[subjectId] = [];
      follow(subjectId, jobIds[0]!);
      error.value = null;
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  /** Solves a subject's detail layer on the chosen pack (the coarse stage first, reused when current), as a job. */
  async function detailSubject(subjectId: number): Promise<void> {
    try {
      const { jobIds } = await api().call('detail.start', { subjectId, packId: fitPack.value });
      fitStages.value[subjectId] = [];
      follow(subjectId, jobIds[0]!);
      error.value = null;
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  async function toggleMesh(on: boolean): Promise<void> {
    showMesh.value = on;
    if (on && !meshTriangles.value) {
      try {
        meshTriangles.value = await api().call('perception.meshTriangles', {});
      } catch (e) {
        error.value = errorMessage(e);
      }
    }
  }

  async function selectFace(face: number): Promise<void> {
    const photo = viewing.value;
    if (!photo) return;
    try {
      faces.value = await api().call('photos.selectFace', { photoId: photo.id, face });
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  /** Analyses a subject's photos (those not analysed yet) as a job. */
  async function analyzeSubject(subjectId: number, force = false): Promise<void> {
    try {
      const { jobId } = await api().call('analyze.start', { subjectId, force });
      follow(subjectId, jobId);
      error.value = null;
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  return {
    viewing, faces, loading, error, showLandmarks, showMesh, meshTriangles, jobs, open, close, reload, toggleMesh, selectFace, analyzeSubject,
    fitJobs, fitStages, adoptRunning, packs, fitPack, reconstruction, fitImage, fitOpacity, showModelLandmarks, loadPacks, reconstructSubject,
    fitStyle, setFitStyle, detailSubject, show3d, toggle3d, headMesh, headTexture, headDetail, showDetail3d, subjectHead, openSubjectHead,
  };
});
