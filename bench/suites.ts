import type { BenchSuite } from './bench-types';
import { clipsSuite } from './clips.bench';
import { detailSuite } from './detail.bench';
import { exportSuite } from './export.bench';
import { expressionSuite } from './expression.bench';
import { headModelSuite } from './head-model.bench';
import { importSuite } from './import.bench';
import { perceptionSuite } from './perception.bench';
import { pipelineSuite } from './pipeline.bench';
import { pinsSuite } from './pins.bench';
import { poseSuite } from './pose.bench';
import { reconstructSuite } from './reconstruct.bench';

/** Every benchmark suite. A new suite: `bench/<topic>.bench.ts` and one line here. */
export const SUITES: readonly BenchSuite[] = [pipelineSuite, detailSuite, importSuite, exportSuite, headModelSuite, perceptionSuite, reconstructSuite, pinsSuite, poseSuite, expressionSuite, clipsSuite];
