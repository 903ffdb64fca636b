/** One measured figure in the `npm run bench` table. */
export interface BenchRow {
  /** Table section, e.g. "import", "head model". */
  group: string;
  /** What was measured, e.g. "thumbnail, 1350×1350 JPEG". */
  name: string;
  value: number;
  /** e.g. "ms", "photos/s", "MiB". */
  unit: string;
  /** Context: sample size, goal, machine detail. */
  note?: string;
}

/** A benchmark suite: one file `bench/<topic>.bench.ts`, listed in `bench/suites.ts`. */
export interface BenchSuite {
  name: string;
  run(): Promise<BenchRow[]>;
}

/** Median of repeated timings in milliseconds, after `warmup` untimed runs. */
export async function timeMedian(fn: () => unknown | Promise<unknown>, runs = 10, warmup = 2): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
