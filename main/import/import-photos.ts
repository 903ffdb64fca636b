import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { ImportFileResult } from '../../core/api/contract';
import type { Project } from '../project/project';
import { isDiskFull } from '../project/atomic-write';
import type { ImportSource } from './collect-sources';
import { ImportError, probeImage, PROBE_IMAGE_DEFAULTS } from './probe-image';

export interface ImportPhotosOptions {
  /** Largest accepted image in pixels. */
  maxPixels?: number;
  /** Largest accepted file in bytes; bigger files are refused before they are read. */
  maxFileBytes?: number;
  /** Checked between files; an aborted import stops cleanly after the current file. */
  signal?: AbortSignal;
  /** Called after every file with its outcome. */
  onResult?: (result: ImportFileResult) => void;
}

export const IMPORT_PHOTOS_DEFAULTS = {
  maxPixels: PROBE_IMAGE_DEFAULTS.maxPixels,
  maxFileBytes: 1024 * 1024 * 1024,
};

export interface ImportSummary {
  imported: number;
  skipped: number;
  failed: number;
  cancelled: boolean;
  /** Set when the import had to stop (e.g. the disk is full). */
  fatal: string | null;
}

/** Stops the whole import: nothing after this file can succeed either. */
class FatalImportError extends Error {}

/**
 * Imports files into one subject. Per file: read, hash, skip if the subject already has that
 * content, validate and thumbnail, write original and thumbnail atomically, then insert the row.
 * A bad file gets its own error and the others go on; a full disk stops the import.
 *
 * ```ts
 * const summary = await importPhotos(project, subjectId, sources, { onResult: (r) => console.log(r) });
 * ```
 */
export async function importPhotos(
  project: Project,
  subjectId: number,
  sources: readonly ImportSource[],
  options: ImportPhotosOptions = {},
): Promise<ImportSummary> {
  const opts = { ...IMPORT_PHOTOS_DEFAULTS, ...options };
  const summary: ImportSummary = { imported: 0, skipped: 0, failed: 0, cancelled: false, fatal: null };
  for (const source of sources) {
    if (opts.signal?.aborted) {
      summary.cancelled = true;
      break;
    }
    let result: ImportFileResult;
    try {
      result = await importOne(project, subjectId, source, opts);
    } catch (error) {
      if (error instanceof FatalImportError) {
        summary.fatal = error.message;
        result = { source: source.source, outcome: 'failed', photoId: null, code: 'disk-full', message: error.message };
      } else {
        throw error;
      }
    }
    summary[result.outcome]++;
    opts.onResult?.(result);
    if (summary.fatal) break;
  }
  return summary;
}

async function importOne(
  project: Project,
  subjectId: number,
  source: ImportSource,
  opts: typeof IMPORT_PHOTOS_DEFAULTS,
): Promise<ImportFileResult> {
  const base = { source: source.source, photoId: null, code: null, message: null };
  const failed = (error: ImportError): ImportFileResult => ({ ...base, outcome: 'failed', code: error.code, message: error.message });
  try {
    const bytes = await readSource(source, opts.maxFileBytes);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const existing = project.library.reads.findPhotoInSubject(subjectId, sha256);
    if (existing) return skippedDuplicate(base, existing.id, existing.originalName);

    const image = await probeImage(bytes, { maxPixels: opts.maxPixels });
    try {
      await project.store.putOriginal(sha256, image.format, bytes);
      await project.store.putThumbnail(sha256, image.thumbnail);
    } catch (error) {
      if (isDiskFull(error)) throw new FatalImportError('The disk is full: the import stopped. Free some space and import again.');
      throw new ImportError('unreadable', `Could not store the photo: ${(error as Error).message}`);
    }
    const photoId = project.library.writes.insertPhoto({
      subjectId,
      sha256,
      originalName: source.name,
      width: image.width,
      height: image.height,
      format: image.format,
      byteSize: bytes.length,
    });
    if (photoId === null) {
      const other = project.library.reads.findPhotoInSubject(subjectId, sha256)!;
      return skippedDuplicate(base, other.id, other.originalName);
    }
    return { ...base, outcome: 'imported', photoId };
  } catch (error) {
    if (error instanceof ImportError) return failed(error);
    throw error;
  }
}

function skippedDuplicate(base: Omit<ImportFileResult, 'outcome'>, photoId: number, name: string): ImportFileResult {
  return { ...base, outcome: 'skipped', photoId, code: 'duplicate', message: `Already in this subject as "${name}"` };
}

async function readSource(source: ImportSource, maxFileBytes: number): Promise<Buffer> {
  try {
    const stat = await fs.stat(source.file);
    if (!stat.isFile()) throw new ImportError('unreadable', 'Not a regular file');
    if (stat.size > maxFileBytes) {
      throw new ImportError('too-large', `The file is ${(stat.size / 2 ** 20).toFixed(0)} MiB, over the ${(maxFileBytes / 2 ** 20).toFixed(0)} MiB limit`);
    }
    return await fs.readFile(source.file);
  } catch (error) {
    if (error instanceof ImportError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOENT' ? 'the file is gone' : (error as Error).message;
    throw new ImportError('unreadable', `Could not read the file: ${why}`);
  }
}
