import { ApiError } from '../../core/api/api-error';
import { arkitShapeCount } from '../../core/expression/arkit-basis';
import type { EyeApertures } from '../../core/expression/eye-blink';
import { createArkitSolver, type ArkitSolver } from '../../core/expression/solve-arkit';
import type { HeadModel } from '../../core/head-model/head-model';
import type { ComputePool } from '../compute/compute-pool';
import type { PackStore } from '../packs/pack-store';
import { installedPackStore } from '../packs/starter-pack';
import type { ModelService } from '../services/model-service';

/** The pack whose ARKit shapes other packs' expressions are transferred through (when installed). */
export const ICT_PACK_ID = 'ict-facekit';

/** One fitted expression to solve: the person's β, the photo's ψ and jaw axis-angle, and its measured lid apertures when analysed (they set eyeBlink). */
export interface ArkitSolveInput {
  shape: number[];
  expression: number[];
  jaw: number[];
  eyeApertures?: EyeApertures | null;
}

/** Where ARKit weights are solved: in the compute workers (the studio) or in this process. */
export interface ArkitSolveService {
  /** The 52 weights per input, and how they were solved (`own-shapes` or `ict-transfer`). */
  solve(packId: string, inputs: readonly ArkitSolveInput[]): Promise<{ method: string; weights: Float32Array[] }>;
}

/**
 * ARKit solves in the compute workers, packs from the studio's model service (loaded once, shared):
 * the thread answering the UI only sends the fits.
 *
 * ```ts
 * const service = workerArkitService(studio.models, studio.pool);
 * const { weights } = await service.solve('starter-head', [{ shape, expression, jaw }]);
 * ```
 */
export function workerArkitService(models: ModelService, pool: ComputePool): ArkitSolveService {
  return {
    async solve(packId, inputs) {
      const pack = await models.pack(packId);
      const ict = packId === ICT_PACK_ID ? null : await models.pack(ICT_PACK_ID).catch(() => null);
      requireArkitBasis(pack.model, ict?.model);
      return pool.run('expression.arkit', { pack, ict, photos: inputs.map((p) => ({ shape: p.shape, expression: p.expression, jaw: p.jaw, eyeApertures: p.eyeApertures ?? null })) });
    },
  };
}

/**
 * ARKit solves in this process, packs read from the installed pack store (for callers without a
 * studio: a script, a one-shot CLI run). Packs and solvers are kept for the service's lifetime.
 *
 * ```ts
 * const service = localArkitService();
 * ```
 */
export function localArkitService(store?: PackStore): ArkitSolveService {
  const packs = new Map<string, Promise<HeadModel | null>>();
  const solvers = new Map<string, ArkitSolver>();
  const storeReady = store ? Promise.resolve(store) : installedPackStore();
  const load = (id: string, required: boolean) => {
    let p = packs.get(id);
    if (!p) {
      p = storeReady.then(async (s) => ((await s.list()).some((x) => x.id === id) ? s.load(id) : null));
      packs.set(id, p);
    }
    return p.then((m) => {
      if (!m && required) throw new ApiError('not-found', `No model pack "${id}" is installed (see: deca-studio packs list)`);
      return m;
    });
  };
  return {
    async solve(packId, inputs) {
      let solver = solvers.get(packId);
      if (!solver) {
        const model = (await load(packId, true))!;
        const ict = packId === ICT_PACK_ID ? null : await load(ICT_PACK_ID, false);
        requireArkitBasis(model, ict);
        solver = createArkitSolver(model, ict);
        solvers.set(packId, solver);
      }
      return { method: solver.method, weights: inputs.map((p) => solver.solve(p.shape, p)) };
    },
  };
}

/** A clear error before any solve when a pack has no ARKit shapes and ICT-FaceKit is not installed. */
function requireArkitBasis(model: HeadModel, ict: HeadModel | null | undefined): void {
  if (arkitShapeCount(model) > 0 || ict) return;
  throw new ApiError(
    'not-found',
    `The pack "${model.id}" has no ARKit-named shapes (PCA expression modes), so its ARKit weights are solved through ICT-FaceKit's ARKit shapes, ` +
      'and no ICT-FaceKit pack is installed: deca-studio packs import ICT-FaceKit-master.zip (MIT, github.com/ICT-VGL/ICT-FaceKit)',
  );
}
