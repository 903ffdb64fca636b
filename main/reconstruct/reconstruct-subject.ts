import sharp from 'sharp';
import type { HeadModel } from '../../core/head-model/head-model';
import { HeadModelEvaluator } from '../../core/head-model/head-model-evaluator';
import { normalizedLandmarkError } from '../../core/reconstruct/fit-metrics';
import { fitLandmarks, fitPhotosStepwise, type FitOptions, type FitResult, type PhotoObservation } from '../../core/reconstruct/fit-photos';
import { buildFitPoints, type FitPoints } from '../../core/reconstruct/fit-points';
import { saveSubjectAlbedo } from './albedo-store';
import { addPhotometricResults, type FittedRow } from './photometric-results';
import { photometricPoints, refinePhotometric, type PhotometricPoints } from './photometric-refine';
import { fittedPhotoOf } from './subject-light-albedo';
import { analyzePhotos, ANALYZER_VERSION } from '../perception/analyze-photos';
import type { FaceAnalyzer } from '../perception/face-analyzer';
import type { FaceJson } from '../perception/face-json';
import { analyzedPhotoIds, getFaceAnalysis } from '../perception/face-store';
import type { Project } from '../project/project';
import { encoderInit, type ReconstructInit } from './encoder-init';
import { getReconstruction, saveReconstructions, type ReconstructionMetrics, type ReconstructionParameters } from './reconstruction-store';

/** Stored with each result; bump when the fitter's output changes so old results are solved again. */
export const FITTER_VERSION = 'coarse-lm-6';

/** Size of the albedo texture solved and stored with a reconstruction (exports bake their own size). */
const ALBEDO_SIZE = 512;

/** A head model with its fitter point set (built once per pack and reused across subjects). */
export interface FitModel {
  model: HeadModel;
  points: FitPoints;
  /** Fit points with the photometric block, built on first use (null: the pack has no UVs). */
  photometric?: PhotometricPoints | null;
  /** Full evaluator (lighting), created on first use: it copies the bases once. */
  evaluator?: HeadModelEvaluator;
}

/**
 * Restricts a loaded pack to what the fitter needs.
 *
 * ```ts
 * const fm = fitModelOf(await packs.load('ict-facekit'));
 * ```
 */
export function fitModelOf(model: HeadModel): FitModel {
  return { model, points: buildFitPoints(model) };
}

export type ReconstructOutcome = 'fitted' | 'reused' | 'no-face' | 'failed';

export interface ReconstructSubjectOptions {
  /** Solve again even when stored results from this fitter cover the same photos. */
  force?: boolean;
  signal?: AbortSignal;
  fit?: Partial<FitOptions>;
  /** Estimate SH lighting per photo (decodes each photo once); default true. */
  lighting?: boolean;
  /** Refine the joint fit with DECA's photometric term (photos ≥ 2, lighting on); default true. */
  photometric?: boolean;
  /** Measure the identity distance of the rendered head (the recognition net on a render, ~1 s a photo); default false. */
  identity?: boolean;
  /** Start from the fitter's rigid guess ('landmarks', default) or from DECA's coarse encoder on each photo ('encoder'). */
  init?: ReconstructInit;
  /** Refine the start by fitting (default true); false stores the encoder's start as it is. */
  refine?: boolean;
  /** The encoder for init 'encoder'; the installed one by default. */
  encoderFile?: string;
  onTotal?: (total: number) => void;
  onPhoto?: (photoId: number, outcome: ReconstructOutcome, message: string | null) => void;
}

export interface ReconstructSummary {
  fitted: number;
  reused: number;
  noFace: number;
  failed: number;
  /** Mean NME of the subject's photos with the shared shape (null without fitted photos). */
  meanNme: number | null;
  seconds: number;
}

/** The fitter's view of a stored face: flat landmark and mesh pixels, and its yaw. */
export function observationOf(face: FaceJson): PhotoObservation | null {
  if (face.status !== 'ok' || !face.landmarks68 || face.landmarks68.length !== 68) return null;
  return {
    landmarks: Float64Array.from(face.landmarks68.flatMap((p) => [p[0]!, p[1]!])),
    mesh: face.mesh468 && face.mesh468.length === 468 ? Float64Array.from(face.mesh468.flatMap((p) => [p[0]!, p[1]!])) : null,
    yawDeg: face.pose?.yaw ?? 0,
  };
}

/**
 * Reconstructs one subject on one pack: analyses photos that have no stored analysis, fits all
 * usable photos jointly (one β) and each alone (for the shared-shape metric), and stores
 * parameters and metrics per photo. Results from this fitter over the same photo set are reused.
 *
 * ```ts
 * const summary = await reconstructSubject(project, () => studio.faceAnalyzer(), fitModel, subjectId, { signal });
 * ```
 */
export async function reconstructSubject(project: Project, analyzer: () => FaceAnalyzer, fm: FitModel, subjectId: number, options: ReconstructSubjectOptions = {}): Promise<ReconstructSummary> {
  const db = project.library.db;
  const photos = project.library.reads.listPhotos(subjectId);
  options.onTotal?.(photos.length);
  const summary: ReconstructSummary = { fitted: 0, reused: 0, noFace: 0, failed: 0, meanNme: null, seconds: 0 };
  const analysed = analyzedPhotoIds(db, ANALYZER_VERSION);
  if (photos.some((p) => !analysed.has(p.id))) {
    await analyzePhotos(project, analyzer(), { subjectId, signal: options.signal, onPhoto: (id, outcome, message) => outcome === 'failed' && (summary.failed++, options.onPhoto?.(id, 'failed', message)) });
  }
  if (options.signal?.aborted) return summary;
  const usable: { photoId: number; faceIndex: number; obs: PhotoObservation; face: FaceJson }[] = [];
  for (const photo of photos) {
    const stored = getFaceAnalysis(db, photo.id);
    if (!stored) continue; // failed analysis, already reported
    const face = stored.selectedFace === null ? null : stored.faces[stored.selectedFace];
    const obs = face ? observationOf(face) : null;
    if (!obs) {
      summary.noFace++;
      options.onPhoto?.(photo.id, 'no-face', stored.faces.length ? `no usable face (${stored.faces.map((f) => f.status).join(', ')})` : 'no face found');
      continue;
    }
    usable.push({ photoId: photo.id, faceIndex: stored.selectedFace!, obs, face: face! });
  }
  if (usable.length === 0) return summary;
  const ids = usable.map((u) => u.photoId).sort((a, b) => a - b);
  const packId = fm.model.id;
  const previous = usable.map((u) => getReconstruction(db, u.photoId, packId));
  if (!options.force && previous.every((r) => r && r.parameters.fitter === FITTER_VERSION && sameIds(r.parameters.jointPhotoIds, ids) && sameStart(r.parameters, options))) {
    summary.reused = usable.length;
    summary.meanNme = mean(previous.map((r) => r!.metrics.nme));
    for (const u of usable) options.onPhoto?.(u.photoId, 'reused', null);
    return summary;
  }
  const shouldStop = () => options.signal?.aborted === true;
  const t0 = performance.now();
  const enc = options.init === 'encoder' ? await encoderInit(project, fm.model, usable, { encoderFile: options.encoderFile, signal: options.signal }) : null;
  if (shouldStop()) return summary;
  // No refinement = no iterations: the fitter returns its start value for value.
  const fit: Partial<FitOptions> = { ...options.fit, ...(enc && options.refine === false ? { rigidIterations: 0, fullIterations: 0 } : {}), shouldStop };
  const landmarkFit = await runFit(fitPhotosStepwise(fm.points, usable.map((u) => u.obs), { ...fit, init: enc?.joint ?? null }));
  if (shouldStop()) return summary;
  const refine = photometricRefinement(options) && usable.length > 1;
  const pp = refine ? (fm.photometric ??= photometricPoints(fm.model, undefined, fm.points)) : null;
  const joint = pp
    ? await refinePhotometric(fm.model, (fm.evaluator ??= new HeadModelEvaluator(fm.model)), pp, usable.map((u) => u.obs), usable.map((u, i) => fittedPhotoOf(project, u.photoId, u.face, landmarkFit.shape, landmarkFit.photos[i]!)!), landmarkFit, runFit, { fit }).catch(() => landmarkFit)
    : landmarkFit;
  const seconds = (performance.now() - t0) / 1000;
  const rows: FittedRow[] = [];
  for (let i = 0; i < usable.length; i++) {
    if (shouldStop()) return summary;
    const u = usable[i]!;
    const photoFit = joint.photos[i]!;
    const nme = normalizedLandmarkError(fitLandmarks(fm.points, joint.shape, photoFit), u.obs.landmarks);
    const alone = usable.length === 1 ? joint : await runFit(fitPhotosStepwise(fm.points, [u.obs], { ...fit, init: enc ? { shape: enc.photos[i]!.shape, photos: [enc.photos[i]!.fit] } : null }));
    const nmeSingle = normalizedLandmarkError(fitLandmarks(fm.points, alone.shape, alone.photos[0]!), u.obs.landmarks);
    const parameters: ReconstructionParameters = {
      fitter: FITTER_VERSION,
      jointPhotoIds: ids,
      faceIndex: u.faceIndex,
      shape: Array.from(joint.shape, round6),
      expression: Array.from(photoFit.expression, round6),
      rotation: photoFit.rotation.map(round6),
      jaw: photoFit.jaw.map(round6),
      camera: photoFit.camera,
      photometricRefinement: joint !== landmarkFit,
      // DECA's light is relative to DECA's albedo model: kept as encoderLight, and as light only until
      // the photometric step estimates one against the subject's own albedo.
      ...(enc ? { init: 'encoder' as const, refined: options.refine !== false, encoderLight: Array.from(enc.photos[i]!.light, round6), light: Array.from(enc.photos[i]!.light, round6) } : {}),
    };
    const metrics: ReconstructionMetrics = { nme, nmeSingle, secondsPerPhoto: seconds / usable.length };
    rows.push({ photoId: u.photoId, face: u.face, fit: photoFit, parameters, metrics });
    options.onPhoto?.(u.photoId, 'fitted', `NME ${nme.toFixed(4)} (alone ${nmeSingle.toFixed(4)})`);
  }
  if (shouldStop()) return summary;
  if (options.lighting !== false || options.identity === true) {
    fm.evaluator ??= new HeadModelEvaluator(fm.model);
    const albedo = await addPhotometricResults(project, fm.model, rows, { size: ALBEDO_SIZE, analyzer: options.identity === true ? analyzer() : null, evaluator: fm.evaluator, shouldStop });
    if (albedo && !shouldStop()) {
      const { texture, vertexAlbedo } = albedo;
      const vertexRgb = vertexAlbedo ? Buffer.from(Uint8Array.from(vertexAlbedo, (x) => Math.round(Math.min(1, Math.max(0, x)) * 255))) : null;
      saveSubjectAlbedo(db, { subjectId, packId, photoIds: ids, size: texture.size, png: await encodePng(texture.rgb, texture.size), vertexRgb });
    }
  }
  if (shouldStop()) return summary;
  saveReconstructions(db, packId, rows);
  summary.fitted = rows.length;
  summary.meanNme = mean(rows.map((r) => r.metrics.nme));
  summary.seconds = (performance.now() - t0) / 1000;
  return summary;
}

/** DECA's photometric term refines the geometry unless asked not to (lighting off, the encoder's values kept as they are). */
const photometricRefinement = (o: ReconstructSubjectOptions) => o.photometric !== false && o.lighting !== false && !(o.init === 'encoder' && o.refine === false);

/** Runs a stepwise fit, giving the event loop a turn every ~30 ms (cancel requests, IPC, other jobs' events). */
async function runFit(steps: Generator<number, FitResult, void>): Promise<FitResult> {
  let last = performance.now();
  let r = steps.next();
  while (!r.done) {
    if (performance.now() - last > 30) {
      await new Promise<void>((go) => setImmediate(go));
      last = performance.now();
    }
    r = steps.next();
  }
  return r.value;
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;
const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
const sameStart = (p: ReconstructionParameters, o: ReconstructSubjectOptions) =>
  (p.init ?? 'landmarks') === (o.init ?? 'landmarks') &&
  (p.init !== 'encoder' || p.refined === (o.refine !== false)) &&
  (p.jointPhotoIds.length < 2 || (p.photometricRefinement ?? false) === photometricRefinement(o));
const sameIds = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const encodePng = (rgb: Uint8Array, size: number) => sharp(Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength), { raw: { width: size, height: size, channels: 3 } }).png().toBuffer();
