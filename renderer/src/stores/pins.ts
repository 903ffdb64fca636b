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
    generation++;
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

  /** The photo's pins with landmark `l` at (x, y) (replacing its pin if it had one). */
  function withLandmark(l: number, x: number, y: number): Pin[] {
    const round = (v: number) => Math.round(v * 100) / 100;
    const others = (view.value?.pins ?? []).filter((p: Pin) => !('landmark' in p) || p.landmark !== l);
    return [...others, { landmark: l, x: round(x), y: round(y) }];
  }

  /** Pins landmark `l` at (x, y) of the photo (a new revision), then refits. */
  function pinLandmark(l: number, x: number, y: number, withRefit: boolean): Promise<void> {
    const pins = withLandmark(l, x, y);
    const pack = view.value?.pack ?? undefined;
    previewNext = null;
    return change((id) => api().call('pins.set', { photoId: id, pins, ...(pack ? { pack } : {}) }), withRefit);
  }

  // One preview refit in flight at a time; the newest position waits for it (older ones are dropped).
  // A stored change (release, undo, clear) starts a new generation: previews of an older one are dropped.
  let generation = 0;
  let previewing = false;
  let previewNext: Pin[] | null = null;

  /** While a landmark is dragged: the head refitted with it at (x, y), nothing stored (the head follows the mouse). */
  async function preview(l: number, x: number, y: number): Promise<void> {
    previewNext = withLandmark(l, x, y);
    if (previewing) return;
    previewing = true;
    try {
      while (previewNext && photoId.value !== null && !busy.value) {
        const pins = previewNext, g = generation;
        previewNext = null;
        const pack = view.value?.pack ?? undefined;
        const r = await api().call('pins.refit', { photoId: photoId.value, pins, ...(pack ? { pack } : {}) });
        // A release (pinLandmark) may have overtaken this preview: its refit wins.
        if (g === generation && !busy.value) refit.value = r;
      }
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      previewing = false;
    }
  }

  function undo(withRefit: boolean): Promise<void> {
    return change((id) => api().call('pins.undo', { photoId: id }), withRefit);
  }

  function clear(withRefit: boolean): Promise<void> {
    return change((id) => api().call('pins.set', { photoId: id, pins: [] }), withRefit);
  }

  return { photoId, view, refit, editing, busy, error, load, reset, pinLandmark, preview, undo, clear };
});
