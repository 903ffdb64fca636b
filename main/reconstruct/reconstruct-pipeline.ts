import type { JobItem, PhotoSummary } from '../../core/api/contract';
import type { FitInit, FitOptions, FitResult } from '../../core/reconstruct/fit-photos';
import type { StagePhoto } from '../../core/reconstruct/stages/light-albedo-stage';
import { usablePhotos } from '../../core/reconstruct/stages/perceive-stage';
import { pinsForPack } from '../../core/reconstruct/photo-pins';
import type { ComputePool } from '../compute/compute-pool';
import type { AlbedoMaps, FitPinsRequest, FitTables, PackRef } from '../compute/compute-tasks';
import type { ReconstructionOptions, StageOutcome, StoredPhotoFit } from '../library/reconstructions-table';
import { analyzePhotos } from '../perception/analyze-photos';
import type { Project } from '../project/project';
import type { ModelService } from '../services/model-service';
import type { PhotoCache } from '../services/photo-cache';
import { albedoMapsOf, photoFitOf } from './stored-results';
import { checkEncoderInit } from './encoder-init';
import { pinsKey } from './photo-pin-edits';

/** Stored with each result; bump when the fitter's output changes so old results are solved again. */
// 8: skin textures filled over the surface, ICT-FaceKit's skin atlas, eye colours (older albedos are solved again).
// 9: the turned-away jaw contour matched to the silhouette point nearest each detected landmark.
export const FITTER_VERSION = 'coarse-lm-9';

export interface ReconstructOptions extends ReconstructionOptions {
  /** Solve again even when the newest reconstruction covers the same photos with the same options. */
  force: boolean;
  /** The DECA encoder for init 'encoder' (the installed one by default). */
  encoderFile: string | null;
  /** Fitter options (tests use fewer iterations). */
  fit: Partial<Omit<FitOptions, 'shouldStop' | 'init'>>;
  /** Albedo texture size stored with the reconstruction (exports read it back). */
  albedoSize: number;
  /** Photos are worked on at most this size for lighting and albedo (the camera scales with them). */
  maxPhotoSide: number;
}

export const RECONSTRUCT_DEFAULTS: ReconstructOptions = {
  force: false,
  init: 'landmarks',
  refine: true,
  photometric: true,
  lighting: true,
  identity: false,
  encoderFile: null,
  fit: {},
  albedoSize: 1024,
  maxPhotoSide: 2048,
};

/** What the pipeline runs on and reports to (the job's context, the studio's services). */
export interface PipelineContext {
  project: Project;
  pool: ComputePool;
  models: ModelService;
  photos: PhotoCache;
  signal: AbortSignal;
  jobId: number | null;
  /** Progress: total steps (photos analysed + stages), steps done. */
  setTotal(total: number): void;
  step(): void;
  /** A job item: a photo's outcome or a stage's. */
  item(item: JobItem): void;
}

export interface ReconstructSummary {
  reconstructionId: number | null;
  fitted: number;
  reused: number;
  noFace: number;
  failed: number;
  /** Mean NME of the subject's photos with the shared shape (null without fitted photos). */
  meanNme: number | null;
  seconds: number;
  /** Stages that failed (the reconstruction is stored without what they would have added). */
  failedStages: string[];
}

/**
 * Reconstructs one subject on one pack as DECA's coarse stage, one stage after another, each run
 * in the compute workers and recorded as a job item with its seconds:
 * perceive (missing face analyses) → landmark fit (jointly, and each photo alone on the other
 * worker for the shared-shape metric) → photometric refine (with a working albedo of its own) →
 * light/albedo (solved once on the final geometry, stored) → metrics (→ identity). Nothing is stored until every stage has run; a cancelled run stores nothing.
 * A required stage that fails fails the job; a refinement that fails is recorded (stage item and the
 * stored reconstruction's stages) and the job ends failed, with the rest stored.
 *
 * ```ts
 * const summary = await reconstructSubjectPipeline(ctx, subjectId, 'ict-facekit', { identity: false });
 * ```
 */
export async function reconstructSubjectPipeline(ctx: PipelineContext, subjectId: number, packId: string, options: Partial<ReconstructOptions> = {}): Promise<ReconstructSummary> {
  const o = { ...RECONSTRUCT_DEFAULTS, ...options };
  const t0 = performance.now();
  const library = ctx.project.library;
  const photos = library.reads.listPhotos(subjectId);
  const summary: ReconstructSummary = { reconstructionId: null, fitted: 0, reused: 0, noFace: 0, failed: 0, meanNme: null, seconds: 0, failedStages: [] };
  const stages: StageOutcome[] = [];
  const photoItem = (photo: PhotoSummary, outcome: JobItem['outcome'], code: string | null, message: string | null): JobItem => ({ kind: 'photo', name: photo.originalName, outcome, subjectId, photoId: photo.id, code, message, seconds: null });
  // Steps: each photo perceived, then perceive, landmark fit, metrics and storing, and the optional stages.
  const planned = 4 + (o.lighting ? 1 : 0) + (o.lighting && o.photometric ? 1 : 0) + (o.identity ? 1 : 0) + (o.init === 'encoder' ? 1 : 0);
  ctx.setTotal(photos.length + planned);

  /** Runs one stage, recording its outcome; required stages rethrow, refinements return null. */
  async function stage<T>(name: string, required: boolean, work: () => Promise<T>, describe: (r: T) => string | null = () => null): Promise<T | null> {
    const s0 = performance.now();
    try {
      const r = await work();
      const seconds = (performance.now() - s0) / 1000;
      const message = describe(r);
      stages.push({ stage: name, outcome: 'done', seconds, message });
      ctx.item({ kind: 'stage', name, outcome: 'done', subjectId, photoId: null, code: null, message, seconds });
      ctx.step();
      return r;
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      const message = (error as Error).message || String(error);
      const seconds = (performance.now() - s0) / 1000;
      stages.push({ stage: name, outcome: 'failed', seconds, message });
      ctx.item({ kind: 'stage', name, outcome: 'failed', subjectId, photoId: null, code: 'stage-failed', message, seconds });
      ctx.step();
      if (required) throw new Error(`${name} failed: ${message}`);
      summary.failedStages.push(name);
      return null;
    }
  }

  // The pack and its tables load (on a worker) while the photos are perceived (on the inference worker).
  const packP = ctx.models.pack(packId);
  const tablesP = packP.then((p) => ctx.models.tables(p));
  tablesP.catch(() => undefined);

  await stage(
    'perceive',
    true,
    () =>
      analyzePhotos({ project: ctx.project, pool: ctx.pool, photos: ctx.photos, signal: ctx.signal }, photos, {
        onPhoto: (photo, outcome, message) => {
          ctx.step();
          if (outcome === 'failed') {
            summary.failed++;
            ctx.item(photoItem(photo, 'failed', 'unreadable', message));
          }
        },
      }),
    (s) => `${s.analyzed} analysed, ${s.skipped} already analysed${s.failed ? `, ${s.failed} failed` : ''}`,
  );
  ctx.signal.throwIfAborted();

  // Profiles are fitted from their silhouette or their pins, but only beside an ordinary view (their
  // few midline points alone do not make a head); DECA's encoder needs a frontal crop, so an encoder
  // start leaves them out.
  const found = usablePhotos(photos.map((p) => ({ photoId: p.id, analysis: library.faces.get(p.id) ?? null, pins: pinsForPack(library.pins.current(p.id), packId) })));
  const profilesOnly = !found.usable.some((u) => !u.profile);
  const usable = o.init === 'encoder' || profilesOnly ? found.usable.filter((u) => !u.profile) : found.usable;
  const why = o.init === 'encoder' ? 'the DECA encoder start needs frontal faces (reconstruct with --init landmarks to fit it)' : 'a profile joins a fit only beside a frontal or 3/4 photo of the person';
  // Such a profile is usable (its silhouette was read, or it is pinned): the message says how it would be fitted.
  const seen = (u: (typeof found.usable)[number]) => (u.profile === 'pins' ? 'a profile fitted from its pins' : 'a profile read off its silhouette');
  const rejected = [
    ...found.rejected,
    ...found.usable.filter((u) => !usable.includes(u)).map((u) => ({ photoId: u.photoId, code: 'no-usable-face' as const, message: `${seen(u)}, left out: ${why}` })),
  ];
  const byId = new Map(photos.map((p) => [p.id, p]));
  for (const r of rejected) {
    if (r.code === 'not-analyzed') continue; // already reported as failed
    summary.noFace++;
    ctx.item(photoItem(byId.get(r.photoId)!, 'skipped', r.code, r.message));
  }
  if (usable.length === 0) {
    throw new Error(photos.length ? `None of the subject's ${photos.length} photos has a usable face (${[...new Set(rejected.map((r) => r.message))].join('; ')})` : 'The subject has no photos');
  }
  const ids = usable.map((u) => u.photoId).sort((a, b) => a - b);
  const pack = await packP;
  // The artist's pins join the fit; a reconstruction made with other pins (or none) is not reused.
  const pinLists = usable.map((u) => pinsForPack(library.pins.current(u.photoId), packId));
  // Profiles' silhouette curves are joined to the fit points with the pins (by the same request).
  const curves = usable.some((u) => u.observation.silhouette);
  const pins: FitPinsRequest | null = pinLists.some((l) => l.length) || curves ? { pack, lists: pinLists.map((l) => (l.length ? l : null)) } : null;
  const wanted: ReconstructionOptions = { init: o.init, refine: o.refine, photometric: o.photometric && o.lighting && usable.length > 1, lighting: o.lighting, identity: o.identity, pins: pinsKey(usable.map((u) => u.photoId), pinLists) };
  const latest = library.reconstructions.latestForSubject(subjectId, packId);
  if (!o.force && latest && latest.fitter === FITTER_VERSION && latest.packHash === pack.key && sameIds(latest.photoIds, ids) && sameOptions(latest.options, wanted) && sameAlbedoSize(library, latest.id, o) && analysedBefore(library, ids, latest.createdAt)) {
    summary.reused = usable.length;
    summary.reconstructionId = latest.id;
    const fits = library.reconstructions.fitsOf(latest.id);
    summary.meanNme = mean(fits.map((f) => f.metrics.nme));
    for (const u of usable) ctx.item(photoItem(byId.get(u.photoId)!, 'skipped', 'reused', 'reused: solved before with the same photos and options'));
    summary.seconds = (performance.now() - t0) / 1000;
    // Nothing more to do: the job is complete at what was done.
    ctx.setTotal(photos.length + 1);
    return summary;
  }
  const tables = await tablesP;
  const observations = usable.map((u) => u.observation);

  const enc =
    o.init === 'encoder'
      ? await stage('encoder-init', true, async () => {
          const file = o.encoderFile!;
          checkEncoderInit(pack.model, file);
          const crops = await Promise.all(
            usable.map(async (u) => {
              if (!u.face.decaCrop) throw new Error(`${byId.get(u.photoId)!.originalName}: the face analysis has no DECA crop (analyse the photo again)`);
              return { image: (await ctx.photos.get(ctx.project, byId.get(u.photoId)!, null, ctx.signal)).image, toCrop: u.face.decaCrop.toCrop };
            }),
          );
          return ctx.pool.run('deca.encode', { pack, encoderFile: file, crops }, { lane: 'inference', signal: ctx.signal });
        })
      : null;
  const fitOptions: Partial<FitOptions> = { ...o.fit, ...(enc && !o.refine ? { rigidIterations: 0, fullIterations: 0 } : {}) };
  // Only the pins changed since the stored fit: start from it (a pin moves the head a little; a
  // cold start takes ~1.7× the Levenberg–Marquardt work and may settle in another minimum).
  const pinsOnly = !enc && !!latest && latest.fitter === FITTER_VERSION && latest.packHash === pack.key && sameIds(latest.photoIds, ids) && (latest.options.pins ?? '') !== wanted.pins && sameOptions({ ...latest.options, pins: wanted.pins }, wanted);
  const jointInit: FitInit | null = enc ? { shape: meanShape(enc.map((e) => e.shape), pack.model.shape.count), photos: enc.map((e) => e.fit) } : pinsOnly ? storedInit(library, latest!.id, usable.map((u) => u.photoId), latest!.shape) : null;

  // Each photo alone runs on the other worker while the joint fit and the photometric stages run;
  // it is stopped when a stage before the metrics fails.
  const alone = new AbortController();
  const stopAlone = () => alone.abort();
  ctx.signal.addEventListener('abort', stopAlone, { once: true });
  const aloneP =
    usable.length === 1
      ? null
      : ctx.pool.run('fit.alone', { tables, observations, inits: enc ? enc.map((e) => ({ shape: e.shape, photos: [e.fit] })) : null, options: fitOptions, pins }, { signal: alone.signal });
  aloneP?.catch(() => undefined);
  try {
    return await finishPipeline();
  } finally {
    stopAlone();
    ctx.signal.removeEventListener('abort', stopAlone);
  }

  async function finishPipeline(): Promise<ReconstructSummary> {
    const pinCount = pinLists.reduce((n, l) => n + l.length, 0);
    const joint = (await stage(
      'landmark-fit',
      true,
      () => ctx.pool.run('fit.joint', { tables, observations, init: jointInit, options: fitOptions, pins }, { signal: ctx.signal }),
      (r) => `${usable.length} photos${pinCount ? `, ${pinCount} pins` : ''}, ${r.iterations} iterations`,
    ))!;

    // The photometric stages work on the photos decoded at most maxPhotoSide (decoded once, cached).
    const decoded = o.lighting ? await Promise.all(usable.map((u) => ctx.photos.get(ctx.project, byId.get(u.photoId)!, o.maxPhotoSide, ctx.signal))) : [];
    const stagePhotos = (fit: FitResult): StagePhoto[] => decoded.map((d, i) => ({ image: d.image, k: d.k, fit: fit.photos[i]!, meshPoints: usable[i]!.observation.mesh ?? null }));
    let final: FitResult = joint;
    if (wanted.photometric) {
      const refined = await stage(
        'photometric-refine',
        false,
        () => ctx.pool.run('fit.photometric', { pack, tables, observations, photos: stagePhotos(joint), start: joint, options: fitOptions, pins }, { signal: ctx.signal }),
        (r) => `${r.iterations} iterations`,
      );
      if (refined) final = refined;
    }
    // Lighting and the albedo are solved once, on the final geometry, and stored: export and the viewer read them back.
    const lightAlbedo = o.lighting
      ? await stage('light-albedo', true, () => solveLightAlbedo(ctx, pack, final, stagePhotos(final), o.albedoSize), (r) => `albedo ${o.albedoSize}², ${(r.coverage * 100).toFixed(0)} % of the texture seen, photometric RMS ${mean(r.rms).toFixed(4)}`)
      : null;

    const metrics = (await stage(
      'metrics',
      true,
      async () => {
        const [m, alone] = await Promise.all([ctx.pool.run('fit.metrics', { tables, observations, fit: final, pins }, { signal: ctx.signal }), aloneP]);
        return { ...m, nmeSingle: alone ? alone.nme : m.nme };
      },
      (r) => `mean NME ${mean(r.nme).toFixed(4)}, alone ${mean(r.nmeSingle).toFixed(4)}`,
    ))!;

    const identity =
      o.identity && lightAlbedo
        ? await stage(
            'identity',
            false,
            () =>
              ctx.pool.run(
                'fit.identity',
                {
                  pack,
                  shape: Array.from(final.shape),
                  photos: stagePhotos(final).map((p, i) => ({ ...p, light: lightAlbedo!.lights[i]!, box: usable[i]!.face.box, embedding: usable[i]!.face.embedding ?? [] })),
                  albedo: lightAlbedo!,
                },
                { lane: 'inference', signal: ctx.signal },
              ),
            (d) => `${d.filter((x) => x !== null && x < 0.6).length} of ${d.length} renders recognised as the person`,
          )
        : null;
    ctx.signal.throwIfAborted();

    const seconds = (performance.now() - t0) / 1000;
    const fits: Omit<StoredPhotoFit, 'reconstructionId'>[] = usable.map((u, i) => {
      const f = final.photos[i]!;
      return {
        photoId: u.photoId,
        faceIndex: u.faceIndex,
        fit: {
          rotation: f.rotation.map(round6),
          jaw: f.jaw.map(round6),
          expression: Array.from(f.expression, round6),
          camera: f.camera,
          modelLandmarks68: metrics.landmarks68[i]!,
          ...(lightAlbedo ? { light: lightAlbedo.lights[i]!.map(round6) } : {}),
          ...(enc ? { encoderLight: Array.from(enc[i]!.light, round6) } : {}),
        },
        metrics: {
          nme: metrics.nme[i]!,
          nmeSingle: metrics.nmeSingle[i]!,
          secondsPerPhoto: seconds / usable.length,
          ...(lightAlbedo ? { photometricRms: lightAlbedo.rms[i]!, photometricRmsConstantAlbedo: lightAlbedo.rmsConstantAlbedo[i]! } : {}),
          ...(identity && identity[i] !== null ? { identityDistance: identity[i]! } : {}),
        },
      };
    });
    const maps = lightAlbedo ? await albedoMapsOf(lightAlbedo, ids) : [];
    const recId = library.transaction(() => {
      const id = library.reconstructions.save(
        { subjectId, packId, packHash: pack.key, fitter: FITTER_VERSION, options: wanted, shape: Array.from(final.shape, round6), photoIds: ids, stages, jobId: ctx.jobId },
        fits,
      );
      for (const m of maps) library.maps.put({ ...m, reconstructionId: id });
      return id;
    });
    ctx.step();
    for (let i = 0; i < usable.length; i++) {
      const u = usable[i]!;
      ctx.item(photoItem(byId.get(u.photoId)!, 'done', null, `NME ${metrics.nme[i]!.toFixed(4)} (alone ${metrics.nmeSingle[i]!.toFixed(4)})`));
    }
    summary.reconstructionId = recId;
    summary.fitted = usable.length;
    summary.meanNme = mean(metrics.nme);
    summary.seconds = (performance.now() - t0) / 1000;
    return summary;
  }
}

/** The light/albedo stage's task, with its lights as plain arrays. */
function solveLightAlbedo(ctx: PipelineContext, pack: PackRef, fit: FitResult, photos: StagePhoto[], size: number): Promise<AlbedoMaps & { lights: number[][]; rms: number[]; rmsConstantAlbedo: number[] }> {
  return ctx.pool.run('light.albedo', { pack, shape: Array.from(fit.shape), photos, options: { size } }, { signal: ctx.signal });
}

function meanShape(shapes: readonly ArrayLike<number>[], count: number): Float64Array {
  const out = new Float64Array(count);
  for (const s of shapes) for (let k = 0; k < count; k++) out[k] += (s[k] ?? 0) / shapes.length;
  return out;
}

/** A stored reconstruction as a fit's start, its photos in `photoIds` order (null if one is missing). */
function storedInit(library: Project['library'], reconstructionId: number, photoIds: readonly number[], shape: readonly number[]): FitInit | null {
  const fits = new Map(library.reconstructions.fitsOf(reconstructionId).map((f) => [f.photoId, f]));
  const photos = photoIds.map((id) => fits.get(id));
  return photos.every((f) => f) ? { shape, photos: photos.map((f) => photoFitOf(f!)) } : null;
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;
const mean = (a: readonly number[]) => a.reduce((s, x) => s + x, 0) / a.length;
const sameIds = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);
/** A reconstruction with lighting is reused only when its stored albedo has the texture size asked for. */
const sameAlbedoSize = (library: Project['library'], id: number, o: ReconstructOptions) => !o.lighting || (library.maps.get(id, 'albedo')?.width ?? o.albedoSize) === o.albedoSize;

/** A reconstruction is reused only when none of its photos was analysed again since (a newer analyzer: other landmarks). */
const analysedBefore = (library: Project['library'], ids: readonly number[], createdAt: string) => ids.every((id) => (library.faces.get(id)?.analyzedAt ?? '') <= createdAt);

const sameOptions = (a: Partial<ReconstructionOptions>, b: ReconstructionOptions) =>
  (a.pins ?? '') === (b.pins ?? '') &&
  (a.init ?? 'landmarks') === b.init && (b.init !== 'encoder' || a.refine === b.refine) && a.photometric === b.photometric && a.lighting === b.lighting && (!b.identity || a.identity === true);

export type { FitTables };

