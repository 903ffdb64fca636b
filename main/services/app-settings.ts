import { existsSync, promises as fs, statSync } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../core/api/api-error';
import type { StudioSettings, TextureSizeSetting } from '../../core/api/contract';
import { readProviderSetting, writeProviderSetting } from '../inference/execution-providers';

/** The studio's settings file beside `inference.json` (which keeps the execution provider, read by the workers and the CLI). */
const FILE = 'studio-settings.json';
/** A settings file is a few hundred bytes; anything much larger is not ours. */
const MAX_BYTES = 64 * 1024;

export const TEXTURE_SIZES: readonly TextureSizeSetting[] = [512, 1024, 2048];

export const STUDIO_SETTINGS_DEFAULTS: StudioSettings = { executionProvider: 'auto', defaultPackId: null, textureSize: 1024 };

/**
 * The user's studio settings, kept in the app's settings folder: the execution provider (in
 * `inference.json`, where the compute workers and the CLI read it), the default head model and the
 * default texture size (in `studio-settings.json`). Writes are atomic (temporary file, then rename), so
 * a crash leaves the old settings or the new ones, never half a file.
 *
 * ```ts
 * const settings = new AppSettings(settingsDir);
 * await settings.update({ textureSize: 2048 });
 * ```
 */
export class AppSettings {
  private readonly file: string;

  constructor(private readonly settingsDir: string) {
    this.file = path.join(settingsDir, FILE);
  }

  /** The settings as saved (defaults for anything unset); a damaged file is a clear error naming it. */
  async read(): Promise<StudioSettings> {
    const executionProvider = readProviderSetting(this.settingsDir);
    if (!existsSync(this.file)) return { ...STUDIO_SETTINGS_DEFAULTS, executionProvider };
    if (statSync(this.file).size > MAX_BYTES) throw new Error(`The settings file ${this.file} is larger than ${MAX_BYTES} bytes: remove it to start from the defaults`);
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(await fs.readFile(this.file, 'utf8')) as Record<string, unknown>;
      if (!json || typeof json !== 'object' || Array.isArray(json)) throw new Error('not a JSON object');
    } catch (e) {
      throw new Error(`The settings file ${this.file} is unreadable (${(e as Error).message}): remove it to start from the defaults`);
    }
    const pack = json.defaultPackId;
    const size = json.textureSize;
    return {
      executionProvider,
      defaultPackId: typeof pack === 'string' && /^[a-z0-9][a-z0-9-]{0,62}$/.test(pack) ? pack : null,
      textureSize: TEXTURE_SIZES.includes(size as TextureSizeSetting) ? (size as TextureSizeSetting) : STUDIO_SETTINGS_DEFAULTS.textureSize,
    };
  }

  /** Saves the given fields (validated by the API) and returns the settings as they now are. */
  async update(patch: Partial<StudioSettings>): Promise<StudioSettings> {
    const current = await this.read();
    const next: StudioSettings = { ...current, ...patch };
    if (!TEXTURE_SIZES.includes(next.textureSize)) throw new ApiError('bad-request', `textureSize must be one of ${TEXTURE_SIZES.join(', ')}`);
    if (patch.executionProvider !== undefined && patch.executionProvider !== current.executionProvider) writeProviderSetting(this.settingsDir, patch.executionProvider);
    await fs.mkdir(this.settingsDir, { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, `${JSON.stringify({ defaultPackId: next.defaultPackId, textureSize: next.textureSize }, null, 2)}\n`, { mode: 0o600 });
    await fs.rename(tmp, this.file);
    return next;
  }
}
