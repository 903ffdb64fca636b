import { ApiError } from '../../core/api/api-error';
import type { Project } from '../project/project';
import { listReconstructions } from './reconstruction-store';

/**
 * A subject's reconstructed identity on a pack: the shape β its photos share (the joint fit with
 * the most photos, newest first), for exporting the person's head.
 *
 * ```ts
 * const { shape, packId } = subjectShape(project, subjectId, 'ict-facekit');
 * ```
 */
export function subjectShape(project: Project, subjectId: number, packId?: string): { packId: string; shape: number[]; photoCount: number } {
  const subject = project.library.reads.getSubject(subjectId);
  if (!subject) throw new ApiError('not-found', `No subject with id ${subjectId}`);
  const photos = new Set(project.library.reads.listPhotos(subjectId).map((p) => p.id));
  const recs = listReconstructions(project.library.db, packId).filter((r) => photos.has(r.photoId));
  if (recs.length === 0) {
    throw new ApiError('not-found', `“${subject.name}” has no reconstruction${packId ? ` on ${packId}` : ''} yet: reconstruct the subject first`);
  }
  const best = [...recs].sort((a, b) => b.parameters.jointPhotoIds.length - a.parameters.jointPhotoIds.length || b.id - a.id)[0]!;
  return { packId: best.packId, shape: best.parameters.shape, photoCount: best.parameters.jointPhotoIds.length };
}
