import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../core/api/api-error';
import type { ClipEditRequest, ClipSummary } from '../../core/api/contract';
import { applyClipEdit } from '../../core/expression/edit-clip';
import { clipFromRecords, type ExpressionClip } from '../../core/expression/expression-clip';
import { smoothClip } from '../../core/expression/smooth-clip';
import { arkitCsv } from '../../core/export/arkit-csv';
import type { StoredClip } from '../library/clips-table';
import { writeFileAtomic } from '../project/atomic-write';
import type { Project } from '../project/project';
import { photoExpressionSource, recordsOfPhotos, type PhotoExpressionSource } from './photo-expression-source';
import { requireSavedExpression } from './saved-expression-record';

export interface ClipFromPhotosOptions {
  /** Keys per second (photo i at i / fps s). */
  fps?: number;
  /** Radius of the centred smoothing filter over the keys (0: none; see smoothClip). */
  smooth?: number;
  /** Where photo expressions come from (tests inject records; default: the ARKit solve). */
  source?: PhotoExpressionSource;
}

export const CLIP_FROM_PHOTOS_DEFAULTS = { fps: 2, smooth: 0 };

/**
 * Stores a clip made of fitted photos' expressions, one key per photo in the order given (a photo
 * may repeat), and returns its summary; a name in use is a `conflict`, an unfitted photo `not-found`.
 *
 * ```ts
 * const clip = await createClipFromPhotos(project, 'smiles', [3, 4, 5, 4, 3], { fps: 4 });
 * ```
 */
export async function createClipFromPhotos(project: Project, name: string, photoIds: readonly number[], options: ClipFromPhotosOptions = {}): Promise<ClipSummary> {
  const opts = { ...CLIP_FROM_PHOTOS_DEFAULTS, ...options };
  if (photoIds.length === 0) throw new ApiError('bad-request', 'A clip from photos needs at least one photo id');
  if (project.library.clips.getByName(name)) throw new ApiError('conflict', `A clip named "${name.trim()}" already exists`);
  const records = await recordsOfPhotos(project, photoIds, opts.source ?? photoExpressionSource);
  let clip = clipFromRecords(name.trim(), records.map((r) => ({ ...r, name: r.fileName })), { fps: opts.fps });
  if (opts.smooth > 0) clip = smoothClip(clip, { radius: opts.smooth });
  const subjects = [...new Set(records.map((r) => r.subjectName))];
  const source = `photos ${photoIds.join(',')} of ${subjects.join(', ')}${opts.smooth > 0 ? `, smoothed (radius ${opts.smooth})` : ''}`;
  return storeClip(project, clip, source);
}

/**
 * Stores an already built clip (e.g. from video frames) and returns its summary.
 *
 * ```ts
 * storeClip(project, clip, 'video talk.mp4, every 100 ms');
 * ```
 */
export function storeClip(project: Project, clip: ExpressionClip, source: string): ClipSummary {
  const id = project.library.clips.create(clip, source);
  return summaryOf(project.library.clips.get(id)!);
}

/**
 * A stored clip by name, or a `not-found` error listing the names there are.
 *
 * ```ts
 * const { clip } = requireClip(project, 'smiles');
 * ```
 */
export function requireClip(project: Project, name: string): StoredClip {
  const stored = project.library.clips.getByName(name);
  if (!stored) {
    const names = project.library.clips.list().map((c) => c.name);
    throw new ApiError('not-found', `No clip named "${name}"${names.length ? ` (the project has: ${names.join(', ')})` : ' (the project has none: make one with deca-studio clip create)'}`);
  }
  return stored;
}

/**
 * Applies edits (in order) and/or a new name to a stored clip; all land or none.
 *
 * ```ts
 * updateClip(project, id, { edits: [{ op: 'drop', index: 2 }, { op: 'smooth', radius: 1 }] });
 * ```
 */
export function updateClip(project: Project, id: number, change: { name?: string; edits?: readonly ClipEditRequest[] }): ClipSummary {
  const stored = project.library.clips.get(id);
  if (!stored) throw new ApiError('not-found', `No clip with id ${id}`);
  let clip = change.name ? { ...stored.clip, name: change.name.trim() } : stored.clip;
  for (const edit of change.edits ?? []) clip = applyClipEdit(clip, edit);
  project.library.clips.update(id, clip);
  return summaryOf(project.library.clips.get(id)!);
}

/**
 * Writes a stored clip as an ARKit CSV in Live Link Face's layout (see arkitCsv), atomically.
 *
 * ```ts
 * const { rows } = await writeClipCsv(project, 'smiles', '/tmp/smiles.csv');
 * ```
 */
export async function writeClipCsv(project: Project, name: string, outPath: string): Promise<{ path: string; rows: number; bytes: number }> {
  return writeCsv(arkitCsv(requireClip(project, name).clip), outPath);
}

/**
 * Writes one fitted photo's expression as a one-frame ARKit CSV (Live Link Face layout).
 *
 * ```ts
 * await writeExpressionCsv(project, 12, '/tmp/photo12.csv');
 * ```
 */
export async function writeExpressionCsv(project: Project, photoId: number, outPath: string, source: PhotoExpressionSource = photoExpressionSource): Promise<{ path: string; rows: number; bytes: number }> {
  const [record] = await recordsOfPhotos(project, [photoId], source);
  return writeCsv(arkitCsv(clipFromRecords(`photo ${photoId}`, [record!], { fps: 30 })), outPath);
}

/**
 * Writes a saved expression (by name) as a one-frame ARKit CSV (Live Link Face layout).
 *
 * ```ts
 * await writeSavedExpressionCsv(project, 'smirk', '/tmp/smirk.csv');
 * ```
 */
export async function writeSavedExpressionCsv(project: Project, name: string, outPath: string): Promise<{ path: string; rows: number; bytes: number }> {
  const record = requireSavedExpression(project, name);
  return writeCsv(arkitCsv(clipFromRecords(record.name, [record], { fps: 30 })), outPath);
}

async function writeCsv(csv: string, outPath: string): Promise<{ path: string; rows: number; bytes: number }> {
  const out = path.resolve(outPath);
  await fs.mkdir(path.dirname(out), { recursive: true });
  const bytes = Buffer.from(csv, 'utf8');
  await writeFileAtomic(out, bytes, path.dirname(out));
  return { path: out, rows: csv.split('\r\n').length - 2, bytes: bytes.length };
}

function summaryOf(s: StoredClip): ClipSummary {
  const { clip: _clip, ...rest } = s;
  return rest;
}
