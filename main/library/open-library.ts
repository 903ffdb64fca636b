import Database from 'better-sqlite3';
import { LibraryReads } from './library-reads';
import { LibraryWrites } from './library-writes';
import { migrate, schemaVersion } from './migrations/index';

export interface OpenLibraryOptions {
  /** Open without migrating or writing (e.g. for `deca-studio subjects` while the studio runs). */
  readonly?: boolean;
}

export const OPEN_LIBRARY_DEFAULTS: Required<OpenLibraryOptions> = { readonly: false };

export interface ProjectLibrary {
  readonly db: Database.Database;
  readonly reads: LibraryReads;
  /** Throws when the library was opened read-only. */
  readonly writes: LibraryWrites;
  readonly schemaVersion: number;
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
    return { db, reads, writes, schemaVersion: version, close: () => db.close() };
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
