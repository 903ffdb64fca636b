import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { CONVERTER_VERSION, MODEL_CATALOG, modelSpec, type ModelId, type TensorSpec } from './model-catalog';

/** What `models.manifest.json` records per model, and what each cache stamp holds. */
export interface ModelManifestEntry {
  package: string;
  packageVersion: string;
  converterVersion: number;
  sources: { file: string; sha256: string; bytes: number }[];
  onnx: { file: string; sha256: string; bytes: number };
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  inputNote: string;
}

export interface EnsureModelsOptions {
  /** Folder for the generated ONNX files and their stamps. */
  cacheDir: string;
  /** Which models; all of them by default. */
  ids?: readonly ModelId[];
  /** Where an npm package lives; resolved with Node's module resolution by default. */
  packageDir?: (pkg: string) => string;
  /** Progress lines ("converting landmark68…"). */
  log?: (line: string) => void;
}

export const ENSURE_MODELS_DEFAULTS = { ids: MODEL_CATALOG.map((m) => m.id) as readonly ModelId[] };

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The folder of an installed npm package, found from this file's location. */
export function defaultPackageDir(pkg: string): string {
  const req = createRequire(typeof __filename === 'string' ? __filename : path.join(process.cwd(), 'index.js'));
  // Walk the node_modules folders by hand: these packages' "exports" hide package.json.
  for (const dir of req.resolve.paths(pkg) ?? []) {
    if (existsSync(path.join(dir, pkg, 'package.json'))) return path.join(dir, pkg);
  }
  throw new Error(`npm package ${pkg} is not installed; run npm install`);
}

function describeSources(id: ModelId, packageDir: string): Pick<ModelManifestEntry, 'package' | 'packageVersion' | 'sources'> {
  const spec = modelSpec(id);
  const version = String(JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')).version);
  const sources = spec.sources.map((file) => {
    const full = path.join(packageDir, file);
    if (!existsSync(full)) throw new Error(`Model ${id}: source file ${full} is missing; reinstall ${spec.package}`);
    const bytes = readFileSync(full);
    return { file, sha256: sha256(bytes), bytes: bytes.length };
  });
  return { package: spec.package, packageVersion: version, sources };
}

/**
 * Converts the models from the npm-shipped weights into `cacheDir` unless an up-to-date copy is
 * there (same package version, source checksums and converter version), and returns each ONNX
 * file's path. Files are written to a temporary name and renamed, so concurrent processes are safe.
 *
 * ```ts
 * const files = ensureModels({ cacheDir: path.join(appDataDir(), 'models') });
 * const session = await ort.InferenceSession.create(files.landmark68);
 * ```
 */
export function ensureModels(options: EnsureModelsOptions): Record<ModelId, string> {
  const ids = options.ids ?? ENSURE_MODELS_DEFAULTS.ids;
  const packageDir = options.packageDir ?? defaultPackageDir;
  mkdirSync(options.cacheDir, { recursive: true });
  const out = {} as Record<ModelId, string>;
  for (const id of ids) {
    const spec = modelSpec(id);
    const dir = packageDir(spec.package);
    const src = describeSources(id, dir);
    const onnxPath = path.join(options.cacheDir, `${id}.onnx`);
    const stampPath = path.join(options.cacheDir, `${id}.stamp.json`);
    if (!isFresh(options.cacheDir, id, src)) {
      options.log?.(`converting ${id} from ${spec.package}@${src.packageVersion}…`);
      const bytes = spec.convert(dir);
      const entry: ModelManifestEntry = {
        ...src,
        converterVersion: CONVERTER_VERSION,
        onnx: { file: `${id}.onnx`, sha256: sha256(bytes), bytes: bytes.length },
        inputs: spec.inputs,
        outputs: spec.outputs,
        inputNote: spec.inputNote,
      };
      const tmp = `${onnxPath}.${process.pid}.tmp`;
      writeFileSync(tmp, bytes);
      renameSync(tmp, onnxPath);
      writeFileSync(`${stampPath}.${process.pid}.tmp`, JSON.stringify(entry, null, 2));
      renameSync(`${stampPath}.${process.pid}.tmp`, stampPath);
    }
    out[id] = onnxPath;
  }
  return out;
}

function isFresh(cacheDir: string, id: ModelId, src: ReturnType<typeof describeSources>): boolean {
  const stamp = readStamp(path.join(cacheDir, `${id}.stamp.json`));
  return (
    stamp !== null &&
    existsSync(path.join(cacheDir, `${id}.onnx`)) &&
    stamp.converterVersion === CONVERTER_VERSION &&
    stamp.packageVersion === src.packageVersion &&
    JSON.stringify(stamp.sources) === JSON.stringify(src.sources)
  );
}

/**
 * Whether `cacheDir` already holds up-to-date copies of the models, without writing anything
 * (e.g. to use the read-only set a packaged app ships, and fall back to a user cache otherwise).
 *
 * ```ts
 * const dir = modelsUpToDate(bundled) ? bundled : userCache;
 * ```
 */
export function modelsUpToDate(cacheDir: string, ids: readonly ModelId[] = ENSURE_MODELS_DEFAULTS.ids, packageDir: (pkg: string) => string = defaultPackageDir): boolean {
  try {
    return ids.every((id) => isFresh(cacheDir, id, describeSources(id, packageDir(modelSpec(id).package))));
  } catch {
    return false;
  }
}

function readStamp(file: string): ModelManifestEntry | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ModelManifestEntry;
  } catch {
    return null;
  }
}

/**
 * The manifest of every model as `models.manifest.json` records it, read from the stamps that
 * `ensureModels` wrote into `cacheDir` (converting what is missing first).
 *
 * ```ts
 * writeFileSync('native-models/models.manifest.json', JSON.stringify(buildModelManifest(dir), null, 2));
 * ```
 */
export function buildModelManifest(cacheDir: string, packageDir: (pkg: string) => string = defaultPackageDir): Record<ModelId, ModelManifestEntry> {
  ensureModels({ cacheDir, packageDir });
  const out = {} as Record<ModelId, ModelManifestEntry>;
  for (const m of MODEL_CATALOG) out[m.id] = readStamp(path.join(cacheDir, `${m.id}.stamp.json`))!;
  return out;
}
