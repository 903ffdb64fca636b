// Refuses imports that cross the runtime boundaries (VS Code style): the folder says the runtime.
// tsconfig `types`/`lib` per folder already fail most mistakes; this names the rule when they would not
// (a type-only import, a package that brings its own types, a relative path into another folder).
// Inside core/ it also keeps the layers in order and allows only the listed npm packages.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.argv[2] ? path.resolve(process.argv[2]) : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const NATIVE = ['electron', 'better-sqlite3', 'sharp', 'onnxruntime-node', 'ws'];
const UI = ['vue', 'pinia', '@babylonjs/core', '@babylonjs/loaders', 'vue-router'];

/**
 * core/'s folders in layers, lowest first. A folder imports only from itself and from lower layers,
 * so peers in one layer stay independent and nothing lower can reach up (no cycles):
 *   api                      the API contract and its errors
 *   limits                   the table of input limits (sizes from files and sockets)
 *   head-model               the head model, its formats and its evaluator
 *   geometry, perception     cameras, posing, the one rasteriser, SH basis; image maths of face detection
 *   texture, starter-head    baking photos into the model's UV layout; the starter head from the face mesh
 *   reconstruct              fitting, photometric samples, lighting and albedo, shaded renders
 *   deca                     DECA's encoder codes turned into fits; DECA's detail maps on a pack
 *   detail                   the detail stage: UV displacement, its solve, codes and decoder, detail normals
 *   expression               expressions as data: ARKit names and weights, transfer between packs, clips
 *   export                   GLB/FBX files of a reconstructed head
 * A new folder in core/ must be placed here.
 */
const CORE_LAYERS = [['api'], ['limits'], ['head-model'], ['geometry', 'perception'], ['texture', 'starter-head'], ['reconstruct'], ['deca'], ['detail'], ['expression'], ['export']];
/** The only npm packages core/ may import: pure JavaScript that runs anywhere (zip/deflate, glTF documents). */
const CORE_PACKAGES = ['fflate', '@gltf-transform/core'];
const CORE_LAYER = new Map(CORE_LAYERS.flatMap((folders, layer) => folders.map((f) => [f, layer])));

/** folder → which other top-level folders and which packages it must not import (`allow`: only these packages). */
const RULES = {
  core: { folders: ['main', 'preload', 'renderer', 'native-models', 'tests', 'bench'], packages: [], allow: CORE_PACKAGES, node: false },
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
    // Comments may quote code (`(export "blend4")` in a WebAssembly listing): only code counts.
    const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    for (const match of text.matchAll(IMPORT_RE)) {
      const spec = match[1] ?? match[2] ?? match[3];
      const where = `${path.relative(root, file)}: imports '${spec}'`;
      if (spec.startsWith('.')) {
        const targetPath = path.relative(root, path.resolve(path.dirname(file), spec)).split(path.sep);
        const target = targetPath[0];
        if (rule.folders.includes(target)) problems.push(`${where} (${folder}/ must not import ${target}/)`);
        else if (folder === 'core' && target === 'core') {
          const problem = coreLayerProblem(path.relative(path.join(root, 'core'), file).split(path.sep), targetPath.slice(1));
          if (problem) problems.push(`${where} (${problem})`);
        }
      } else if (NODE_BUILTINS.has(spec) && !rule.node) {
        problems.push(`${where} (${folder}/ runs without Node: inject the I/O instead)`);
      } else if (rule.allow && !rule.allow.some((p) => spec === p || spec.startsWith(`${p}/`))) {
        problems.push(`${where} (not allowed in ${folder}/: it may import only ${rule.allow.join(', ')})`);
      } else if (rule.packages.some((p) => spec === p || spec.startsWith(`${p}/`))) {
        problems.push(`${where} (not allowed in ${folder}/)`);
      } else if (OWNED[spec] && !path.relative(root, file).split(path.sep).join('/').startsWith(`${OWNED[spec]}/`)) {
        problems.push(`${where} (only ${OWNED[spec]}/ may use ${spec}: go through its typed readers and writers)`);
      }
    }
  }
}

/** Why an import from core/<from…> of core/<to…> breaks the layer order; null when it keeps it. */
function coreLayerProblem(from, to) {
  // Files directly in core/ belong to no folder; imports within one folder are free.
  if (from.length < 2 || to.length < 2 || from[0] === to[0]) return null;
  const [a, b] = [CORE_LAYER.get(from[0]), CORE_LAYER.get(to[0])];
  if (a === undefined) return `core/${from[0]}/ is in no layer: place it in CORE_LAYERS`;
  if (b === undefined) return `core/${to[0]}/ is in no layer: place it in CORE_LAYERS`;
  if (b < a) return null;
  return b === a
    ? `core/${from[0]}/ and core/${to[0]}/ are peers in one layer and stay independent`
    : `core/${from[0]}/ (layer ${a}) must not import core/${to[0]}/ (layer ${b}): lower layers never import higher ones`;
}

if (problems.length) {
  console.error(`Import boundaries broken:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('boundaries: ok');
