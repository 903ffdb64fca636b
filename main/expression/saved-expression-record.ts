import { ApiError } from '../../core/api/api-error';
import type { ExpressionRecord } from '../../core/expression/expression-record';
import type { Project } from '../project/project';

/**
 * A saved expression (made by hand with the Animate tab's sliders, or kept from a photo) by name,
 * as the record the exports pose a head with or write as a one-row ARKit CSV; a `not-found` error
 * listing the saved names when there is none by that name.
 *
 * ```ts
 * const smirk = requireSavedExpression(project, 'smirk'); // { name: 'smirk', arkit: Float32Array(52), jawPose, … }
 * ```
 */
export function requireSavedExpression(project: Project, name: string): ExpressionRecord {
  const saved = project.library.expressions.findByName(name.trim());
  if (!saved) {
    const names = project.library.expressions.list().map((e) => e.name);
    throw new ApiError(
      'not-found',
      `No saved expression named "${name}"${names.length ? ` (the project has: ${names.join(', ')})` : ' (the project has none: save one on the studio’s Animate tab)'}`,
    );
  }
  return {
    name: saved.name,
    arkit: Float32Array.from(saved.arkit),
    jawPose: saved.jawPose,
    eyePose: saved.eyePose,
    // Where it came from does not change the pose; a photo's pack is kept when it is known.
    source: saved.sourcePhotoId !== null && saved.sourcePackId !== null ? { photoId: saved.sourcePhotoId, packId: saved.sourcePackId } : null,
  };
}
