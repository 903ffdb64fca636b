import { ApiError } from '../../core/api/api-error';
import { eyeAperturesOf, type EyeApertures } from '../../core/expression/eye-blink';
import type { ExpressionRecord } from '../../core/expression/expression-record';
import type { PhotoFitWithReconstruction } from '../library/reconstructions-table';
import type { Project } from '../project/project';
import { localArkitService, type ArkitSolveService } from './arkit-solve-service';

/** A fitted photo's expression record, with where it came from. */
export type PhotoExpression = ExpressionRecord & { photoId: number; subjectId: number; subjectName: string; fileName: string };

/**
 * Every fitted photo's expression as data: one record per photo (its newest fit, on `packId` or on
 * any pack), named after the photo's file — the 52 ARKit weights solved from the fitted geometry
 * (see core/expression/solve-arkit.ts: the pack's own ARKit shapes on ICT-FaceKit, a transfer
 * through an installed ICT-FaceKit pack's shapes for the starter head and FLAME; eyeBlink from the
 * lids measured on the photo when its analysis has them, core/expression/eye-blink.ts), the jaw
 * joint at rest (the weights carry the fitted jaw's motion), no eye pose (the fitter solves none),
 * and the source photo and pack. Photos without a
 * fit are left out. The solve runs in `service`: code with a studio passes its compute workers
 * (`workerArkitService(studio.models, studio.pool)`, packs loaded once and current); without one,
 * packs load from the installed pack store and solve in this process, kept for its lifetime (the CLI).
 *
 * ```ts
 * const records = await photoExpressions(project, { subjectId: 3 });
 * records[0].arkit[ARKIT_BLENDSHAPES.indexOf('mouthSmileLeft')];
 * ```
 */
export async function photoExpressions(
  project: Project,
  opts: { subjectId?: number; packId?: string },
  service: ArkitSolveService = defaultService(),
): Promise<Array<ExpressionRecord & { photoId: number; subjectId: number; subjectName: string; fileName: string }>> {
  const reads = project.library.reads;
  if (opts.subjectId !== undefined && !reads.getSubject(opts.subjectId)) throw new ApiError('not-found', `No subject with id ${opts.subjectId}`);
  const names = new Map(reads.listSubjects().map((s) => [s.id, s.name]));
  const fitted: { photo: ReturnType<typeof reads.listPhotos>[number]; fit: PhotoFitWithReconstruction }[] = [];
  for (const photo of reads.listPhotos(opts.subjectId)) {
    const fit = project.library.reconstructions.latestFitOfPhoto(photo.id, opts.packId);
    if (fit) fitted.push({ photo, fit });
  }
  // One solve per pack (its tables are built once), records back in photo order.
  const byPack = new Map<string, number[]>();
  fitted.forEach((f, i) => {
    const list = byPack.get(f.fit.reconstruction.packId) ?? [];
    list.push(i);
    byPack.set(f.fit.reconstruction.packId, list);
  });
  const weights = new Array<Float32Array>(fitted.length);
  for (const [packId, indices] of byPack) {
    const inputs = indices.map((i) => ({
      shape: fitted[i]!.fit.reconstruction.shape,
      expression: fitted[i]!.fit.fit.expression,
      jaw: fitted[i]!.fit.fit.jaw,
      eyeApertures: storedEyeApertures(project, fitted[i]!.photo.id),
    }));
    const r = await service.solve(packId, inputs);
    indices.forEach((i, j) => (weights[i] = r.weights[j]!));
  }
  return fitted.map(({ photo, fit }, i) => ({
    name: photo.originalName,
    arkit: weights[i]!,
    // The joint on top of the weights: none. The solve measures the fitted jaw's rotation from rest
    // into the weights (jawOpen…), so an export keying the fitted rotation as well moved the jaw
    // twice (#12: the own head's export 0.5–3.2 mm from the fit instead of 0.2–0.9 mm).
    jawPose: [0, 0, 0],
    eyePose: null,
    source: { photoId: photo.id, packId: fit.reconstruction.packId },
    photoId: photo.id,
    subjectId: photo.subjectId,
    subjectName: names.get(photo.subjectId) ?? '',
    fileName: photo.originalName,
  }));
}

/** The lids measured on a photo's selected face (analyses from perception-4 on); null before. */
function storedEyeApertures(project: Project, photoId: number): EyeApertures | null {
  const analysis = project.library.faces.get(photoId);
  return analysis && analysis.selectedFace !== null ? eyeAperturesOf(analysis.faces[analysis.selectedFace]) : null;
}

let shared: ArkitSolveService | null = null;

/** One in-process service per process, so that repeated calls load each pack once. */
function defaultService(): ArkitSolveService {
  return (shared ??= localArkitService());
}
