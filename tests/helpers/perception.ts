import os from 'node:os';
import path from 'node:path';
import { ensureModels } from '../../native-models/ensure-models';
import type { ModelId } from '../../native-models/model-catalog';
import { SHARED_PHOTOS } from './temp-dir';

/**
 * One model cache for every test process of a run (and later runs): the first test file to need a
 * model converts it, the others find it there. Conversion is atomic, so parallel files are safe.
 */
export const TEST_MODEL_DIR = process.env.DECA_MODELS_DIR || path.join(os.tmpdir(), 'deca-studio-test-models');

/** Paths of the converted models (converting what is missing or stale). */
export function testModelFiles(): Record<ModelId, string> {
  return ensureModels({ cacheDir: TEST_MODEL_DIR });
}

export const LONDON = path.join(SHARED_PHOTOS, 'london_frl');
export const LONDON_PEOPLE = ['p002', 'p005', 'p021', 'p025'] as const;

/** A London-set photo: `londonPhoto('p002', 'neutral_front')` → …/p002/002_03_neutral_front.jpg. */
export function londonPhoto(person: (typeof LONDON_PEOPLE)[number], view: string): string {
  const n = person.slice(1);
  const index: Record<string, string> = {
    neutral_left_profile: '01',
    neutral_left_3quarter: '02',
    neutral_front: '03',
    neutral_right_3quarter: '04',
    neutral_right_profile: '05',
    smiling_left_3quarter: '07',
    smiling_front: '08',
    smiling_right_3quarter: '09',
  };
  return path.join(LONDON, person, `${n}_${index[view]}_${view}.jpg`);
}
