/** Where the decode page runs: a hidden Electron window or a headless Chromium-family browser. */
export interface DecodePageHost {
  /** For messages: "Electron", "/usr/bin/chromium". */
  readonly name: string;
  /** Loads the page; a browser that crashes or a window that fails to load rejects `failed`. */
  open(url: string): Promise<void>;
  /** Rejects when the host dies before the page is done (a crashed renderer, a closed browser). */
  readonly failed: Promise<never>;
  close(): Promise<void>;
}

/**
 * True in Electron's main process (the app, or `electron out/main/cli.cjs …`), where the video is
 * decoded in a hidden window of Electron's own Chromium; false under plain Node and ELECTRON_RUN_AS_NODE.
 *
 * ```ts
 * const host = inElectronMain() ? await electronDecodeHost() : await browserDecodeHost(findChromiumBrowser());
 * ```
 */
export function inElectronMain(): boolean {
  return (process as { type?: string }).type === 'browser' && !!process.versions.electron;
}
