import { buildFitPoints } from '../../core/reconstruct/fit-points';
import { aloneFitStage, landmarkFitStage } from '../../core/reconstruct/stages/landmark-fit-stage';
import { lightAlbedoStage, poseViews } from '../../core/reconstruct/stages/light-albedo-stage';
import { landmarkMetrics } from '../../core/reconstruct/stages/metrics-stage';
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
  'pack.tables': ({ pack }) => {
    const points = buildFitPoints(pack.model);
    // The photometric points share the landmark points' Gram tables (one copy in shared memory).
    return toShared({ points, photometric: photometricPoints(pack.model, undefined, points) });
  },

  'fit.joint': ({ tables, observations, init, options }, ctx) => {
    const fit = landmarkFitStage(tables.points, observations, init, { fit: options, shouldStop: ctx.shouldStop, onIteration: (n) => ctx.progress(n) });
    ctx.throwIfStopped();
    return fit;
  },

  'fit.alone': ({ tables, observations, inits, options }, ctx) => {
    const fits = aloneFitStage(tables.points, observations, inits, { fit: options, shouldStop: ctx.shouldStop });
    ctx.throwIfStopped();
    return { fits, nme: fits.map((f, i) => landmarkMetrics(tables.points, f, [observations[i]!]).nme[0]!) };
  },

  'light.albedo': async ({ pack, shape, photos, options }, _ctx, state) => {
    const p = state.pack(pack);
    const views = poseViews(p.model, p.evaluator, shape, photos);
    const r = lightAlbedoStage(p.model, views, await state.faceMeshTriangles(), options);
    return {
      texture: r.albedo,
      vertexAlbedo: r.vertexAlbedo,
      coverage: r.coverage,
      eyes: r.eyes,
      lights: r.lights.map((l) => Array.from(l)),
      rms: r.rms,
      rmsConstantAlbedo: r.rmsConstantAlbedo,
    };
  },

  'fit.photometric': async ({ pack, tables, observations, photos, start, options }, ctx, state) => {
    const p = state.pack(pack);
    if (!tables.photometric) throw new Error(`Head model ${pack.model.id} has no UVs: the photometric term needs its texture layout`);
    const views = poseViews(p.model, p.evaluator, start.shape, photos);
    const fit = photometricRefineStage(p.model, tables.photometric, observations, views, photos.map((q) => q.k), await state.faceMeshTriangles(), start, { fit: options, shouldStop: ctx.shouldStop });
    ctx.throwIfStopped();
    return fit;
  },

  'fit.metrics': ({ tables, observations, fit }) => landmarkMetrics(tables.points, fit, observations),
};
