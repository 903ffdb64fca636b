import type { PhotoObservation } from '../../core/reconstruct/fit-photos';
import { buildFitPoints, type FitPoints } from '../../core/reconstruct/fit-points';
import { pinnedFitInputs } from '../../core/reconstruct/fit-pin-points';
import { profileContourInputs } from '../../core/reconstruct/profile-contour';
import { pinRefitStage } from '../../core/reconstruct/stages/pin-refit-stage';
import { opaqueTriangles } from '../../core/geometry/opaque-triangles';
import { pickSurface } from '../../core/geometry/pick-surface';
import { poseHead } from '../../core/geometry/pose-head';
import { aloneFitStage, landmarkFitStage } from '../../core/reconstruct/stages/landmark-fit-stage';
import { lightAlbedoStage, poseViews } from '../../core/reconstruct/stages/light-albedo-stage';
import { landmarkMetrics } from '../../core/reconstruct/stages/metrics-stage';
import { photometricPoints, photometricRefineStage } from '../../core/reconstruct/stages/photometric-refine-stage';
import { toShared } from './shared-data';
import type { ComputeTasks, FitPinsRequest, TaskName } from './compute-tasks';
import type { TaskContext } from './task-context';
import type { WorkerState } from './worker-state';
import { readModelSource } from '../packs/import-model-source';
import { PackStore } from '../packs/pack-store';

type Handlers = { [K in TaskName]?: (req: ComputeTasks[K]['req'], ctx: TaskContext, state: WorkerState) => Promise<ComputeTasks[K]['res']> | ComputeTasks[K]['res'] };

/**
 * The reconstruction stages as worker tasks: thin adapters from messages to the pure stage
 * functions in core/reconstruct/stages (the orchestrator in main/reconstruct decides what runs
 * where and records each stage's outcome).
 */
export const FIT_TASKS: Handlers = {
  'pack.install': async ({ packsDir, source, ...extras }, ctx) => {
    const model = await readModelSource(source, { ...extras, onProgress: (f) => ctx.progress(f) });
    ctx.throwIfStopped();
    await new PackStore(packsDir).save(model);
    return { id: model.id, name: model.name };
  },

  'pack.tables': ({ pack }) => {
    const points = buildFitPoints(pack.model);
    // The photometric points share the landmark points' Gram tables (one copy in shared memory).
    return toShared({ points, photometric: photometricPoints(pack.model, undefined, points) });
  },

  'fit.joint': ({ tables, observations, init, options, pins }, ctx) => {
    const p = withPins(tables.points, observations, pins);
    const fit = landmarkFitStage(p.points, p.observations, init, { fit: options, shouldStop: ctx.shouldStop, onIteration: (n) => ctx.progress(n) });
    ctx.throwIfStopped();
    return fit;
  },

  'fit.alone': ({ tables, observations, inits, options, pins }, ctx) => {
    const p = withPins(tables.points, observations, pins);
    const fits = aloneFitStage(p.points, p.observations, inits, { fit: options, shouldStop: ctx.shouldStop });
    ctx.throwIfStopped();
    return { fits, nme: fits.map((f, i) => landmarkMetrics(tables.points, f, [p.observations[i]!]).nme[0]!) };
  },

  'fit.refit': ({ pack, tables, observation, pins, shape, start, options }) => pinRefitStage(pack.model, tables.points, observation, pins, shape, start, options),

  'fit.pick': ({ pack, shape, fit, width, height, x, y }, _ctx, state) => {
    const { model, evaluator } = state.pack(pack);
    const { vertices } = poseHead(evaluator, model, shape, fit);
    return pickSurface(vertices, model.triangles, fit.camera, width, height, x, y, { triangleMask: opaqueTriangles(model.triangles, model.regions.overlays) });
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

  'fit.photometric': async ({ pack, tables, observations, photos, start, options, pins }, ctx, state) => {
    const p = state.pack(pack);
    if (!tables.photometric) throw new Error(`Head model ${pack.model.id} has no UVs: the photometric term needs its texture layout`);
    const views = poseViews(p.model, p.evaluator, start.shape, photos);
    const pinned = withPins(tables.photometric.points, observations, pins);
    const fit = photometricRefineStage(p.model, { ...tables.photometric, points: pinned.points }, pinned.observations, views, photos.map((q) => q.k), await state.faceMeshTriangles(), start, { fit: options, shouldStop: ctx.shouldStop });
    ctx.throwIfStopped();
    return fit;
  },

  'fit.metrics': ({ tables, observations, fit, pins }) => landmarkMetrics(tables.points, fit, withPins(tables.points, observations, pins).observations),
};

/** The fit's points and observations with the subject's pins joined (as they are without pins). */
function withPins(points: FitPoints, observations: PhotoObservation[], pins: FitPinsRequest | null | undefined): { points: FitPoints; observations: PhotoObservation[] } {
  if (!pins) return { points, observations };
  // Profiles' silhouette curves join the same way (the request comes with no pins then).
  const p = pinnedFitInputs(pins.pack.model, points, observations, pins.lists);
  return profileContourInputs(pins.pack.model, p.points, p.observations);
}
