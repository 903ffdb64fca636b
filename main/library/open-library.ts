import Database from 'better-sqlite3';
import { ExpressionsTable } from './expressions-table';
import { ClipsTable } from './clips-table';
import { FaceAnalysesTable } from './face-analyses-table';
import { LibraryReads } from './library-reads';
import { LibraryWrites } from './library-writes';
import { MapsTable } from './maps-table';
import { PinsTable } from './pins-table';
import { ReconstructionsTable } from './reconstructions-table';
import { migrate, schemaVersion } from './migrations/index';

export interface OpenLibraryOptions {
  /** Open without migrating or writing (e.g. for `deca-studio subjects` while the studio runs). */
  readonly?: boolean;
}

export const OPEN_LIBRARY_DEFAULTS: Required<OpenLibraryOptions> = { readonly: false };

/**
 * A project's library as the rest of the app sees it: typed readers and writers per table, no
 * database handle (SQL lives in main/library/ only).
 */
export interface ProjectLibrary {
  /** Subjects, photos, jobs and project metadata. */
  readonly reads: LibraryReads;
  /** Throws when the library was opened read-only. */
  readonly writes: LibraryWrites;
  readonly faces: FaceAnalysesTable;
  readonly reconstructions: ReconstructionsTable;
  readonly maps: MapsTable;
  /** The artist's pins per photo, with undo. */
  readonly pins: PinsTable;
  /** Saved expressions (named ARKit weights, jaw and eye pose). */
  readonly expressions: ExpressionsTable;
  /** Animation clips (migration 008). */
  readonly clips: ClipsTable;
  readonly schemaVersion: number;
  /** Runs `work` in one transaction (several tables' writes land together or not at all). */
  transaction<T>(work: () => T): T;
  /** The connection's journal mode, foreign-key enforcement and SQLite's integrity check (tests, diagnostics). */
  health(): { journalMode: string; foreignKeys: boolean; integrity: string };
  close(): void;
}

/**
 * Opens (creating and migrating when writable) a project's `library.sqlite`: WAL journal,
 * foreign keys on, a busy timeout so a concurrent reader never fails at once.
 *
 * ```ts
 * const library = openLibrary('/home/ann/Portraits.decastudio/library.sqlite');
 * library.writes.createSubject('Ann');
 * ```
 */
export function openLibrary(file: string, options: OpenLibraryOptions = {}): ProjectLibrary {
  const { readonly } = { ...OPEN_LIBRARY_DEFAULTS, ...options };
  const db = new Database(file, { readonly, fileMustExist: readonly });
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    if (!readonly) {
      db.pragma('journal_mode = WAL');
      // NORMAL is durable across application crashes in WAL mode; FULL only adds power-loss safety.
      db.pragma('synchronous = NORMAL');
      migrate(db);
    }
    const version = schemaVersion(db);
    const reads = new LibraryReads(db);
    const writes = readonly ? readonlyWrites() : new LibraryWrites(db);
    return {
      reads,
      writes,
      faces: new FaceAnalysesTable(db),
      reconstructions: new ReconstructionsTable(db),
      maps: new MapsTable(db),
      pins: new PinsTable(db),
      expressions: new ExpressionsTable(db),
      clips: new ClipsTable(db),
      schemaVersion: version,
      transaction: (work) => db.transaction(work)(),
      health: () => ({
        journalMode: String(db.pragma('journal_mode', { simple: true })),
        foreignKeys: db.pragma('foreign_keys', { simple: true }) === 1,
        integrity: String(db.pragma('integrity_check', { simple: true })),
      }),
      close: () => db.close(),
    };
  } catch (error) {
    db.close();
    throw error;
  }
}

function readonlyWrites(): LibraryWrites {
  return new Proxy({} as LibraryWrites, {
    get() {
      throw new Error('This project library is open read-only');
    },
  });
}
