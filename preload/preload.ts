// The renderer's only door to the main process: a thin, typed surface over IPC. No logic here.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { IPC_CHANNELS, type ApiEventMessage } from '../core/api/contract';

export interface DecaStudioBridge {
  call(method: string, req: unknown): Promise<unknown>;
  stage(name: string, bytes: ArrayBuffer): Promise<unknown>;
  onEvent(listener: (message: ApiEventMessage) => void): () => void;
  pathForFile(file: File): string;
  /** A native picker: a folder for a project or an export; a head-model file ('pack': zip or pkl). */
  pickFolder(purpose: 'open' | 'create' | 'export' | 'pack'): Promise<string | null>;
}

const bridge: DecaStudioBridge = {
  call: (method, req) => ipcRenderer.invoke(IPC_CHANNELS.call, method, req),
  stage: (name, bytes) => ipcRenderer.invoke(IPC_CHANNELS.stage, name, bytes),
  onEvent: (listener) => {
    const wrapped = (_event: unknown, message: ApiEventMessage) => listener(message);
    ipcRenderer.on(IPC_CHANNELS.event, wrapped);
    return () => ipcRenderer.removeListener(IPC_CHANNELS.event, wrapped);
  },
  pathForFile: (file) => webUtils.getPathForFile(file),
  pickFolder: (purpose) => ipcRenderer.invoke(IPC_CHANNELS.pickFolder, purpose),
};

contextBridge.exposeInMainWorld('decaStudio', bridge);
