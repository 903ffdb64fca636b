import type { BenchSuite } from './bench-types';
import { importSuite } from './import.bench';

/** Every benchmark suite. A new suite: `bench/<topic>.bench.ts` and one line here. */
export const SUITES: readonly BenchSuite[] = [importSuite];
