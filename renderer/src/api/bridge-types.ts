import type { ApiEventMessage } from '../../../core/api/contract';

/** What preload exposes as `window.decaStudio` in Electron (absent in browser mode). */
export interface DecaStudioBridge {
  call(method: string, req: unknown): Promise<unknown>;
  stage(name: string, bytes: ArrayBuffer): Promise<unknown>;
  onEvent(listener: (message: ApiEventMessage) => void): () => void;
  pathForFile(file: File): string;
  pickFolder(purpose: 'open' | 'create' | 'export' | 'pack'): Promise<string | null>;
}

declare global {
  interface Window {
    decaStudio?: DecaStudioBridge;
  }
}
