import type { ImportFileResult } from '../../core/api/contract';
import { CONVERTER_VERSION } from '../../native-models/model-catalog';
import type { Project } from '../project/project';
import type { FaceAnalyzer } from './face-analyzer';
import { analyzedPhotoIds, saveFaceAnalysis } from './face-store';

/** Recorded with each stored analysis; a photo analysed by another version is analysed again. */
export const ANALYZER_VERSION = `perception-1/converters-${CONVERTER_VERSION}`;

export interface AnalyzePhotosOptions {
  /** Only this subject's photos; all photos otherwise. */
  subjectId?: number;
  /** Analyse photos again even when they have a result from this analyzer version. */
  force?: boolean;
  signal?: AbortSignal;
  /** Told once the list is known (photos to analyse). */
  onTotal?: (total: number) => void;
  /** Told after each photo: analysed ('imported' outcome is not used), skipped or failed. */
  onPhoto?: (photoId: number, outcome: 'analyzed' | 'skipped' | 'failed', message: string | null) => void;
}

export interface AnalyzeSummary {
  analyzed: number;
  skipped: number;
  failed: number;
  /** Photos whose analysis found no usable ('ok') face. */
  withoutUsableFace: number;
}

/**
 * Runs the face pipeline on a project's photos and stores each result in the library.
 *
 * ```ts
 * const summary = await analyzePhotos(project, analyzer, { subjectId });
 * ```
 */
export async function analyzePhotos(project: Project, analyzer: FaceAnalyzer, options: AnalyzePhotosOptions = {}): Promise<AnalyzeSummary> {
  const db = project.library.db;
  const photos = project.library.reads.listPhotos(options.subjectId);
  const done = options.force ? new Set<number>() : analyzedPhotoIds(db, ANALYZER_VERSION);
  options.onTotal?.(photos.length);
  const summary: AnalyzeSummary = { analyzed: 0, skipped: 0, failed: 0, withoutUsableFace: 0 };
  for (const photo of photos) {
    if (options.signal?.aborted) break;
    if (done.has(photo.id)) {
      summary.skipped++;
      options.onPhoto?.(photo.id, 'skipped', null);
      continue;
    }
    try {
      const result = await analyzer.analyzeFile(project.store.originalPath(photo.sha256, photo.format));
      saveFaceAnalysis(db, photo.id, result, ANALYZER_VERSION);
      summary.analyzed++;
      if (result.selected === null) summary.withoutUsableFace++;
      const note = result.selected === null ? (result.faces.length ? `no usable face (${result.faces.map((f) => f.status).join(', ')})` : 'no face found') : null;
      options.onPhoto?.(photo.id, 'analyzed', note);
    } catch (error) {
      summary.failed++;
      options.onPhoto?.(photo.id, 'failed', (error as Error).message);
    }
  }
  return summary;
}

/** A photo's outcome as a job item (the job_items table knows imported/skipped/failed). */
export function analyzeJobItem(photoId: number, name: string, outcome: 'analyzed' | 'skipped' | 'failed', message: string | null): ImportFileResult | null {
  // Successful analyses are counted in the job's progress; only failures become items.
  if (outcome !== 'failed') return null;
  return { source: name, outcome: 'failed', photoId, code: 'unreadable', message };
}
