// Refuses imports that cross the runtime boundaries (VS Code style): the folder says the runtime.
// tsconfig `types`/`lib` per folder already fail most mistakes; this names the rule when they would not
// (a type-only import, a package that brings its own types, a relative path into another folder).
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.argv[2] ? path.resolve(process.argv[2]) : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const NATIVE = ['electron', 'better-sqlite3', 'sharp', 'onnxruntime-node', 'ws'];
const UI = ['vue', 'pinia', '@babylonjs/core', '@babylonjs/loaders', 'vue-router'];

/** folder → which other top-level folders and which packages it must not import. */
const RULES = {
  core: { folders: ['main', 'preload', 'renderer', 'native-models', 'tests', 'bench'], packages: [...NATIVE, ...UI], node: false },
  renderer: { folders: ['main', 'preload', 'native-models', 'tests', 'bench'], packages: NATIVE, node: false },
  preload: { folders: ['main', 'renderer', 'native-models', 'tests', 'bench'], packages: [...UI, 'better-sqlite3', 'sharp', 'onnxruntime-node', 'ws'], node: true },
  main: { folders: ['renderer', 'preload', 'tests', 'bench'], packages: UI, node: true },
  'native-models': { folders: ['renderer', 'preload', 'main', 'tests', 'bench'], packages: UI, node: true },
};

/** Packages only one folder may import: SQL lives behind main/library's typed readers and writers. */
const OWNED = { 'better-sqlite3': 'main/library' };

const IMPORT_RE = /(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'build' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(full);
    else if (/\.(ts|vue|mts|cts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) yield full;
  }
}

const problems = [];
for (const [folder, rule] of Object.entries(RULES)) {
  const dir = path.join(root, folder);
  let files;
  try {
    files = [...sourceFiles(dir)];
  } catch {
    continue;
  }
  for (const file of files) {
    // The renderer's Vite config runs in Node at build time, not in the page.
    if (folder === 'renderer' && path.basename(file) === 'vite.config.ts') continue;
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(IMPORT_RE)) {
      const spec = match[1] ?? match[2] ?? match[3];
      const where = `${path.relative(root, file)}: imports '${spec}'`;
      if (spec.startsWith('.')) {
        const target = path.relative(root, path.resolve(path.dirname(file), spec)).split(path.sep)[0];
        if (rule.folders.includes(target)) problems.push(`${where} (${folder}/ must not import ${target}/)`);
      } else if (NODE_BUILTINS.has(spec) && !rule.node) {
        problems.push(`${where} (${folder}/ runs without Node: inject the I/O instead)`);
      } else if (rule.packages.some((p) => spec === p || spec.startsWith(`${p}/`))) {
        problems.push(`${where} (not allowed in ${folder}/)`);
      } else if (OWNED[spec] && !path.relative(root, file).split(path.sep).join('/').startsWith(`${OWNED[spec]}/`)) {
        problems.push(`${where} (only ${OWNED[spec]}/ may use ${spec}: go through its typed readers and writers)`);
      }
    }
  }
}

if (problems.length) {
  console.error(`Import boundaries broken:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('boundaries: ok');
