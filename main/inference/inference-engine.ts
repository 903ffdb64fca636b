import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as OrtModule from 'onnxruntime-node';
import { providerOrder, type ExecutionProviderName, type ProviderPreference } from './execution-providers';

type Ort = typeof OrtModule;
type Session = OrtModule.InferenceSession;

/** A float32 tensor handed to or returned from a model. */
export interface FloatTensor {
  data: Float32Array;
  dims: number[];
}

/** A model input or output as the file declares it. */
export interface TensorSignature {
  name: string;
  shape: (number | string)[];
}

export interface InferenceEngineOptions {
  /** Path of a model's ONNX file, by id (e.g. from native-models' `ensureModels`). */
  resolveModel: (id: string) => string;
  /** 'auto' tries the platform's accelerator first; CPU is the fallback either way. */
  provider?: ProviderPreference;
  /** Threads per session for CPU work; 0 lets onnxruntime choose (all cores). */
  intraOpThreads?: number;
  /**
   * Let onnxruntime's worker threads spin between ops. Off by default: these models are small, and
   * on a busy machine (the app's UI, other jobs) spinning threads steal the cores they wait for.
   */
  spinning?: boolean;
  /** Told when a provider fails and the engine falls back. */
  log?: (line: string) => void;
}

export const INFERENCE_ENGINE_DEFAULTS = { provider: 'auto' as ProviderPreference, intraOpThreads: 0, spinning: false };

/** A model file that is missing, unreadable or not a valid ONNX model. */
export class ModelFileError extends Error {
  /** Survives the trip from a worker thread (the class does not). */
  readonly code = 'model-file';
  constructor(
    readonly modelId: string,
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

interface LoadedModel {
  session: Session;
  provider: ExecutionProviderName;
}

let cudaPresent: boolean | null = null;
/** Whether onnxruntime-node's CUDA provider library is installed beside its binding. */
export function cudaLibraryInstalled(): boolean {
  if (cudaPresent !== null) return cudaPresent;
  cudaPresent = false;
  try {
    const req = createRequire(typeof __filename === 'string' ? __filename : path.join(process.cwd(), 'index.js'));
    const bin = path.join(path.dirname(req.resolve('onnxruntime-node')), '..', 'bin');
    const walk = (dir: string): boolean =>
      readdirSync(dir, { withFileTypes: true }).some((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : /providers_cuda/.test(e.name)));
    cudaPresent = existsSync(bin) && walk(bin);
  } catch {
    cudaPresent = false;
  }
  return cudaPresent;
}

/**
 * Loads onnxruntime-node's native binding into the process from this thread (~15 ms, no session).
 * Called on the main thread before the first inference worker starts: a binding first loaded by a
 * worker thread is gone with that worker and cannot be loaded again in the process ("Module did not
 * self-register"), so a restarted inference worker — or a second studio in one process — could run
 * no model. Loaded once here, it stays for every worker.
 *
 * ```ts
 * pinOnnxRuntime();
 * ```
 */
export function pinOnnxRuntime(): void {
  try {
    createRequire(typeof __filename === 'string' ? __filename : path.join(process.cwd(), 'index.js'))('onnxruntime-node');
  } catch {
    // Missing or broken install: the inference worker reports it when it opens a model.
  }
}

let ortPromise: Promise<Ort> | null = null;
/** onnxruntime-node is loaded on first use, so CLI verbs that run no model do not pay for it. */
function loadOrt(): Promise<Ort> {
  ortPromise ??= import('onnxruntime-node').then((m) => ((m as { default?: Ort }).default ?? m) as Ort);
  return ortPromise;
}

/**
 * The execution providers the installed onnxruntime-node can run here. onnxruntime-node lists CUDA on
 * Linux and Windows even when its provider library was not downloaded at install (our .npmrc skips
 * it): CUDA counts only when the library is there.
 *
 * ```ts
 * await usableProviders(); // ['cpu'] on a machine without CUDA's library
 * ```
 */
export async function usableProviders(): Promise<string[]> {
  const ort = await loadOrt();
  return ort.listSupportedBackends().map((b) => b.name).filter((name) => name !== 'cuda' || cudaLibraryInstalled());
}

/**
 * The one owner of onnxruntime-node: opens each model once (trying the preferred execution
 * provider, falling back to CPU), keeps the sessions, runs single or batched inputs, and releases
 * everything on `dispose`.
 *
 * ```ts
 * const engine = new InferenceEngine({ resolveModel: (id) => files[id as ModelId] });
 * const out = await engine.run('landmark68', { image: { data, dims: [1, 112, 112, 3] } });
 * await engine.dispose();
 * ```
 */
export class InferenceEngine {
  private readonly options: Required<Omit<InferenceEngineOptions, 'log'>> & Pick<InferenceEngineOptions, 'log'>;
  private readonly models = new Map<string, Promise<LoadedModel>>();
  private disposed = false;
  private readonly used = new Set<ExecutionProviderName>();

  constructor(options: InferenceEngineOptions) {
    this.options = { ...INFERENCE_ENGINE_DEFAULTS, ...options };
  }

  /** The providers the sessions opened so far run on (empty before the first model is loaded). */
  activeProviders(): ExecutionProviderName[] {
    return [...this.used];
  }

  /** The provider a model runs on (after loading it). */
  async providerOf(id: string): Promise<ExecutionProviderName> {
    return (await this.load(id)).provider;
  }

  /** Opens a model (once); later calls share the session. */
  load(id: string): Promise<LoadedModel> {
    if (this.disposed) throw new Error('InferenceEngine: used after dispose()');
    let p = this.models.get(id);
    if (!p) {
      p = this.open(id);
      // A failed load is not cached, so a repaired file can be retried.
      p.catch(() => this.models.delete(id));
      this.models.set(id, p);
    }
    return p;
  }

  private async open(id: string): Promise<LoadedModel> {
    const file = this.options.resolveModel(id);
    if (!existsSync(file)) throw new ModelFileError(id, file, `Model "${id}" is missing: ${file} does not exist`);
    if (statSync(file).size === 0) throw new ModelFileError(id, file, `Model "${id}" is empty: ${file}`);
    const ort = await loadOrt();
    const usable = await usableProviders();
    const order = providerOrder(this.options.provider, process.platform, usable);
    let lastError: unknown;
    for (const provider of order) {
      try {
        const session = await ort.InferenceSession.create(file, {
          executionProviders: [provider],
          intraOpNumThreads: this.options.intraOpThreads,
          graphOptimizationLevel: 'all',
          extra: { session: { intra_op: { allow_spinning: this.options.spinning ? '1' : '0' } } },
        });
        this.used.add(provider);
        return { session, provider };
      } catch (e) {
        lastError = e;
        if (provider !== 'cpu') this.options.log?.(`${id}: ${provider} unavailable (${(e as Error).message.split('\n')[0]}); trying the next provider`);
      }
    }
    throw new ModelFileError(id, file, `Model "${id}" could not be loaded from ${file} (corrupt or not an ONNX model?): ${(lastError as Error)?.message ?? lastError}`);
  }

  /** Names and shapes (symbolic dimensions as strings) of a model's inputs and outputs. */
  async signature(id: string): Promise<{ inputs: TensorSignature[]; outputs: TensorSignature[] }> {
    const { session } = await this.load(id);
    const describe = (names: readonly string[], meta: readonly OrtModule.InferenceSession.ValueMetadata[]) =>
      names.map((name) => {
        const m = meta.find((x) => x.name === name);
        return { name, shape: m && m.isTensor ? m.shape.map((d) => (typeof d === 'number' ? d : String(d))) : [] };
      });
    return { inputs: describe(session.inputNames, session.inputMetadata), outputs: describe(session.outputNames, session.outputMetadata) };
  }

  /** Loads the models and runs each once on zeros, so that the first real call is not slow. */
  async warmUp(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      const { session } = await this.load(id);
      const ort = await loadOrt();
      const feeds: Record<string, OrtModule.Tensor> = {};
      for (const name of session.inputNames) {
        const meta = session.inputMetadata.find((m) => m.name === name);
        const shape = meta && meta.isTensor ? meta.shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1)) : [1];
        feeds[name] = new ort.Tensor('float32', new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
      }
      await session.run(feeds);
    }
  }

  /** Runs a model on named float32 inputs; returns every output. */
  async run(id: string, inputs: Record<string, FloatTensor>): Promise<Record<string, FloatTensor>> {
    const { session } = await this.load(id);
    const ort = await loadOrt();
    const feeds: Record<string, OrtModule.Tensor> = {};
    for (const [name, t] of Object.entries(inputs)) {
      if (!session.inputNames.includes(name)) throw new Error(`Model "${id}" has no input "${name}" (inputs: ${session.inputNames.join(', ')})`);
      feeds[name] = new ort.Tensor('float32', t.data, t.dims);
    }
    const result = await session.run(feeds);
    const out: Record<string, FloatTensor> = {};
    for (const [name, t] of Object.entries(result)) {
      out[name] = { data: t.data as Float32Array, dims: t.dims.map(Number) };
      t.dispose?.();
    }
    return out;
  }

  /**
   * Runs a model with one input on several items at once (stacked along the first axis) and splits
   * every output back per item. `itemDims` is one item's shape without the batch axis.
   *
   * ```ts
   * const perFace = await engine.runBatch('recognition', 'image', chips, [150, 150, 3]);
   * ```
   */
  async runBatch(id: string, inputName: string, items: readonly Float32Array[], itemDims: number[]): Promise<Record<string, Float32Array>[]> {
    if (items.length === 0) return [];
    const per = itemDims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(per * items.length);
    items.forEach((item, i) => {
      if (item.length !== per) throw new Error(`runBatch ${id}: item ${i} has ${item.length} values, expected ${per}`);
      data.set(item, i * per);
    });
    const out = await this.run(id, { [inputName]: { data, dims: [items.length, ...itemDims] } });
    return items.map((_, i) => {
      const row: Record<string, Float32Array> = {};
      for (const [name, t] of Object.entries(out)) {
        const n = t.data.length / items.length;
        row[name] = t.data.slice(i * n, (i + 1) * n);
      }
      return row;
    });
  }

  /** Releases every session. The engine cannot be used afterwards. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const loaded = await Promise.allSettled([...this.models.values()]);
    this.models.clear();
    for (const r of loaded) if (r.status === 'fulfilled') await r.value.session.release();
  }
}
