import type { PhotoSummary } from '../../core/api/contract';
import { CONVERTER_VERSION } from '../../native-models/model-catalog';
import type { ComputePool } from '../compute/compute-pool';
import type { Project } from '../project/project';
import type { PhotoCache } from '../services/photo-cache';

/** Recorded with each stored analysis; a photo analysed by another version is analysed again. */
// perception-3: profiles carry the landmarks of their silhouette. perception-4: faces carry their eyes' lids (iris model).
// perception-5: an open mouth's lower inner lip is read off the image (mouth-opening.ts), so its landmarks change.
export const ANALYZER_VERSION = `perception-5/converters-${CONVERTER_VERSION}`;

/** What analysing needs: the project, the workers and the decoded-photo cache. */
export interface AnalyzeContext {
  project: Project;
  pool: ComputePool;
  photos: PhotoCache;
  signal?: AbortSignal;
}

export interface AnalyzePhotosOptions {
  /** Analyse photos again even when they have a result from this analyzer version. */
  force?: boolean;
  /** Told after each photo: analysed, skipped (already analysed) or failed. */
  onPhoto?: (photo: PhotoSummary, outcome: 'analyzed' | 'skipped' | 'failed', message: string | null) => void;
}

export interface AnalyzeSummary {
  analyzed: number;
  skipped: number;
  failed: number;
  /** Photos whose analysis found no usable ('ok') face. */
  withoutUsableFace: number;
}

/**
 * Runs the face pipeline (in the inference worker) on photos and stores each result in the library.
 * Decodes start together (they overlap with the analyses); results are stored as they come.
 *
 * ```ts
 * const summary = await analyzePhotos({ project, pool, photos: cache }, project.library.reads.listPhotos(subjectId));
 * ```
 */
export async function analyzePhotos(ctx: AnalyzeContext, photos: readonly PhotoSummary[], options: AnalyzePhotosOptions = {}): Promise<AnalyzeSummary> {
  const library = ctx.project.library;
  const done = options.force ? new Set<number>() : library.faces.analyzedPhotoIds(ANALYZER_VERSION);
  const summary: AnalyzeSummary = { analyzed: 0, skipped: 0, failed: 0, withoutUsableFace: 0 };
  const todo = photos.filter((p) => !done.has(p.id));
  const decoded = new Map(todo.map((p) => [p.id, ctx.photos.get(ctx.project, p, null, ctx.signal)]));
  for (const p of decoded.values()) p.catch(() => undefined); // reported per photo below
  for (const photo of photos) {
    if (ctx.signal?.aborted) break;
    if (done.has(photo.id)) {
      summary.skipped++;
      options.onPhoto?.(photo, 'skipped', null);
      continue;
    }
    try {
      const { image } = await decoded.get(photo.id)!;
      const result = await ctx.pool.run('face.analyze', { image }, { lane: 'inference', signal: ctx.signal });
      library.faces.save(photo.id, result.faces, result.selected, ANALYZER_VERSION);
      summary.analyzed++;
      if (result.selected === null) summary.withoutUsableFace++;
      const note = result.selected === null ? (result.faces.length ? `no usable face (${result.faces.map((f) => f.status.replace(/_/g, ' ')).join(', ')})` : 'no face found') : null;
      options.onPhoto?.(photo, 'analyzed', note);
    } catch (error) {
      if (ctx.signal?.aborted) break;
      summary.failed++;
      options.onPhoto?.(photo, 'failed', (error as Error).message);
    }
  }
  return summary;
}
