import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/** An onnxruntime execution provider DECA Studio knows how to ask for. */
export type ExecutionProviderName = 'cuda' | 'dml' | 'coreml' | 'cpu';

/** The user's choice: a provider, or 'auto' (the platform's accelerator, then CPU). */
export type ProviderPreference = ExecutionProviderName | 'auto';

interface ProviderRow {
  name: ExecutionProviderName;
  label: string;
  /** `process.platform` values where onnxruntime-node ships it. */
  platforms: readonly NodeJS.Platform[];
}

/** Every provider, most preferred first; CPU is always last and always there. */
export const EXECUTION_PROVIDERS: readonly ProviderRow[] = [
  { name: 'cuda', label: 'NVIDIA CUDA', platforms: ['linux', 'win32'] },
  { name: 'dml', label: 'DirectML (Windows GPU)', platforms: ['win32'] },
  { name: 'coreml', label: 'Apple Core ML', platforms: ['darwin'] },
  { name: 'cpu', label: 'CPU', platforms: ['linux', 'win32', 'darwin'] },
];

const NAMES = new Set<string>([...EXECUTION_PROVIDERS.map((p) => p.name), 'auto']);

/** Parses a preference from a setting or an environment variable; throws a clear error for anything else. */
export function parseProviderPreference(value: string): ProviderPreference {
  const v = value.trim().toLowerCase();
  if (!NAMES.has(v)) throw new Error(`Unknown execution provider "${value}"; use one of: auto, ${EXECUTION_PROVIDERS.map((p) => p.name).join(', ')}`);
  return v as ProviderPreference;
}

/**
 * The providers to try, in order, for a preference on a platform, limited to those the installed
 * onnxruntime reports (`supported`, from `ort.listSupportedBackends()`). CPU always ends the list,
 * so a failing accelerator falls back to it.
 *
 * ```ts
 * providerOrder('auto', 'win32', ['cpu', 'dml']); // ['dml', 'cpu']
 * ```
 */
export function providerOrder(preference: ProviderPreference, platform: NodeJS.Platform, supported: readonly string[]): ExecutionProviderName[] {
  const usable = EXECUTION_PROVIDERS.filter((p) => p.name !== 'cpu' && p.platforms.includes(platform) && supported.includes(p.name)).map((p) => p.name);
  const first = preference === 'auto' ? usable : usable.filter((n) => n === preference);
  return [...first, 'cpu'];
}

/** Where the user's inference setting lives: `inference.json` in the settings folder. */
export function readProviderSetting(settingsDir: string): ProviderPreference {
  const env = process.env.DECA_EXECUTION_PROVIDER;
  if (env) return parseProviderPreference(env);
  const file = path.join(settingsDir, 'inference.json');
  if (!existsSync(file)) return 'auto';
  try {
    const json = JSON.parse(readFileSync(file, 'utf8')) as { provider?: string };
    return json.provider ? parseProviderPreference(json.provider) : 'auto';
  } catch (e) {
    throw new Error(`The inference setting ${file} is unreadable: ${(e as Error).message}`);
  }
}

/** Saves the user's provider choice. */
export function writeProviderSetting(settingsDir: string, preference: ProviderPreference): void {
  mkdirSync(settingsDir, { recursive: true });
  writeFileSync(path.join(settingsDir, 'inference.json'), `${JSON.stringify({ provider: parseProviderPreference(preference) }, null, 2)}\n`);
}
