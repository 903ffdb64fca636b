import { ApiError } from '../../core/api/api-error';
import type { ExpressionRecord } from '../../core/expression/expression-record';
import type { Project } from '../project/project';

/** A fitted photo's expression record, as `photoExpressions` (main/expression/photo-expressions.ts) gives it. */
export type PhotoExpression = ExpressionRecord & { photoId: number; subjectId: number; subjectName: string; fileName: string };

/** Every fitted photo's ARKit expression record (of a subject, on a pack, or all). */
export type PhotoExpressionSource = (project: Project, options: { subjectId?: number; packId?: string }) => Promise<PhotoExpression[]>;

/**
 * Where clips and posed exports get photos' expressions: `photoExpressions`, the ARKit solve on
 * each fitted photo (branch `arkit`). Until that module is merged this refuses with a message
 * naming what is missing; once it is, the body is `return photoExpressions(project, options)`.
 *
 * ```ts
 * const records = await photoExpressionSource(project, { subjectId });
 * ```
 */
export const photoExpressionSource: PhotoExpressionSource = async () => {
  throw new ApiError('bad-request', 'Expressions from photos need the ARKit solve of fitted photos (photoExpressions, main/expression/photo-expressions.ts), which is not in this build');
};

/**
 * The records of these photos, in the order given; a photo that is not fitted (or unknown) is a
 * `not-found` error naming it.
 *
 * ```ts
 * const [a, b] = await recordsOfPhotos(project, [12, 14]);
 * ```
 */
export async function recordsOfPhotos(project: Project, photoIds: readonly number[], source: PhotoExpressionSource = photoExpressionSource): Promise<PhotoExpression[]> {
  const bySubject = new Map<number, number[]>();
  for (const id of photoIds) {
    const photo = project.library.reads.getPhoto(id);
    if (!photo) throw new ApiError('not-found', `No photo with id ${id}`);
    bySubject.set(photo.subjectId, [...(bySubject.get(photo.subjectId) ?? []), id]);
  }
  const found = new Map<number, PhotoExpression>();
  for (const subjectId of bySubject.keys()) for (const r of await source(project, { subjectId })) found.set(r.photoId, r);
  return photoIds.map((id) => {
    const r = found.get(id);
    if (!r) throw new ApiError('not-found', `Photo ${id} has no fitted expression: run deca-studio reconstruct on its subject first`);
    return r;
  });
}
