import type { Database } from 'better-sqlite3';
import { migration001Initial } from './001-initial';
import { migration002Jobs } from './002-jobs';
import { migration003Reconstructions } from './003-reconstructions';
import { migration004FaceAnalyses } from './004-face-analyses';
import { migration005SubjectAlbedos } from './005-subject-albedos';
import { migration006ResultsRepository } from './006-results-repository';
import { migration007Expressions } from './007-expressions';
import { migration008Clips } from './008-clips';
import { migration009PhotoPins } from './009-photo-pins';

/** A numbered schema step. `up` runs inside a transaction; the version lives in PRAGMA user_version. */
export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}

/** Every migration, in order. Append only: a shipped migration never changes. */
export const MIGRATIONS: readonly Migration[] = [migration001Initial, migration002Jobs, migration003Reconstructions, migration004FaceAnalyses, migration005SubjectAlbedos, migration006ResultsRepository, migration007Expressions, migration008Clips, migration009PhotoPins];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** The schema version recorded in the database (0 for a new file). */
export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the database up to `target` (default: latest), one transaction per step, so a crash
 * leaves it at a whole version. A database newer than this build is refused rather than touched.
 *
 * ```ts
 * migrate(db); // 0 → 3
 * ```
 */
export function migrate(db: Database, target = LATEST_SCHEMA_VERSION): void {
  const current = schemaVersion(db);
  if (current > LATEST_SCHEMA_VERSION) {
    throw new Error(
      `This project was written by a newer DECA Studio (schema ${current}; this build knows up to ${LATEST_SCHEMA_VERSION}). Update the app to open it.`,
    );
  }
  for (const migration of MIGRATIONS) {
    if (migration.version <= current || migration.version > target) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}
