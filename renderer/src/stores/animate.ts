import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ExpressionView } from '../../../core/api/contract';
import { api } from '../api/client';
import { errorMessage } from '../lib/errors';

/**
 * Expressions as data for posing and retargeting: every fitted photo's ARKit expression (of every
 * subject: any capture can go onto any head) and the saved ones, and saving the current pose by name.
 *
 * ```ts
 * const animate = useAnimateStore();
 * await animate.loadExpressions();
 * ```
 */
export const useAnimateStore = defineStore('animate', () => {
  const expressions = ref<ExpressionView[]>([]);
  const error = ref<string | null>(null);
  const loading = ref(false);

  /** Captured expressions grouped by subject, then the saved ones. */
  const groups = computed(() => {
    const bySubject = new Map<string, ExpressionView[]>();
    for (const e of expressions.value) {
      const key = e.kind === 'saved' ? 'Saved' : `${e.subject?.name ?? 'Unknown'}'s photos`;
      bySubject.set(key, [...(bySubject.get(key) ?? []), e]);
    }
    return [...bySubject].map(([title, list]) => ({ title, list }));
  });

  async function loadExpressions(): Promise<void> {
    loading.value = true;
    try {
      expressions.value = await api().call('expressions.list', {});
      error.value = null;
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      loading.value = false;
    }
  }

  async function save(name: string, pose: { arkit: number[]; jawPose: [number, number, number] }): Promise<boolean> {
    try {
      await api().call('expressions.save', { name: name.trim(), arkit: pose.arkit, jawPose: pose.jawPose });
      await loadExpressions();
      return true;
    } catch (e) {
      error.value = errorMessage(e);
      return false;
    }
  }

  async function remove(id: number): Promise<void> {
    try {
      await api().call('expressions.delete', { id });
      await loadExpressions();
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  return { expressions, groups, error, loading, loadExpressions, save, remove };
});
