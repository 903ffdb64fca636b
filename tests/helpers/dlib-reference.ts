import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SHARED_DIR } from './temp-dir';

/** dlib's 68-point shape predictor run on the shared photos (../shared/reference), an independent detector to check ours against. */
export const DLIB_REFERENCE_FILE = path.join(SHARED_DIR, 'reference', 'dlib68-shared-photos.json');

export type ViewKind = 'frontal' | '3/4' | 'profile';

/** The reference's points per photo file (absolute path); null where dlib found no face. */
export function loadDlibReference(): Map<string, number[][] | null> {
  const raw = JSON.parse(readFileSync(DLIB_REFERENCE_FILE, 'utf8')) as Record<string, { pts: number[][] }[]>;
  return new Map(Object.entries(raw).map(([key, faces]) => [path.join(SHARED_DIR, key), faces[0]?.pts ?? null]));
}

/** A London-set photo's view from its name (…_front, …_3quarter, …_profile). */
export function londonView(file: string): ViewKind {
  const name = path.basename(file);
  if (name.includes('_front')) return 'frontal';
  if (name.includes('_3quarter')) return '3/4';
  if (name.includes('_profile')) return 'profile';
  throw new Error(`${name} is not a London-set view`);
}
