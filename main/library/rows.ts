import type { ImageFormat, JobInfo, JobItem, PhotoStatus, PhotoSummary, SubjectSummary } from '../../core/api/contract';

/** Row shapes as SQLite returns them, and their mapping to the contract's types. */
export interface SubjectRow {
  id: number;
  name: string;
  notes: string;
  created_at: string;
  photo_count: number;
  cover_sha256: string | null;
}

export interface PhotoRow {
  id: number;
  subject_id: number;
  sha256: string;
  original_name: string;
  width: number;
  height: number;
  format: string;
  byte_size: number;
  imported_at: string;
  status: string;
}

export interface JobRow {
  id: number;
  kind: string;
  state: string;
  done: number;
  total: number;
  error: string | null;
  subject_id: number | null;
  payload: string;
  created_at: string;
  updated_at: string;
}

export interface JobItemRow {
  kind: string;
  name: string;
  outcome: string;
  subject_id: number | null;
  photo_id: number | null;
  code: string | null;
  message: string | null;
  data: string | null;
}

export const toSubject = (r: SubjectRow): SubjectSummary => ({
  id: r.id,
  name: r.name,
  notes: r.notes,
  createdAt: r.created_at,
  photoCount: r.photo_count,
  coverSha256: r.cover_sha256,
});

export const toPhoto = (r: PhotoRow): PhotoSummary => ({
  id: r.id,
  subjectId: r.subject_id,
  sha256: r.sha256,
  originalName: r.original_name,
  width: r.width,
  height: r.height,
  format: r.format as ImageFormat,
  byteSize: r.byte_size,
  importedAt: r.imported_at,
  status: r.status as PhotoStatus,
});

export const toJob = (r: JobRow): JobInfo => ({
  id: r.id,
  kind: r.kind as JobInfo['kind'],
  state: r.state as JobInfo['state'],
  done: r.done,
  total: r.total,
  error: r.error,
  subjectId: r.subject_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const toJobItem = (r: JobItemRow): JobItem => ({
  kind: r.kind as JobItem['kind'],
  name: r.name,
  outcome: r.outcome as JobItem['outcome'],
  subjectId: r.subject_id,
  photoId: r.photo_id,
  code: r.code,
  message: r.message,
  seconds: r.data ? ((JSON.parse(r.data) as { seconds?: number }).seconds ?? null) : null,
});
