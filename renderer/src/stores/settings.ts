import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { SettingsInfo, StudioSettings } from '../../../core/api/contract';
import { api } from '../api/client';
import { errorMessage } from '../lib/errors';

/**
 * The user's studio settings (execution provider, default head model, texture size), loaded once and
 * saved field by field; other stores read their defaults from here.
 *
 * ```ts
 * const settings = useSettingsStore();
 * await settings.load();
 * await settings.save({ textureSize: 2048 });
 * ```
 */
export const useSettingsStore = defineStore('settings', () => {
  const info = ref<SettingsInfo | null>(null);
  const error = ref<string | null>(null);
  const saving = ref(false);
  /** Set after a save went through, for the page's "Saved" note. */
  const saved = ref(false);
  let loading: Promise<SettingsInfo | null> | null = null;

  /** Loads the settings (once; `force` asks again, e.g. to see the provider now in use). */
  function load(force = false): Promise<SettingsInfo | null> {
    if (!loading || force) {
      loading = api()
        .call('settings.get', {})
        .then((next) => {
          info.value = next;
          error.value = null;
          return next;
        })
        .catch((e: unknown) => {
          error.value = errorMessage(e);
          loading = null;
          return null;
        });
    }
    return loading;
  }

  async function save(patch: Partial<StudioSettings>): Promise<boolean> {
    saving.value = true;
    saved.value = false;
    error.value = null;
    try {
      info.value = await api().call('settings.set', patch);
      loading = Promise.resolve(info.value);
      saved.value = true;
      return true;
    } catch (e) {
      error.value = errorMessage(e);
      return false;
    } finally {
      saving.value = false;
    }
  }

  return { info, error, saving, saved, load, save };
});
