import type { BenchSuite } from './bench-types';
import { exportSuite } from './export.bench';
import { headModelSuite } from './head-model.bench';
import { importSuite } from './import.bench';
import { perceptionSuite } from './perception.bench';
import { reconstructSuite } from './reconstruct.bench';

/** Every benchmark suite. A new suite: `bench/<topic>.bench.ts` and one line here. */
export const SUITES: readonly BenchSuite[] = [importSuite, exportSuite, headModelSuite, perceptionSuite, reconstructSuite];
