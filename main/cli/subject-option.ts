import { ApiError } from '../../core/api/api-error';
import type { Project } from '../project/project';

/**
 * The subject id named by a `--subject NAME` option, undefined when the option is absent, and a
 * clear error when the project has no such subject.
 *
 * ```ts
 * const subjectId = subjectOption(project, values.subject);
 * ```
 */
export function subjectOption(project: Project, name: unknown): number | undefined {
  if (typeof name !== 'string') return undefined;
  const subject = project.library.reads.findSubjectByName(name);
  if (!subject) throw new ApiError('not-found', `No subject named "${name}"`);
  return subject.id;
}
