import type { Database } from 'better-sqlite3';
import type { JobInfo, JobItem, PhotoSummary, SubjectSummary } from '../../core/api/contract';
import { toJob, toJobItem, toPhoto, toSubject, type JobItemRow, type JobRow, type PhotoRow, type SubjectRow } from './rows';

const SUBJECT_SELECT = `
  SELECT s.id, s.name, s.notes, s.created_at,
         (SELECT count(*) FROM photos p WHERE p.subject_id = s.id) AS photo_count,
         (SELECT p.sha256 FROM photos p WHERE p.subject_id = s.id ORDER BY p.id LIMIT 1) AS cover_sha256
  FROM subjects s`;

/**
 * Every read the studio makes of a project library, as prepared statements.
 *
 * ```ts
 * const subjects = library.reads.listSubjects();
 * ```
 */
export class LibraryReads {
  private readonly q;

  constructor(db: Database) {
    this.q = {
      subjects: db.prepare<[], SubjectRow>(`${SUBJECT_SELECT} ORDER BY s.name COLLATE NOCASE`),
      subject: db.prepare<[number], SubjectRow>(`${SUBJECT_SELECT} WHERE s.id = ?`),
      subjectByName: db.prepare<[string], SubjectRow>(`${SUBJECT_SELECT} WHERE s.name = ?`),
      photos: db.prepare<[], PhotoRow>('SELECT * FROM photos ORDER BY subject_id, id'),
      photosOfSubject: db.prepare<[number], PhotoRow>('SELECT * FROM photos WHERE subject_id = ? ORDER BY id'),
      photo: db.prepare<[number], PhotoRow>('SELECT * FROM photos WHERE id = ?'),
      photoInSubject: db.prepare<[number, string], PhotoRow>('SELECT * FROM photos WHERE subject_id = ? AND sha256 = ?'),
      photoWithContent: db.prepare<[string], PhotoRow>('SELECT * FROM photos WHERE sha256 = ? ORDER BY id LIMIT 1'),
      shaUse: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM photos WHERE sha256 = ?'),
      allShas: db.prepare<[], { sha256: string }>('SELECT DISTINCT sha256 FROM photos'),
      counts: db.prepare<[], { subjects: number; photos: number }>(
        'SELECT (SELECT count(*) FROM subjects) AS subjects, (SELECT count(*) FROM photos) AS photos',
      ),
      jobs: db.prepare<[], JobRow>('SELECT * FROM jobs ORDER BY id DESC LIMIT 100'),
      job: db.prepare<[number], JobRow>('SELECT * FROM jobs WHERE id = ?'),
      jobItems: db.prepare<[number], JobItemRow>(
        'SELECT kind, name, outcome, subject_id, photo_id, code, message, data FROM job_items WHERE job_id = ? ORDER BY seq',
      ),
      meta: db.prepare<[string], { value: string }>('SELECT value FROM project_meta WHERE key = ?'),
    };
  }

  listSubjects(): SubjectSummary[] {
    return this.q.subjects.all().map(toSubject);
  }

  getSubject(id: number): SubjectSummary | undefined {
    const row = this.q.subject.get(id);
    return row && toSubject(row);
  }

  /** Case-insensitive, as subject names are unique regardless of case. */
  findSubjectByName(name: string): SubjectSummary | undefined {
    const row = this.q.subjectByName.get(name);
    return row && toSubject(row);
  }

  listPhotos(subjectId?: number): PhotoSummary[] {
    const rows = subjectId === undefined ? this.q.photos.all() : this.q.photosOfSubject.all(subjectId);
    return rows.map(toPhoto);
  }

  getPhoto(id: number): PhotoSummary | undefined {
    const row = this.q.photo.get(id);
    return row && toPhoto(row);
  }

  findPhotoInSubject(subjectId: number, sha256: string): PhotoSummary | undefined {
    const row = this.q.photoInSubject.get(subjectId, sha256);
    return row && toPhoto(row);
  }

  /** Any photo row with this content (several subjects may share one file). */
  findPhotoWithContent(sha256: string): PhotoSummary | undefined {
    const row = this.q.photoWithContent.get(sha256);
    return row && toPhoto(row);
  }

  /** How many photo rows point at this content; the stored file may go only when it is 0. */
  contentUseCount(sha256: string): number {
    return this.q.shaUse.get(sha256)!.n;
  }

  /** Every content hash a row refers to, for the orphan sweep. */
  referencedContent(): Set<string> {
    return new Set(this.q.allShas.all().map((r) => r.sha256));
  }

  counts(): { subjects: number; photos: number } {
    return this.q.counts.get()!;
  }

  listJobs(): JobInfo[] {
    return this.q.jobs.all().map(toJob);
  }

  getJob(id: number): JobInfo | undefined {
    const row = this.q.job.get(id);
    return row && toJob(row);
  }

  jobPayload(id: number): unknown {
    const row = this.q.job.get(id);
    return row ? JSON.parse(row.payload) : undefined;
  }

  listJobItems(jobId: number): JobItem[] {
    return this.q.jobItems.all(jobId).map(toJobItem);
  }

  getMeta(key: string): string | undefined {
    return this.q.meta.get(key)?.value;
  }
}
