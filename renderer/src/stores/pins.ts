import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { PhotoPinsView, Pin, PinRefitView, SurfacePin } from '../../../core/api/contract';
import { api } from '../api/client';
import { errorMessage } from '../lib/errors';

/** What is being dragged: a landmark (0…67), a stored surface pin (its index in the pins), or a new one. */
export type PinTarget = { kind: 'landmark'; landmark: number } | { kind: 'surface'; index: number | null; triangle: number; barycentric: [number, number, number] };

/**
 * Whether a pin change is followed by a refit: always or never, or by the photo's pin count after it
 * (a profile that needed pins is fitted once it has 3).
 */
export type Refits = boolean | ((pinCount: number) => boolean);

/**
 * The photo viewer's pins: the viewed photo's pins (with undo) and the fast refit that shows where
 * the head goes with them (the subject's shape held; `pins.refit`). While a pin is dragged the head
 * is refitted with it (previews, nothing stored); letting go stores the pins and refits; `reconstruct`
 * later solves the subject with them.
 *
 * ```ts
 * const pins = usePinsStore();
 * await pins.load(photo.id);
 * await pins.place({ kind: 'landmark', landmark: 8 }, 675, 1102, true);
 * ```
 */
export const usePinsStore = defineStore('pins', () => {
  const photoId = ref<number | null>(null);
  const view = ref<PhotoPinsView | null>(null);
  /** The head refitted with the current pins (null before the first change in this viewer session). */
  const refit = ref<PinRefitView | null>(null);
  /** Landmarks are draggable handles, and a press on the head starts a surface pin, while on. */
  const editing = ref(false);
  /**
   * A named head point (iBUG index) the next press on the photo places: how a profile, which has no
   * 68 detected landmarks to drag, gets its landmark pins (null: a press picks a surface point).
   */
  const placing = ref<number | null>(null);
  const busy = ref(false);
  const error = ref<string | null>(null);

  async function load(id: number): Promise<void> {
    photoId.value = id;
    view.value = null;
    refit.value = null;
    placing.value = null;
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
    placing.value = null;
    error.value = null;
  }

  // A stored change (release, undo, clear) starts a new generation: previews of an older one are dropped.
  let generation = 0;

  /** Runs a pin change, then refits (when the photo has a fit to refit, or `withRefit` says its new pins make one). */
  async function change(work: (id: number) => Promise<PhotoPinsView>, withRefit: Refits): Promise<void> {
    const id = photoId.value;
    if (id === null) return;
    generation++;
    previewNext = null;
    busy.value = true;
    try {
      view.value = await work(id);
      error.value = null;
      if (typeof withRefit === 'function' ? withRefit(view.value.pins.length) : withRefit) refit.value = await api().call('pins.refit', { photoId: id });
      // Too few pins left to fit an unfitted profile: there is no head to show.
      else refit.value = null;
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      busy.value = false;
    }
  }

  /** The photo's pins with `target` at (x, y), and the pack surface pins name; null (and an error shown) when packs would mix. */
  function withPin(target: PinTarget, x: number, y: number, pack: string | null): { pins: Pin[]; pack: string | null } | null {
    const round = (v: number) => Math.round(v * 100) / 100;
    const pins = [...(view.value?.pins ?? [])];
    if (target.kind === 'landmark') {
      const kept = pins.filter((p) => !('landmark' in p) || p.landmark !== target.landmark);
      return { pins: [...kept, { landmark: target.landmark, x: round(x), y: round(y) }], pack: view.value?.pack ?? null };
    }
    const current = view.value?.pack ?? null;
    if (current && pack && current !== pack) {
      error.value = `This photo's surface pins are on ${current}: clear them to pin the ${pack} head`;
      return null;
    }
    const pin: SurfacePin = { triangle: target.triangle, barycentric: target.barycentric, x: round(x), y: round(y) };
    if (target.index === null) pins.push(pin);
    else pins[target.index] = pin;
    return { pins, pack: current ?? pack };
  }

  /** Stores `target` at (x, y) of the photo (a new revision), then refits. */
  async function place(target: PinTarget, x: number, y: number, withRefit: Refits, pack: string | null = null): Promise<void> {
    const next = withPin(target, x, y, pack);
    if (!next) return;
    await change((id) => api().call('pins.set', { photoId: id, pins: next.pins, ...(next.pack ? { pack: next.pack } : {}) }), withRefit);
  }

  // One preview refit in flight at a time; the newest position waits for it (older ones are dropped).
  let previewing = false;
  let previewNext: { pins: Pin[]; pack: string | null } | null = null;

  /** While a pin is dragged: the head refitted with it at (x, y), nothing stored (the head follows the mouse). */
  async function preview(target: PinTarget, x: number, y: number, pack: string | null = null): Promise<void> {
    previewNext = withPin(target, x, y, pack);
    if (previewing) return;
    previewing = true;
    try {
      while (previewNext && photoId.value !== null && !busy.value) {
        const next = previewNext, g = generation;
        previewNext = null;
        const r = await api().call('pins.refit', { photoId: photoId.value, pins: next.pins, ...(next.pack ? { pack: next.pack } : {}) });
        if (g === generation && !busy.value) refit.value = r;
      }
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      previewing = false;
    }
  }

  /** The head's surface point under (x, y) of the photo, to start a surface pin there (null off the head). */
  async function pick(x: number, y: number): Promise<{ pack: string; triangle: number; barycentric: [number, number, number] } | null> {
    if (photoId.value === null) return null;
    try {
      return await api().call('pins.pick', { photoId: photoId.value, x, y });
    } catch (e) {
      error.value = errorMessage(e);
      return null;
    }
  }

  function undo(withRefit: Refits): Promise<void> {
    return change((id) => api().call('pins.undo', { photoId: id }), withRefit);
  }

  function clear(withRefit: Refits): Promise<void> {
    return change((id) => api().call('pins.set', { photoId: id, pins: [] }), withRefit);
  }

  return { photoId, view, refit, editing, placing, busy, error, load, reset, place, preview, pick, undo, clear };
});
