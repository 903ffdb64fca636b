import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../core/api/api-error';
import type { ProjectInfo } from '../../core/api/contract';
import { openLibrary, type ProjectLibrary } from '../library/open-library';
import { ContentStore } from './content-store';
import { makePrivateDir, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './make-private-dir';
import { ProjectLock } from './project-lock';

export const LIBRARY_FILE = 'library.sqlite';
const LOCK_FILE = 'project.lock';

/** An open project: its folder, library, content store and (when writable) its lock. */
export interface Project {
  readonly dir: string;
  readonly library: ProjectLibrary;
  readonly store: ContentStore;
  readonly writable: boolean;
  info(): ProjectInfo;
  close(): Promise<void>;
}

export interface OpenProjectOptions {
  /** Open without the write lock, migrations or recovery (concurrent reads from the CLI). */
  readonly?: boolean;
}

/**
 * Creates a project folder (`<dir>/library.sqlite`, `photos/`, `thumbs/`, `tmp/`) and opens it. The
 * folder and everything in it are readable by the owner only (0700/0600 on POSIX): they hold photos of people.
 *
 * ```ts
 * const project = await createProject('/home/ann/Portraits.decastudio', 'Portraits');
 * ```
 */
export async function createProject(dir: string, name: string): Promise<Project> {
  const abs = path.resolve(dir);
  if (existsSync(path.join(abs, LIBRARY_FILE))) {
    throw new ApiError('conflict', `${abs} is already a DECA Studio project; open it instead`);
  }
  const entries = await fs.readdir(abs).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  if (entries.length > 0) throw new ApiError('conflict', `${abs} exists and is not empty; choose a new folder`);
  await makePrivateDir(abs).catch((error: Error) => {
    throw new ApiError('bad-request', error.message);
  });
  // An empty folder the user picked becomes private too; the library exists before SQLite opens it, so
  // SQLite gives its -wal and -shm files the same owner-only mode.
  await fs.chmod(abs, PRIVATE_DIR_MODE).catch(() => undefined);
  await fs.writeFile(path.join(abs, LIBRARY_FILE), new Uint8Array(0), { flag: 'wx', mode: PRIVATE_FILE_MODE });
  const project = await openProject(abs, {}, { create: true });
  project.library.writes.setMeta('name', name);
  return project;
}

/**
 * Opens an existing project. Writable opens take the project lock, migrate the library, mark
 * jobs a crashed process left running as interrupted and sweep orphan files.
 *
 * ```ts
 * const project = await openProject('/home/ann/Portraits.decastudio');
 * ```
 */
export async function openProject(
  dir: string,
  options: OpenProjectOptions = {},
  internal: { create?: boolean } = {},
): Promise<Project> {
  const abs = path.resolve(dir);
  const libraryFile = path.join(abs, LIBRARY_FILE);
  if (!internal.create && !existsSync(libraryFile)) {
    throw new ApiError('not-found', `${abs} is not a DECA Studio project (no ${LIBRARY_FILE})`);
  }
  const readonly = options.readonly ?? false;
  const lock = readonly ? null : await ProjectLock.acquire(path.join(abs, LOCK_FILE));
  try {
    const store = new ContentStore(abs);
    const library = openLibrary(libraryFile, { readonly });
    if (!readonly) {
      await store.ensureLayout();
      library.writes.interruptUnfinishedJobs();
      await store.sweepOrphans(library.reads.referencedContent());
    }
    return {
      dir: abs,
      library,
      store,
      writable: !readonly,
      info: () => {
        const counts = library.reads.counts();
        return {
          path: abs,
          name: library.reads.getMeta('name') ?? path.basename(abs, '.decastudio'),
          schemaVersion: library.schemaVersion,
          subjectCount: counts.subjects,
          photoCount: counts.photos,
          writable: !readonly,
        };
      },
      close: async () => {
        library.close();
        await lock?.release();
      },
    };
  } catch (error) {
    await lock?.release();
    throw error;
  }
}
