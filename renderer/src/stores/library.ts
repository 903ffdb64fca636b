import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { PhotoSummary, SubjectSummary } from '../../../core/api/contract';
import { api } from '../api/client';
import { coalesced } from '../lib/coalesce';
import { errorMessage } from '../lib/errors';

/**
 * The open project's subjects and the selected subject's photos. Stays in step with the
 * services through `library.changed`, so imports and other windows show up without a reload.
 */
export const useLibraryStore = defineStore('library', () => {
  const subjects = ref<SubjectSummary[]>([]);
  const selectedId = ref<number | null>(null);
  const photos = ref<PhotoSummary[]>([]);
  const photosLoading = ref(false);
  /** Last failure of a background refresh or delete; shown in a banner. */
  const error = ref<string | null>(null);

  const selected = computed(() => subjects.value.find((s) => s.id === selectedId.value) ?? null);

  async function refreshSubjects(): Promise<void> {
    try {
      subjects.value = await api().call('subjects.list', {});
      if (selectedId.value !== null && !subjects.value.some((s) => s.id === selectedId.value)) selectedId.value = null;
      if (selectedId.value === null && subjects.value.length > 0) await select(subjects.value[0]!.id);
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  async function refreshPhotos(): Promise<void> {
    const id = selectedId.value;
    if (id === null) {
      photos.value = [];
      return;
    }
    photosLoading.value = true;
    try {
      const list = await api().call('photos.list', { subjectId: id });
      // A slow answer for a subject the user already left must not overwrite the new one.
      if (selectedId.value === id) photos.value = list;
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      photosLoading.value = false;
    }
  }

  async function select(id: number | null): Promise<void> {
    if (selectedId.value === id) return;
    selectedId.value = id;
    photos.value = [];
    await refreshPhotos();
  }

  /** Creates a subject and selects it; throws the API error (e.g. a duplicate name) for the form to show. */
  async function createSubject(name: string): Promise<SubjectSummary> {
    const subject = await api().call('subjects.create', { name: name.trim() });
    await refreshSubjects();
    await select(subject.id);
    return subject;
  }

  /** Throws the API error (e.g. a duplicate name) for the caller to show inline. */
  async function renameSubject(id: number, name: string): Promise<void> {
    await api().call('subjects.rename', { id, name: name.trim() });
    await refreshSubjects();
  }

  async function deleteSubject(id: number): Promise<void> {
    try {
      await api().call('subjects.delete', { id });
      if (selectedId.value === id) await select(null);
      await refreshSubjects();
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  async function deletePhoto(id: number): Promise<void> {
    try {
      await api().call('photos.delete', { id });
      photos.value = photos.value.filter((p) => p.id !== id);
      await refreshSubjects();
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  function reset(): void {
    subjects.value = [];
    photos.value = [];
    selectedId.value = null;
    error.value = null;
  }

  // Imports announce a change per job, deletes per call: bursts collapse into one refresh each.
  const refreshSubjectsSoon = coalesced(refreshSubjects);
  const refreshPhotosSoon = coalesced(refreshPhotos);
  api().on('library.changed', ({ subjectId }) => {
    void refreshSubjectsSoon();
    if (subjectId === null || subjectId === selectedId.value) void refreshPhotosSoon();
  });

  return {
    subjects,
    selectedId,
    selected,
    photos,
    photosLoading,
    error,
    refreshSubjects,
    refreshPhotos,
    refreshPhotosSoon,
    refreshSubjectsSoon,
    select,
    createSubject,
    renameSubject,
    deleteSubject,
    deletePhoto,
    reset,
  };
});
