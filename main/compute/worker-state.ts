import { HeadModelEvaluator } from '../../core/head-model/head-model-evaluator';
import type { HeadModel } from '../../core/head-model/head-model';
import { parseCanonicalFaceMesh } from '../../core/starter-head/canonical-face-mesh';
import { InferenceEngine } from '../inference/inference-engine';
import type { ProviderPreference } from '../inference/execution-providers';
import { readCanonicalFaceMeshAsset } from '../packs/starter-pack';
import { defaultModelDir, FaceAnalyzer, lazyModelResolver } from '../perception/face-analyzer';
import type { PackRef } from './compute-tasks';
import type { WorkerSetup } from './compute-pool';

/** What a worker keeps of a pack: the shared model and its own evaluator (scratch buffers only). */
export interface WorkerPack {
  key: string;
  model: HeadModel;
  evaluator: HeadModelEvaluator;
}

/**
 * A worker's long-lived state: evaluators per pack (keyed by manifest hash; the bases themselves are
 * the process's one shared copy), the face mesh's triangles, and — in the inference worker only — the
 * process's one InferenceEngine, which opens every ONNX model (perception, DECA's encoder and detail networks) with the
 * user's execution provider.
 */
export class WorkerState {
  private readonly packs = new Map<string, WorkerPack>();
  private meshTriangles: Promise<Uint32Array | null> | null = null;
  private engine: InferenceEngine | null = null;
  private readonly analyzers = new Map<boolean, FaceAnalyzer>();
  private readonly memos = new Map<string, unknown>();

  constructor(readonly setup: WorkerSetup & { index: number }) {}

  pack(ref: PackRef): WorkerPack {
    let p = this.packs.get(ref.key);
    if (!p) {
      // The scalar kernel reads the shared bases in place; the SIMD kernel would copy them (tens of MB
      // per worker) for no measurable gain at these sizes (2.0 vs 2.1 ms per ICT-FaceKit evaluation).
      p = { key: ref.key, model: ref.model, evaluator: new HeadModelEvaluator(ref.model, { simd: false }) };
      // Keep a few packs: switching packs in the viewer must not reload, but memory is bounded.
      if (this.packs.size >= 4) this.packs.delete(this.packs.keys().next().value!);
      this.packs.set(ref.key, p);
    }
    return p;
  }

  /**
   * A value derived from a pack once per worker (e.g. its detail region), by key; the few newest
   * are kept, like the packs themselves.
   */
  memo<T>(key: string, make: () => T): T {
    if (this.memos.has(key)) return this.memos.get(key) as T;
    const value = make();
    if (this.memos.size >= 8) this.memos.delete(this.memos.keys().next().value!);
    this.memos.set(key, value);
    return value;
  }

  /** MediaPipe's canonical face-mesh triangles (the 468 points' triangulation), read once; null when the asset is missing. */
  faceMeshTriangles(): Promise<Uint32Array | null> {
    this.meshTriangles ??= readCanonicalFaceMeshAsset().then(
      (bytes) => parseCanonicalFaceMesh(bytes).triangles,
      () => null,
    );
    return this.meshTriangles;
  }

  /** The process's inference engine: models by catalog id, or `file:<path>` for a user's ONNX file. */
  inference(): InferenceEngine {
    if (this.setup.index !== 0) throw new Error('ONNX sessions live in the inference worker only');
    if (!this.engine) {
      const faces = lazyModelResolver(this.setup.modelDir ?? defaultModelDir());
      this.engine = new InferenceEngine({
        provider: this.setup.provider as ProviderPreference,
        resolveModel: (id) => (id.startsWith('file:') ? id.slice(5) : faces(id)),
      });
    }
    return this.engine;
  }

  /** The face pipeline on the shared engine, with or without FaceMesh. */
  faceAnalyzer(mesh = true): FaceAnalyzer {
    let a = this.analyzers.get(mesh);
    if (!a) this.analyzers.set(mesh, (a = new FaceAnalyzer({ engine: this.inference(), mesh })));
    return a;
  }
}
