import { defineStore } from 'pinia';
import { ref } from 'vue';

export interface ConfirmRequest {
  title: string;
  message: string;
  /** Label of the button that goes ahead, e.g. "Delete subject". */
  confirmLabel: string;
  /** Destructive actions get a red button. */
  danger?: boolean;
}

/**
 * Our own confirmation dialog (window.confirm is unstyled, blocks the page and is absent in some
 * embeddings). One dialog for the whole app: `await confirm.ask({...})` resolves true or false.
 */
export const useConfirmStore = defineStore('confirm', () => {
  const request = ref<ConfirmRequest | null>(null);
  let resolve: ((ok: boolean) => void) | null = null;

  function ask(next: ConfirmRequest): Promise<boolean> {
    resolve?.(false);
    request.value = next;
    return new Promise<boolean>((r) => {
      resolve = r;
    });
  }

  function answer(ok: boolean): void {
    const r = resolve;
    resolve = null;
    request.value = null;
    r?.(ok);
  }

  return { request, ask, answer };
});
