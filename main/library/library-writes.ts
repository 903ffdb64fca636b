import type { Database } from 'better-sqlite3';
import type { ImageFormat, JobItem, JobKind, JobState } from '../../core/api/contract';

export interface NewPhoto {
  subjectId: number;
  sha256: string;
  originalName: string;
  width: number;
  height: number;
  format: ImageFormat;
  byteSize: number;
}

const now = (): string => new Date().toISOString();

/**
 * Every write the studio makes to a project library, as prepared statements. Each method is one
 * statement or one transaction, so a crash leaves the library at a consistent point.
 *
 * ```ts
 * const id = library.writes.createSubject('Ann');
 * ```
 */
export class LibraryWrites {
  private readonly q;
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
    this.q = {
      createSubject: db.prepare<[string, string, string]>('INSERT INTO subjects (name, notes, created_at) VALUES (?, ?, ?)'),
      renameSubject: db.prepare<[string, number]>('UPDATE subjects SET name = ? WHERE id = ?'),
      deleteSubject: db.prepare<[number]>('DELETE FROM subjects WHERE id = ?'),
      subjectShas: db.prepare<[number], { sha256: string }>('SELECT sha256 FROM photos WHERE subject_id = ?'),
      insertPhoto: db.prepare(
        `INSERT INTO photos (subject_id, sha256, original_name, width, height, format, byte_size, imported_at)
         VALUES (@subjectId, @sha256, @originalName, @width, @height, @format, @byteSize, @importedAt)
         ON CONFLICT (subject_id, sha256) DO NOTHING`,
      ),
      deletePhoto: db.prepare<[number]>('DELETE FROM photos WHERE id = ?'),
      createJob: db.prepare<[string, string, number | null, string, string]>(
        `INSERT INTO jobs (kind, state, payload, subject_id, created_at, updated_at) VALUES (?, 'queued', ?, ?, ?, ?)`,
      ),
      updateJob: db.prepare(
        `UPDATE jobs SET state = coalesce(@state, state), done = coalesce(@done, done), total = coalesce(@total, total),
                         error = coalesce(@error, error), updated_at = @updatedAt WHERE id = @id`,
      ),
      nextItemSeq: db.prepare<[number], { seq: number }>('SELECT coalesce(max(seq), 0) + 1 AS seq FROM job_items WHERE job_id = ?'),
      addJobItem: db.prepare(
        `INSERT INTO job_items (job_id, seq, kind, name, outcome, subject_id, photo_id, code, message, data)
         VALUES (@jobId, @seq, @kind, @name, @outcome, @subjectId, @photoId, @code, @message, @data)`,
      ),
      interruptJobs: db.prepare<[string]>(
        `UPDATE jobs SET state = 'interrupted', error = 'The app stopped while this job ran', updated_at = ?
         WHERE state IN ('queued', 'running')`,
      ),
      setMeta: db.prepare<[string, string]>(
        'INSERT INTO project_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
    };
  }

  createSubject(name: string, notes = ''): number {
    return Number(this.q.createSubject.run(name, notes, now()).lastInsertRowid);
  }

  /** Returns false when no subject has that id. */
  renameSubject(id: number, name: string): boolean {
    return this.q.renameSubject.run(name, id).changes > 0;
  }

  /** Deletes the subject and its photo rows; returns the content hashes those rows used. */
  deleteSubject(id: number): string[] {
    return this.db.transaction(() => {
      const shas = this.q.subjectShas.all(id).map((r) => r.sha256);
      this.q.deleteSubject.run(id);
      return shas;
    })();
  }

  /** Inserts a photo row; returns its id, or null when the subject already has that content. */
  insertPhoto(photo: NewPhoto): number | null {
    const info = this.q.insertPhoto.run({ ...photo, importedAt: now() });
    return info.changes > 0 ? Number(info.lastInsertRowid) : null;
  }

  deletePhoto(id: number): boolean {
    return this.q.deletePhoto.run(id).changes > 0;
  }

  createJob(kind: JobKind, payload: unknown, subjectId: number | null = null): number {
    const t = now();
    return Number(this.q.createJob.run(kind, JSON.stringify(payload), subjectId, t, t).lastInsertRowid);
  }

  updateJob(id: number, patch: { state?: JobState; done?: number; total?: number; error?: string }): void {
    this.q.updateJob.run({
      id,
      state: patch.state ?? null,
      done: patch.done ?? null,
      total: patch.total ?? null,
      error: patch.error ?? null,
      updatedAt: now(),
    });
  }

  /** Records one item's outcome and (when `done` is given) the job's progress in one transaction. */
  addJobItem(jobId: number, item: JobItem, done: number | null): void {
    this.db.transaction(() => {
      const seq = this.q.nextItemSeq.get(jobId)!.seq;
      const { seconds, ...rest } = item;
      this.q.addJobItem.run({ jobId, seq, ...rest, data: seconds === null ? null : JSON.stringify({ seconds }) });
      this.q.updateJob.run({ id: jobId, state: null, done, total: null, error: null, updatedAt: now() });
    })();
  }

  /** Marks jobs a previous process left queued or running as interrupted; returns how many. */
  interruptUnfinishedJobs(): number {
    return this.q.interruptJobs.run(now()).changes;
  }

  setMeta(key: string, value: string): void {
    this.q.setMeta.run(key, value);
  }
}
