import { ApiError } from '../../core/api/api-error';
import type { ApiRequest, ExpressionView } from '../../core/api/contract';
import type { SavedExpression } from '../library/expressions-table';
import type { Studio } from '../services/studio';
import { workerArkitService } from './arkit-solve-service';
import { photoExpressions } from './photo-expressions';
import { SubjectNeutrals } from './subject-neutrals';

const savedView = (e: SavedExpression): ExpressionView => ({
  kind: 'saved',
  id: e.id,
  name: e.name,
  arkit: e.arkit,
  jawPose: e.jawPose,
  eyePose: e.eyePose,
  source: e.sourcePhotoId === null ? null : { photoId: e.sourcePhotoId, packId: e.sourcePackId },
  subject: null,
});

/**
 * `expressions.list`: the fitted photos' expressions (ARKit solved in the compute workers) of one
 * subject or all, then the project's saved expressions, each with the neutral it is relative to.
 *
 * ```ts
 * const views = await listExpressions(studio, { subjectId: 3 });
 * ```
 */
export async function listExpressions(studio: Studio, req: ApiRequest<'expressions.list'>): Promise<ExpressionView[]> {
  const project = studio.requireProject();
  const service = workerArkitService(studio.models, studio.pool);
  const photos = await photoExpressions(project, { subjectId: req.subjectId }, service);
  // What each is relative to: the neutral of its photo's person (the viewer plays it from there, as exports do).
  const neutrals = new SubjectNeutrals(project, (p, o) => photoExpressions(p, o, service));
  const neutralOf = async (source: { photoId: number; packId: string | null } | null) => {
    const n = source?.packId ? await neutrals.ofRecord({ source: { photoId: source.photoId, packId: source.packId } }) : null;
    return n ? Array.from(n) : null;
  };
  const captured: ExpressionView[] = photos.map((r) => ({
    kind: 'photo',
    id: null,
    name: r.fileName,
    arkit: Array.from(r.arkit),
    jawPose: r.jawPose,
    eyePose: r.eyePose,
    source: r.source,
    subject: { id: r.subjectId, name: r.subjectName },
  }));
  const views = [...captured, ...project.library.expressions.list().map(savedView)];
  for (const v of views) v.neutral = await neutralOf(v.source);
  return views;
}

/**
 * `expressions.save`: stores a named expression (the request is validated: 52 weights 0…1, an
 * axis-angle jaw); a `conflict` error when the name is taken, `not-found` for an unknown source photo.
 *
 * ```ts
 * const saved = saveExpression(studio, { name: 'smile', arkit, jawPose: [0.1, 0, 0] });
 * ```
 */
export function saveExpression(studio: Studio, req: ApiRequest<'expressions.save'>): ExpressionView {
  const lib = studio.requireProject().library;
  let sourcePackId: string | null = null;
  if (req.sourcePhotoId !== undefined) {
    if (!lib.reads.getPhoto(req.sourcePhotoId)) throw new ApiError('not-found', `No photo with id ${req.sourcePhotoId}`);
    sourcePackId = lib.reconstructions.latestFitOfPhoto(req.sourcePhotoId)?.reconstruction.packId ?? null;
  }
  const id = lib.expressions.save({ name: req.name, arkit: req.arkit, jawPose: req.jawPose, eyePose: req.eyePose ?? null, sourcePhotoId: req.sourcePhotoId ?? null, sourcePackId });
  return savedView(lib.expressions.get(id)!);
}

/**
 * `expressions.delete`: removes a saved expression; `not-found` when there is none with that id.
 *
 * ```ts
 * deleteExpression(studio, 4);
 * ```
 */
export function deleteExpression(studio: Studio, id: number): null {
  if (!studio.requireProject().library.expressions.delete(id)) throw new ApiError('not-found', `No saved expression with id ${id}`);
  return null;
}
