import { fitLandmarks } from '../../core/reconstruct/fit-photos';
import { buildFitPoints } from '../../core/reconstruct/fit-points';
import { aloneFitStage, landmarkFitStage } from '../../core/reconstruct/stages/landmark-fit-stage';
import { lightAlbedoStage, poseViews } from '../../core/reconstruct/stages/light-albedo-stage';
import { landmarkErrors, photometricErrors } from '../../core/reconstruct/stages/metrics-stage';
import { photometricPoints, photometricRefineStage } from '../../core/reconstruct/stages/photometric-refine-stage';
import { toShared } from './shared-data';
import type { ComputeTasks, TaskName } from './compute-tasks';
import type { TaskContext } from './task-context';
import type { WorkerState } from './worker-state';

type Handlers = { [K in TaskName]?: (req: ComputeTasks[K]['req'], ctx: TaskContext, state: WorkerState) => Promise<ComputeTasks[K]['res']> | ComputeTasks[K]['res'] };

/**
 * The reconstruction stages as worker tasks: thin adapters from messages to the pure stage
 * functions in core/reconstruct/stages (the orchestrator in main/reconstruct decides what runs
 * where and records each stage's outcome).
 */
export const FIT_TASKS: Handlers = {
  'pack.tables': ({ pack }) => toShared({ points: buildFitPoints(pack.model), photometric: photometricPoints(pack.model) }),

  'fit.joint': ({ tables, observations, init, options }, ctx) => {
    const fit = landmarkFitStage(tables.points, observations, init, { fit: options, shouldStop: ctx.shouldStop, onIteration: (n) => ctx.progress(n) });
    ctx.throwIfStopped();
    return fit;
  },

  'fit.alone': ({ tables, observations, inits, options }, ctx) => {
    const fits = aloneFitStage(tables.points, observations, inits, { fit: options, shouldStop: ctx.shouldStop });
    ctx.throwIfStopped();
    return { fits, nme: fits.map((f, i) => landmarkErrors(tables.points, f, [observations[i]!])[0]!) };
  },

  'light.albedo': async ({ pack, shape, photos, options }, _ctx, state) => {
    const p = state.pack(pack);
    const views = poseViews(p.model, p.evaluator, shape, photos);
    const r = lightAlbedoStage(p.model, views, await state.faceMeshTriangles(), options);
    return {
      texture: r.albedo,
      vertexAlbedo: r.vertexAlbedo,
      coverage: r.coverage,
      lights: r.lights.map((l) => Array.from(l)),
      rms: r.rms,
      rmsConstantAlbedo: r.rmsConstantAlbedo,
    };
  },

  'fit.photometric': ({ pack, tables, observations, photos, start, albedo, lights, options }, ctx, state) => {
    const p = state.pack(pack);
    if (!tables.photometric) throw new Error(`Head model ${pack.model.id} has no UVs: the photometric term needs its texture layout`);
    const views = poseViews(p.model, p.evaluator, start.shape, photos);
    const fit = photometricRefineStage(p.model, tables.photometric, observations, views, photos.map((q) => q.k), albedo, lights, start, { fit: options, shouldStop: ctx.shouldStop });
    ctx.throwIfStopped();
    return fit;
  },

  'fit.metrics': async ({ pack, tables, observations, photos, fit, albedo }, _ctx, state) => {
    const p = state.pack(pack);
    const views = poseViews(p.model, p.evaluator, fit.shape, photos.map((q, i) => ({ ...q, fit: fit.photos[i]! })));
    const photometric = photometricErrors(p.model, views, albedo, await state.faceMeshTriangles());
    const landmarks68 = fit.photos.map((f) => {
      const p = fitLandmarks(tables.points, fit.shape, f);
      return Array.from({ length: 68 }, (_, l) => [round2(p[l * 2]!), round2(p[l * 2 + 1]!)]);
    });
    return { nme: landmarkErrors(tables.points, fit, observations), landmarks68, lights: photometric.lights.map((l) => Array.from(l)), rms: photometric.rms, rmsConstantAlbedo: photometric.rmsConstantAlbedo };
  },
};

const round2 = (v: number) => Math.round(v * 100) / 100;
