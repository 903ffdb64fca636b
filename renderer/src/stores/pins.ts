import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { PhotoPinsView, Pin, PinRefitView } from '../../../core/api/contract';
import { api } from '../api/client';
import { errorMessage } from '../lib/errors';

/**
 * The photo viewer's pins: the viewed photo's pins (with undo) and the fast refit that shows where
 * the head goes with them (the subject's shape held; `pins.refit`). Dragging a landmark stores a
 * pin and refits on release; `reconstruct` later solves the subject with the pins.
 *
 * ```ts
 * const pins = usePinsStore();
 * await pins.load(photo.id);
 * await pins.pinLandmark(8, 675, 1102);
 * ```
 */
export const usePinsStore = defineStore('pins', () => {
  const photoId = ref<number | null>(null);
  const view = ref<PhotoPinsView | null>(null);
  /** The head refitted with the current pins (null before the first change in this viewer session). */
  const refit = ref<PinRefitView | null>(null);
  /** Landmarks are draggable handles while on. */
  const editing = ref(false);
  const busy = ref(false);
  const error = ref<string | null>(null);

  async function load(id: number): Promise<void> {
    photoId.value = id;
    view.value = null;
    refit.value = null;
    error.value = null;
    try {
      const v = await api().call('pins.get', { photoId: id });
      if (photoId.value === id) view.value = v;
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  function reset(): void {
    photoId.value = null;
    view.value = null;
    refit.value = null;
    editing.value = false;
    error.value = null;
  }

  /** Runs a pin change, then refits (when the photo has a fit to refit). */
  async function change(work: (id: number) => Promise<PhotoPinsView>, withRefit: boolean): Promise<void> {
    const id = photoId.value;
    if (id === null) return;
    busy.value = true;
    try {
      view.value = await work(id);
      error.value = null;
      if (withRefit) refit.value = await api().call('pins.refit', { photoId: id });
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      busy.value = false;
    }
  }

  /** Pins landmark `l` at (x, y) of the photo, replacing its pin if it had one. */
  function pinLandmark(l: number, x: number, y: number, withRefit: boolean): Promise<void> {
    const round = (v: number) => Math.round(v * 100) / 100;
    const others = (view.value?.pins ?? []).filter((p: Pin) => !('landmark' in p) || p.landmark !== l);
    const pins = [...others, { landmark: l, x: round(x), y: round(y) }];
    const pack = view.value?.pack ?? undefined;
    return change((id) => api().call('pins.set', { photoId: id, pins, ...(pack ? { pack } : {}) }), withRefit);
  }

  function undo(withRefit: boolean): Promise<void> {
    return change((id) => api().call('pins.undo', { photoId: id }), withRefit);
  }

  function clear(withRefit: boolean): Promise<void> {
    return change((id) => api().call('pins.set', { photoId: id, pins: [] }), withRefit);
  }

  return { photoId, view, refit, editing, busy, error, load, reset, pinLandmark, undo, clear };
});
