import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/** A fresh folder under the OS temp dir, removed by the returned cleanup. */
export function makeTempDir(prefix = 'deca-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A temp folder for a test file, with `DECA_STUDIO_HOME` at home/ inside it while the file's tests
 * run (restored after), so that the in-process CLI's settings and packs stay out of the user's.
 * Call at the top of the file; `dir` is there once the tests run.
 *
 * ```ts
 * const tmp = useTempStudioHome('deca-zip-limits-');
 * it('…', async () => runCli(['packs', 'import', path.join(tmp.dir, 'bomb.zip')], io));
 * ```
 */
export function useTempStudioHome(prefix: string): { readonly dir: string } {
  const saved = process.env.DECA_STUDIO_HOME;
  let tmp: ReturnType<typeof makeTempDir> | null = null;
  beforeAll(() => {
    tmp = makeTempDir(prefix);
    process.env.DECA_STUDIO_HOME = path.join(tmp.dir, 'home');
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.DECA_STUDIO_HOME;
    else process.env.DECA_STUDIO_HOME = saved;
    tmp?.cleanup();
  });
  return {
    get dir() {
      if (!tmp) throw new Error('useTempStudioHome: the folder exists only while the tests run');
      return tmp.dir;
    },
  };
}

/** The shared test material beside the repository (photos, ICT-FaceKit). */
export const SHARED_DIR = process.env.DECA_SHARED_DIR ?? path.resolve(__dirname, '../../../shared');
export const SHARED_PHOTOS = path.join(SHARED_DIR, 'photos');
