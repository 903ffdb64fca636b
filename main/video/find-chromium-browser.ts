import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../core/api/api-error';

/** Where findChromiumBrowser looks (all injectable, so tests can stand in any system). */
export interface FindBrowserOptions {
  /** A browser named by the user (`--browser PATH`); wins over everything else. */
  explicit?: string;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** Whether `file` is an executable file (injected by tests). */
  isExecutable: (file: string) => boolean;
}

/** This process's environment, platform and file system. */
export const FIND_BROWSER_DEFAULTS: FindBrowserOptions = { env: process.env, platform: process.platform, isExecutable };

/** Command names of Chromium-family browsers looked up on PATH, in order of preference. */
export const BROWSER_COMMANDS = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome', 'msedge', 'microsoft-edge', 'microsoft-edge-stable'];

/** Where the usual installers put them, beyond PATH. */
function wellKnownPaths(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] {
  if (platform === 'darwin') {
    return ['Google Chrome.app/Contents/MacOS/Google Chrome', 'Chromium.app/Contents/MacOS/Chromium', 'Microsoft Edge.app/Contents/MacOS/Microsoft Edge'].flatMap((app) => [
      `/Applications/${app}`,
      ...(env.HOME ? [path.join(env.HOME, 'Applications', app)] : []),
    ]);
  }
  if (platform === 'win32') {
    const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter((r): r is string => !!r);
    return roots.flatMap((r) => [path.win32.join(r, 'Google', 'Chrome', 'Application', 'chrome.exe'), path.win32.join(r, 'Microsoft', 'Edge', 'Application', 'msedge.exe'), path.win32.join(r, 'Chromium', 'Application', 'chrome.exe')]);
  }
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/opt/google/chrome/chrome', '/usr/bin/microsoft-edge', '/opt/microsoft/msedge/msedge', '/snap/bin/chromium'];
}

/**
 * The Chromium-family browser (Chromium, Chrome, Edge) that decodes videos for the CLI: `--browser
 * PATH`, else `DECA_STUDIO_BROWSER`, else the first found on PATH or where installers put it. A
 * named browser that is not there, or none found, is a clear error saying what to install or set.
 *
 * ```ts
 * const chromium = findChromiumBrowser({ explicit: values.browser }); // '/usr/bin/chromium'
 * ```
 */
export function findChromiumBrowser(options: Partial<FindBrowserOptions> = {}): string {
  const o = { ...FIND_BROWSER_DEFAULTS, ...options };
  const named = o.explicit ?? o.env.DECA_STUDIO_BROWSER;
  if (named) {
    if (o.isExecutable(named)) return named;
    const where = o.explicit ? '--browser' : 'DECA_STUDIO_BROWSER';
    throw new ApiError('not-found', `${where} names ${named}, which is not an executable file: give the path of Chromium, Google Chrome or Microsoft Edge`);
  }
  const sep = o.platform === 'win32' ? ';' : ':';
  const exe = o.platform === 'win32' ? '.exe' : '';
  const join = o.platform === 'win32' ? path.win32.join : path.posix.join;
  const dirs = (o.env.PATH ?? o.env.Path ?? '').split(sep).filter(Boolean);
  for (const name of BROWSER_COMMANDS) {
    for (const dir of dirs) {
      const file = join(dir, name + exe);
      if (o.isExecutable(file)) return file;
    }
  }
  for (const file of wellKnownPaths(o.platform, o.env)) if (o.isExecutable(file)) return file;
  const install = o.platform === 'linux' ? 'install one (Debian/Ubuntu: sudo apt-get install chromium)' : 'install Google Chrome, Chromium or Microsoft Edge';
  throw new ApiError(
    'not-found',
    `No Chromium-family browser found to decode the video (looked for ${BROWSER_COMMANDS.join(', ')} on PATH and in the usual install folders). ` +
      `Videos are decoded by Chromium's own decoder: ${install}, or name one with --browser PATH or DECA_STUDIO_BROWSER=PATH.`,
  );
}

function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
