import os from 'node:os';
import type { BenchRow } from './bench-types';
import { SUITES } from './suites';

// Entry of `npm run bench`: runs every suite (or those named on the command line) and prints one table.
async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const rows: BenchRow[] = [];
  for (const suite of SUITES) {
    if (wanted.length && !wanted.includes(suite.name)) continue;
    process.stderr.write(`running ${suite.name}…\n`);
    try {
      rows.push(...(await suite.run()));
    } catch (error) {
      rows.push({ group: suite.name, name: `FAILED: ${(error as Error).message}`, value: NaN, unit: '' });
    }
  }
  const cpu = os.cpus()[0]?.model ?? 'cpu';
  console.log(`\nDECA Studio benchmarks — ${os.cpus().length} cores (${cpu}), Node ${process.version}\n`);
  const head = ['group', 'measure', 'value', 'unit', 'note'];
  const table = rows.map((r) => [r.group, r.name, Number.isFinite(r.value) ? format(r.value) : '—', r.unit, r.note ?? '']);
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of table) console.log(line(row));
}

function format(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
