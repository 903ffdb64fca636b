import path from 'node:path';
import { ApiError } from '../../core/api/api-error';
import type { ExportHeadRequest, JobItem } from '../../core/api/contract';
import { requireSubjectReconstruction } from '../reconstruct/stored-results';
import type { Studio } from '../services/studio';
import { requireClip } from '../expression/clip-library';
import { requireSavedExpression } from '../expression/saved-expression-record';
import { exportHeadFile, motionOf } from './export-head-file';

/**
 * Starts an export job: checks the request now (so the dialog hears about a missing reconstruction
 * at once), then runs the one export path ({@link exportHeadFile}) to `request.outPath`, or under
 * its default name into `request.outDir` or the project's `exports/` folder. The job's one 'output'
 * item names the file.
 *
 * ```ts
 * const jobId = startExportJob(studio, { packId: 'ict-facekit', subjectId: 3, format: 'fbx' });
 * ```
 */
export function startExportJob(studio: Studio, request: ExportHeadRequest, onDone?: (item: JobItem) => void): number {
  const project = studio.requireProject();
  const ext = request.format === 'arkit-csv' ? '.csv' : `.${request.format}`;
  if (request.outPath && (!path.isAbsolute(request.outPath) || path.extname(request.outPath).toLowerCase() !== ext)) {
    throw new ApiError('bad-request', `outPath must be an absolute path ending in ${ext}`);
  }
  if (request.outDir !== undefined && (request.outPath !== undefined || !path.isAbsolute(request.outDir))) {
    throw new ApiError('bad-request', 'outDir must be an absolute folder, and not given with outPath');
  }
  if (request.subjectId !== undefined) requireSubjectReconstruction(project, request.subjectId, request.packId);
  const motion = motionOf(request);
  if (request.clip !== undefined) requireClip(project, request.clip);
  if (request.savedExpression !== undefined) requireSavedExpression(project, request.savedExpression);
  if (request.format === 'arkit-csv' && motion === null) {
    throw new ApiError('bad-request', "An ARKit CSV carries a clip or one expression: choose a clip, a photo's expression or a saved expression");
  }
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const subjectName = request.subjectId === undefined ? '' : `${slug(project.library.reads.getSubject(request.subjectId)!.name)}-`;
  const out = request.outPath ?? path.join(request.outDir ?? path.join(project.dir, 'exports'), `${subjectName}${request.packId}-${stamp}${ext}`);
  return studio.jobs.enqueue(
    project,
    'export',
    { ...request, outPath: out },
    async (ctx) => {
      ctx.setTotal(1);
      const written = await exportHeadFile(studio, project, request, out, ctx.signal);
      const item: JobItem = { kind: 'output', name: written.path, outcome: 'done', subjectId: request.subjectId ?? null, photoId: null, code: null, message: written.summary, seconds: null };
      ctx.addItem(item, true);
      onDone?.(item);
    },
    { subjectId: request.subjectId ?? null },
  );
}

/** A file-name-safe form of a subject's name. */
function slug(name: string): string {
  return name.normalize('NFKD').replace(/[^\w-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'subject';
}
