import { detailMapSize } from '../../core/detail/detail-map-size';
import { ApiError } from '../../core/api/api-error';
import type { DetailPhoto, DetailStageOptions } from '../../core/detail/detail-stage';
import { observationOf } from '../../core/reconstruct/stages/perceive-stage';
import type { PhotoFitMetrics } from '../library/reconstructions-table';
import { reconstructSubjectPipeline, type PipelineContext, type ReconstructOptions } from '../reconstruct/reconstruct-pipeline';
import { photoFitOf, storedAlbedo } from '../reconstruct/stored-results';
import { installedDetailDir } from '../deca/detail-store';
import { decaDetailStage } from './deca-detail-stage';
import { detailNetworksStamp, resolveDetailMethod } from './detail-method';
import { DETAIL_VERSIONS, detailMapsOf, detailMethodOf, loadDetail, peopleDetail, type DetailMeta, type DetailMethod } from './stored-detail';

export interface DetailOptions {
  /** Texels per side of the detail maps (256, as DECA's; 512 for finer detail at 4× the solve time). */
  size: 256 | 512;
  /** Solve again even when the reconstruction already has detail from this version of the stage. */
  force: boolean;
  /** Options of the coarse reconstruction run (or reused) first. */
  reconstruct: Partial<ReconstructOptions>;
  /** Solver options (tests use fewer iterations). */
  solve: Partial<Omit<DetailStageOptions, 'shouldStop'>>;
  /** Photos are worked on at most this size (as the coarse stage's lighting). */
  maxPhotoSide: number;
  /**
   * 'fitted': the studio's detail solve and decoder; 'deca': DECA's own detail networks (E_detail's
   * codes through D_detail); undefined: DECA's where it can run (see `resolveDetailMethod`), else fitted.
   */
  method: DetailMethod | undefined;
  /** Where DECA's detail networks are installed (`detail install`). */
  detailDir: string;
}

export const DETAIL_DEFAULTS: DetailOptions = { size: 256, force: false, reconstruct: {}, solve: {}, maxPhotoSide: 2048, method: undefined, detailDir: '' };

export interface DetailSummary {
  reconstructionId: number;
  /** False when the reconstruction's stored detail was reused. */
  solved: boolean;
  photos: number;
  /** Means over the photos of the photometric RMS, coarse and with each photo's own detail. */
  rmsCoarse: number;
  rmsDetail: number;
  codeLength: number;
  /** How the detail was made. */
  method: DetailMethod;
  seconds: number;
}

/**
 * DECA's detail stage for one subject on one pack, after the coarse one (run, or reused when it is
 * current). The fitted method: the joint solve of the subject's photos under their solved lights and
 * albedo, the pack's decoder learned again from every person solved on it, each photo's code. The
 * DECA method (see `decaDetailStage`): DECA's own E_detail and D_detail. Either way the maps are
 * stored with the reconstruction (static detail, region, wrinkle maps per expression group) and each
 * photo's coarse and detailed photometric error in its metrics. Nothing is stored when cancelled.
 *
 * ```ts
 * const summary = await detailSubjectPipeline(ctx, subjectId, 'ict-facekit', { size: 256 });
 * ```
 */
export async function detailSubjectPipeline(ctx: PipelineContext, subjectId: number, packId: string, options: Partial<DetailOptions> = {}): Promise<DetailSummary> {
  const o = { ...DETAIL_DEFAULTS, ...options };
  if (o.size !== 256 && o.size !== 512) throw new ApiError('bad-request', `Detail maps are 256 or 512 texels a side, not ${String(o.size)}`);
  const t0 = performance.now();
  // The method first: a DECA method that cannot run on the pack fails before the coarse stage.
  const packModel = (await ctx.models.pack(packId)).model;
  const chosen = await resolveDetailMethod(o.method, packModel, o.size, o.detailDir || installedDetailDir());
  // The maps' side keeps the face's texel density on a skin atlas (256 → 320 on ICT-FaceKit's).
  const mapSize = detailMapSize(packModel, o.size);
  const method = chosen.method;
  const networks = chosen.method === 'deca' ? await detailNetworksStamp(chosen.install) : undefined;
  // The coarse pipeline's steps plus this stage's: solve and store.
  let coarseTotal = 0;
  const coarse = await reconstructSubjectPipeline({ ...ctx, setTotal: (n) => ctx.setTotal((coarseTotal = n) + 2) }, subjectId, packId, o.reconstruct);
  ctx.signal.throwIfAborted();
  const library = ctx.project.library;
  const rec = library.reconstructions.get(coarse.reconstructionId!)!;
  const fits = library.reconstructions.fitsOf(rec.id);
  const existing = loadDetail(ctx.project, rec.id);
  const mean = (a: readonly number[]) => a.reduce((s, x) => s + x, 0) / a.length;
  const stageItem = (outcome: 'done' | 'skipped' | 'failed', message: string, seconds: number | null) =>
    ctx.item({ kind: 'stage', name: 'detail', outcome, subjectId, photoId: null, code: outcome === 'failed' ? 'stage-failed' : outcome === 'skipped' ? 'reused' : null, message, seconds });
  if (existing && existing.meta.size === mapSize && detailMethodOf(existing.meta) === method && existing.meta.networks === networks && !o.force) {
    const m = fits.map((f) => f.metrics.detail);
    stageItem('skipped', `reused: the reconstruction already has ${method} detail from this version of the stage`, null);
    ctx.setTotal(coarseTotal + 1);
    ctx.step();
    return {
      reconstructionId: rec.id,
      solved: false,
      photos: fits.length,
      rmsCoarse: mean(m.map((x) => x?.photometricRmsCoarse ?? NaN)),
      rmsDetail: mean(m.map((x) => x?.photometricRmsDetail ?? NaN)),
      codeLength: existing.meta.codeLength,
      method,
      seconds: (performance.now() - t0) / 1000,
    };
  }
  const albedo = await storedAlbedo(ctx.project, rec.id);
  if (!albedo?.texture || fits.some((f) => !f.fit.light)) {
    throw new ApiError('bad-request', 'The detail stage needs the reconstruction’s lighting and albedo: reconstruct with lighting (without --no-lighting) first');
  }
  const s0 = performance.now();
  try {
    const pack = await ctx.models.pack(packId);
    const sources = fits.map((f) => {
      const summary = library.reads.getPhoto(f.photoId);
      if (!summary) throw new Error(`Photo ${f.photoId} of the reconstruction is no longer in the project: reconstruct again`);
      return { fit: f, summary, face: library.faces.get(f.photoId)?.faces[f.faceIndex] };
    });
    const photos: DetailPhoto[] = await Promise.all(
      sources.map(async ({ fit: f, summary, face }) => {
        const decoded = await ctx.photos.get(ctx.project, summary, o.maxPhotoSide, ctx.signal);
        return { image: decoded.image, k: decoded.k, fit: photoFitOf(f), light: f.fit.light!, meshPoints: (face && observationOf(face)?.mesh) ?? null };
      }),
    );
    const others = method === 'fitted' ? peopleDetail(ctx.project, packId, mapSize, subjectId) : [];
    const r =
      chosen.method === 'deca'
        ? await decaDetailStage(ctx, {
            pack,
            detailDir: chosen.detailDir,
            shape: rec.shape,
            albedo: albedo.texture,
            photos: sources.map(({ fit: f, summary, face }, i) => ({
              photoId: f.photoId,
              name: summary.originalName,
              fit: photos[i]!.fit,
              toCrop: face?.decaCrop?.toCrop ?? null,
              fullImage: async () => (await ctx.photos.get(ctx.project, summary, null, ctx.signal)).image,
              measured: photos[i]!,
            })),
          })
        : await ctx.pool.run(
            'detail.solve',
            { pack, size: mapSize, shape: rec.shape, photos, albedo: albedo.texture, others: others.map((p) => p.detail.stored), options: o.solve },
            { signal: ctx.signal },
          );
    ctx.step();
    const seconds = (performance.now() - s0) / 1000;
    const meta: DetailMeta = {
      version: DETAIL_VERSIONS[method],
      method,
      ...(networks ? { networks } : {}),
      size: mapSize,
      groups: r.groups,
      evidence: r.evidence,
      codes: Object.fromEntries(fits.map((f, i) => [String(f.photoId), r.codes[i]!.map(round6)])),
      subjectCode: r.subjectCode.map(round6),
      codeLength: r.codeLength,
      iterations: r.iterations,
      seconds,
    };
    ctx.signal.throwIfAborted();
    library.transaction(() => {
      for (const m of detailMapsOf(r, meta)) library.maps.put({ ...m, reconstructionId: rec.id });
      library.reconstructions.addMetrics(
        rec.id,
        new Map<number, Partial<PhotoFitMetrics>>(fits.map((f, i) => [f.photoId, { detail: { photometricRmsCoarse: r.rmsCoarse[i]!, photometricRmsDetail: r.rmsDetail[i]! } }])),
      );
    });
    ctx.step();
    const summary: DetailSummary = { reconstructionId: rec.id, solved: true, photos: fits.length, rmsCoarse: mean(r.rmsCoarse), rmsDetail: mean(r.rmsDetail), codeLength: r.codeLength, method, seconds: (performance.now() - t0) / 1000 };
    const source = method === 'deca' ? "DECA's detail networks" : `${others.length + 1} ${others.length ? 'people' : 'person'} on the pack at this size`;
    stageItem('done', `${fits.length} photos at ${mapSize}², photometric RMS ${summary.rmsCoarse.toFixed(4)} coarse → ${summary.rmsDetail.toFixed(4)} with detail; code length ${r.codeLength} (${source})`, seconds);
    return summary;
  } catch (error) {
    if (!ctx.signal.aborted) stageItem('failed', (error as Error).message, (performance.now() - s0) / 1000);
    throw error;
  }
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;
