import os from 'node:os';
import path from 'node:path';
import pkg from '../package.json';

export const APP_VERSION: string = pkg.version;

/**
 * The user's DECA Studio data folder (settings, recent projects, model packs): the platform's
 * application-data folder, or `DECA_STUDIO_HOME` when set (tests, portable installs).
 */
export function appDataDir(): string {
  if (process.env.DECA_STUDIO_HOME) return path.resolve(process.env.DECA_STUDIO_HOME);
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'), 'DECA Studio');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'DECA Studio');
  return path.join(process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'deca-studio');
}
