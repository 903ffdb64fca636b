import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh folder under the OS temp dir, removed by the returned cleanup. */
export function makeTempDir(prefix = 'deca-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The shared test material beside the repository (photos, ICT-FaceKit). */
export const SHARED_DIR = process.env.DECA_SHARED_DIR ?? path.resolve(__dirname, '../../../shared');
export const SHARED_PHOTOS = path.join(SHARED_DIR, 'photos');
