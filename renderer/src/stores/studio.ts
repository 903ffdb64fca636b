import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { AppInfo, ProjectInfo } from '../../../core/api/contract';
import { api, desktopBridge } from '../api/client';
import { errorMessage } from '../lib/errors';

/**
 * The app as a whole: which transport we run on, the open project and the recent projects.
 * Project open/create/close go through here so every view sees the same project.
 */
export const useStudioStore = defineStore('studio', () => {
  const info = ref<AppInfo | null>(null);
  const project = ref<ProjectInfo | null>(null);
  /** Set while the first `app.info` is in flight, so the UI shows no flash of the wrong page. */
  const loading = ref(true);
  /** Error of the last open/create, shown inline on the project page. */
  const error = ref<string | null>(null);
  const busy = ref(false);
  /** Which page is shown: the library (or project chooser), the head-model viewer or the settings. */
  const view = ref<'library' | 'heads' | 'settings'>('library');

  const isDesktop = computed(() => desktopBridge() !== null);
  const recentProjects = computed(() => info.value?.recentProjects ?? []);

  async function load(): Promise<void> {
    try {
      info.value = await api().call('app.info', {});
      project.value = info.value.project;
      error.value = null;
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      loading.value = false;
    }
  }

  // Another window (or the CLI opening a project at start) can change the project under us.
  api().on('project.changed', ({ project: next }) => {
    project.value = next;
  });

  async function run(action: () => Promise<ProjectInfo>): Promise<boolean> {
    busy.value = true;
    error.value = null;
    try {
      project.value = await action();
      // Refresh recent projects for the next time the project page shows.
      info.value = await api().call('app.info', {});
      return true;
    } catch (e) {
      error.value = errorMessage(e);
      return false;
    } finally {
      busy.value = false;
    }
  }

  /** Creates a project in `path` (a new or empty folder) and opens it. */
  function createProject(path: string, name: string): Promise<boolean> {
    return run(() => api().call('project.create', { path: path.trim(), name: name.trim() }));
  }

  function openProject(path: string): Promise<boolean> {
    return run(() => api().call('project.open', { path: path.trim() }));
  }

  async function closeProject(): Promise<void> {
    error.value = null;
    try {
      await api().call('project.close', {});
      project.value = null;
      info.value = await api().call('app.info', {});
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  /** Electron only: the native folder picker; null when cancelled or in browser mode. */
  async function pickFolder(purpose: 'open' | 'create' | 'export' | 'pack'): Promise<string | null> {
    try {
      return (await desktopBridge()?.pickFolder(purpose)) ?? null;
    } catch (e) {
      error.value = errorMessage(e);
      return null;
    }
  }

  function clearError(): void {
    error.value = null;
  }

  return { view, info, project, loading, error, busy, isDesktop, recentProjects, load, createProject, openProject, closeProject, pickFolder, clearError };
});
