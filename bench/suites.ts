import type { BenchSuite } from './bench-types';
import { headModelSuite } from './head-model.bench';
import { importSuite } from './import.bench';

/** Every benchmark suite. A new suite: `bench/<topic>.bench.ts` and one line here. */
export const SUITES: readonly BenchSuite[] = [importSuite, headModelSuite];
