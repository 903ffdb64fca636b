// `npm test`: the whole suite, as CI runs it. Type check and import boundaries, build, unit and
// integration tests, then end-to-end tests in Debian's Chromium against browser mode.
// Ends with one line "Tests: N passed, N failed" summing both vitest projects.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const reports = path.join(root, 'tests/.tmp/reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

const node = (script, args = []) => [process.execPath, [path.join(root, script), ...args]];
function step(name, [cmd, args]) {
  const t0 = Date.now();
  console.log(`\n== ${name} ==`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.CI ? '0' : '1' } });
  console.log(`== ${name}: ${r.status === 0 ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return r.status === 0;
}

// End-to-end tests drive Debian's Chromium; install it on a fresh machine when we may.
if (!existsSync('/usr/bin/chromium') && process.platform === 'linux') {
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    step('install chromium (apt)', ['/bin/sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium']]);
  } else {
    console.error('End-to-end tests need Debian\'s Chromium: sudo apt-get install chromium');
  }
}

if (!step('type check', node('node_modules/vue-tsc/bin/vue-tsc.js', ['-b']))) process.exit(1);
if (!step('import boundaries', node('scripts/check-boundaries.mjs'))) process.exit(1);
if (!step('build', node('scripts/build.mjs'))) process.exit(1);

let allOk = true;
for (const project of ['unit', 'e2e']) {
  const outputFile = path.join(reports, `${project}.json`);
  const ok = step(`${project} tests`, node('node_modules/vitest/vitest.mjs', ['run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${outputFile}`]));
  allOk &&= ok;
}

let passed = 0;
let failed = 0;
let skipped = 0;
for (const project of ['unit', 'e2e']) {
  const file = path.join(reports, `${project}.json`);
  if (!existsSync(file)) {
    failed++;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  // A suite that fails to load has no failed test but is a failure all the same.
  failed += report.testResults.filter((r) => r.status === 'failed' && r.assertionResults.every((a) => a.status !== 'failed')).length;
}
console.log(`\nTests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(allOk && failed === 0 && passed > 0 ? 0 : 1);
