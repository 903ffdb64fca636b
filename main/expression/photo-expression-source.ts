import { ApiError } from '../../core/api/api-error';
import type { ExpressionRecord } from '../../core/expression/expression-record';
import type { ComputePool } from '../compute/compute-pool';
import type { Project } from '../project/project';
import type { ModelService } from '../services/model-service';
import { workerArkitService } from './arkit-solve-service';
import { photoExpressions } from './photo-expressions';

/** A fitted photo's expression record, as `photoExpressions` (main/expression/photo-expressions.ts) gives it. */
export type PhotoExpression = ExpressionRecord & { photoId: number; subjectId: number; subjectName: string; fileName: string };

/** Every fitted photo's ARKit expression record (of a subject, on a pack, or all). */
export type PhotoExpressionSource = (project: Project, options: { subjectId?: number; packId?: string }) => Promise<PhotoExpression[]>;

/**
 * Where clips and posed exports get photos' expressions: `photoExpressions`, the ARKit solve of
 * each fitted photo (in this process; the studio passes its workers through {@link workerPhotoExpressions}).
 *
 * ```ts
 * const records = await photoExpressionSource(project, { subjectId });
 * ```
 */
export const photoExpressionSource: PhotoExpressionSource = (project, options) => photoExpressions(project, options);

/**
 * The same solve in the studio's compute workers.
 *
 * ```ts
 * const source = workerPhotoExpressions(studio.models, studio.pool);
 * ```
 */
export function workerPhotoExpressions(models: ModelService, pool: ComputePool): PhotoExpressionSource {
  const service = workerArkitService(models, pool);
  return (project, options) => photoExpressions(project, options, service);
}

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
