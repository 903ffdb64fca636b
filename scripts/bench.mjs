// `npm run bench`: builds the benchmark bundle, then runs it (one table on stdout).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const step = (args) => {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
step([path.join(root, 'scripts/build.mjs'), '--skip-renderer']);
step(['--expose-gc', path.join(root, 'out/bench/bench.cjs'), ...process.argv.slice(2)]);
