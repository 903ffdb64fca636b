import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { DetailSwapView, PhotoFaces, PhotoReview, ReconstructedHeadMesh, SubjectReconstruction, SubjectReview } from '../../../core/api/contract';
import { api } from '../api/client';
import { errorMessage } from '../lib/errors';
import { useStudioStore } from './studio';

/** Which view of a subject the panel shows: the photo grid (import, manage), the review workspace, or posing and animating the head. */
export type SubjectWorkspace = 'photos' | 'review' | 'animate';

const WORKSPACE_KEY = 'deca-studio.workspace';

/** Where the chosen pack of a subject is remembered across reloads (per project folder and subject). */
const packKey = (projectPath: string, subjectId: number) => `deca-studio.review-pack:${projectPath}:${subjectId}`;

function stored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function remember(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // Storage off (private mode): the choice lasts until the page reloads.
  }
}

/**
 * The subject review workspace: the subject's photos with their states and errors on the chosen
 * reconstruction (pack), the chosen photo's face, its swap (another photo's detail code on it) and
 * its 3D head. The pack choice is remembered per project and subject across reloads.
 */
export const useReviewStore = defineStore('review', () => {
  const studio = useStudioStore();
  const remembered = stored(WORKSPACE_KEY);
  const workspace = ref<SubjectWorkspace>(remembered === 'review' || remembered === 'animate' ? remembered : 'photos');
  const subjectId = ref<number | null>(null);
  /** The subject's newest reconstruction per pack (the pack picker's choices). */
  const reconstructions = ref<SubjectReconstruction[]>([]);
  /** The pack asked for; null for the newest reconstructed one. */
  const packId = ref<string | null>(null);
  const review = ref<SubjectReview | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const selectedId = ref<number | null>(null);
  /** The chosen photo's face analysis (its box frames the side-by-side views). */
  const faces = shallowRef<PhotoFaces | null>(null);
  /** The photo whose detail code is swapped in (the chosen photo itself: its own code); null before one is picked. */
  const swapFrom = ref<number | null>(null);
  const swap = ref<DetailSwapView | null>(null);
  const swapping = ref(false);
  const swapError = ref<string | null>(null);
  /** Plain data, megabytes of base64: shallow, never deep-reactive (Babylon builds its mesh from it). */
  const headMesh = shallowRef<ReconstructedHeadMesh | null>(null);
  const showDetail3d = ref(true);
  /** The 3D head beside the photo, seen through the photo's fitted camera. */
  const photoCamera3d = ref(false);
  /** A second reconstruction (pack) of the subject to compare with the reviewed one; null: no comparison. */
  const comparePack = ref<string | null>(null);
  const compareReview = ref<SubjectReview | null>(null);
  /** The chosen photo's head on the compared pack (plain data, like `headMesh`). */
  const compareMesh = shallowRef<ReconstructedHeadMesh | null>(null);
  const compareError = ref<string | null>(null);

  const selected = computed<PhotoReview | null>(() => review.value?.photos.find((p) => p.photoId === selectedId.value) ?? null);
  const headTexture = computed(() => (headMesh.value?.hasAlbedo ? api().albedoUrl(headMesh.value.reconstructionId) : null));
  const headDetail = computed(() => (headMesh.value?.hasDetail ? api().detailNormalUrl(headMesh.value.reconstructionId, headMesh.value.photoId) : null));
  const compareTexture = computed(() => (compareMesh.value?.hasAlbedo ? api().albedoUrl(compareMesh.value.reconstructionId) : null));
  const compareDetail = computed(() => (compareMesh.value?.hasDetail ? api().detailNormalUrl(compareMesh.value.reconstructionId, compareMesh.value.photoId) : null));
  const swapUrl = computed(() => (swap.value ? api().swapUrl(swap.value.photoId, swap.value.fromPhotoId, swap.value.packId) : null));

  function setWorkspace(w: SubjectWorkspace): void {
    workspace.value = w;
    remember(WORKSPACE_KEY, w);
    // The 3D head is only fetched while the workspace shows it.
    if (w === 'review' && !headMesh.value) void select(selectedId.value, true);
  }

  /** Opens a subject's review: its packs, the remembered (or newest) one, and its photos' states. */
  async function open(id: number): Promise<void> {
    if (subjectId.value !== id) {
      subjectId.value = id;
      review.value = null;
      selectedId.value = null;
      comparePack.value = null;
      compareReview.value = null;
      clearPhoto();
    }
    const path = studio.project?.path ?? '';
    packId.value = stored(packKey(path, id));
    await reload();
  }

  /** Reads the subject's reconstructions and the review again (after a job, or a new pack). */
  async function reload(): Promise<void> {
    const id = subjectId.value;
    if (id === null) return;
    loading.value = true;
    try {
      reconstructions.value = await api().call('subjects.reconstructions', { subjectId: id });
      // A remembered pack the subject no longer has (removed, never reconstructed): the newest instead.
      const pack = packId.value && reconstructions.value.some((r) => r.packId === packId.value) ? packId.value : undefined;
      const next = await api().call('subjects.review', pack ? { subjectId: id, packId: pack } : { subjectId: id });
      if (subjectId.value !== id) return;
      review.value = next;
      error.value = null;
      // A comparison with the reviewed pack itself, or with a pack the subject no longer has, ends.
      if (comparePack.value && (comparePack.value === next.packId || !reconstructions.value.some((r) => r.packId === comparePack.value))) comparePack.value = null;
      compareReview.value = comparePack.value ? await api().call('subjects.review', { subjectId: id, packId: comparePack.value }) : null;
      const keep = next.photos.find((p) => p.photoId === selectedId.value);
      const first = next.photos.find((p) => p.state === 'fitted') ?? next.photos[0];
      await select(keep?.photoId ?? first?.photoId ?? null, true);
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      loading.value = false;
    }
  }

  /** Chooses which reconstruction (pack) to review, remembered for this subject across reloads. */
  async function choosePack(pack: string): Promise<void> {
    if (subjectId.value === null) return;
    packId.value = pack;
    remember(packKey(studio.project?.path ?? '', subjectId.value), pack);
    await reload();
  }

  /** Compares the reviewed reconstruction with the subject's one on `pack` (null: stop comparing). */
  async function compareWith(pack: string | null): Promise<void> {
    const id = subjectId.value;
    comparePack.value = pack;
    compareReview.value = null;
    compareMesh.value = null;
    compareError.value = null;
    if (id === null || pack === null) return;
    try {
      const next = await api().call('subjects.review', { subjectId: id, packId: pack });
      if (comparePack.value !== pack) return;
      compareReview.value = next;
      await loadCompareMesh();
    } catch (e) {
      if (comparePack.value === pack) compareError.value = errorMessage(e);
    }
  }

  /** The chosen photo's head on the compared pack, when it is fitted there. */
  async function loadCompareMesh(): Promise<void> {
    const pack = comparePack.value, photoId = selectedId.value;
    compareMesh.value = null;
    if (!pack || photoId === null || workspace.value !== 'review') return;
    if (compareReview.value?.photos.find((p) => p.photoId === photoId)?.state !== 'fitted') return;
    try {
      const mesh = await api().call('photos.head', { photoId, packId: pack });
      if (comparePack.value === pack && selectedId.value === photoId) compareMesh.value = mesh;
    } catch (e) {
      if (comparePack.value === pack) compareError.value = errorMessage(e);
    }
  }

  function clearPhoto(): void {
    compareMesh.value = null;
    faces.value = null;
    swapFrom.value = null;
    swap.value = null;
    swapError.value = null;
    headMesh.value = null;
  }

  /** Chooses the photo the side-by-side views and the 3D head show. */
  async function select(photoId: number | null, force = false): Promise<void> {
    if (photoId === selectedId.value && !force) return;
    selectedId.value = photoId;
    clearPhoto();
    if (photoId === null) return;
    const pack = review.value?.packId ?? undefined;
    try {
      const [f, mesh] = await Promise.all([
        api().call('photos.faces', { photoId }),
        // Megabytes of mesh: only for the workspace, not for the grid's badges.
        workspace.value === 'review' && selected.value?.state === 'fitted' ? api().call('photos.head', pack ? { photoId, packId: pack } : { photoId }) : Promise.resolve(null),
      ]);
      if (selectedId.value !== photoId) return;
      faces.value = f;
      headMesh.value = mesh;
      await loadCompareMesh();
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  /** Re-renders the chosen photo with `fromPhotoId`'s detail code (a few seconds in a worker). */
  async function swapWith(fromPhotoId: number | null): Promise<void> {
    const photoId = selectedId.value;
    swapFrom.value = fromPhotoId;
    swap.value = null;
    swapError.value = null;
    if (photoId === null || fromPhotoId === null) return;
    swapping.value = true;
    try {
      const pack = review.value?.packId ?? undefined;
      const r = await api().call('detail.swap', pack ? { photoId, fromPhotoId, packId: pack } : { photoId, fromPhotoId });
      if (selectedId.value === photoId && swapFrom.value === fromPhotoId) swap.value = r;
    } catch (e) {
      if (selectedId.value === photoId && swapFrom.value === fromPhotoId) swapError.value = errorMessage(e);
    } finally {
      if (swapFrom.value === fromPhotoId) swapping.value = false;
    }
  }

  function reset(): void {
    subjectId.value = null;
    review.value = null;
    reconstructions.value = [];
    selectedId.value = null;
    comparePack.value = null;
    compareReview.value = null;
    clearPhoto();
  }

  return {
    workspace, setWorkspace, subjectId, reconstructions, packId, review, loading, error, selectedId, selected, faces, swapFrom, swap, swapping, swapError,
    swapUrl, headMesh, headTexture, headDetail, showDetail3d, photoCamera3d, comparePack, compareReview, compareMesh, compareTexture, compareDetail, compareError,
    open, reload, choosePack, select, swapWith, compareWith, reset,
  };
});
