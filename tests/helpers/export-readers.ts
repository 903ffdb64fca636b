import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './cli';

export interface BlenderMesh {
  name: string;
  vertices: number;
  triangles: number;
  height: number;
  width: number;
  uv_layers: number;
  materials: string[];
  shape_keys: string[];
  /** Each shape key's value as the file sets it (a posed head's initial blendshape weights). */
  shape_key_values?: Record<string, number>;
  armature_modifier: boolean;
  vertex_groups: string[];
  jaw_open_max?: { length: number; delta: [number, number, number]; at: [number, number, number] };
  /** How far the file's pose (bones, shape-key values) moves the mesh from rest, in Blender's world units. */
  posed_max_move: number;
}

export interface BlenderReport {
  meshes: BlenderMesh[];
  /** `pose`: each bone's rotation in the file's pose, as Blender reads it (w, x, y, z). */
  armatures: { name: string; bones: string[]; pose: Record<string, [number, number, number, number]> }[];
  images: string[];
  actions: string[];
  /** Blender's version, e.g. [3, 4, 1]. */
  blender: [number, number, number];
  /** Every animated target (F-curve data path) of every action, sorted and without repeats. */
  animated: string[];
  /** With `curves: true`: the scene's frame rate and every F-curve's keys as [frame, value]. */
  fps?: number;
  curves?: { action: string; path: string; index: number; keys: [number, number][] }[];
}

/**
 * The Blender the export tests import into: Debian's (3.4) unless `DECA_TEST_BLENDER` names another
 * executable, e.g. a Blender 4.4 or later, whose slotted actions let one action hold the shape keys
 * and the bones (the clip tests then check that too).
 */
const BLENDER = process.env.DECA_TEST_BLENDER || 'blender';
export const HAVE_BLENDER = process.env.DECA_TEST_BLENDER ? existsSync(process.env.DECA_TEST_BLENDER) : existsSync('/usr/bin/blender');

/** Imports a GLB or FBX into headless Blender and reports what it sees. */
export function inspectInBlender(file: string, options: { curves?: boolean } = {}): BlenderReport {
  const script = path.join(REPO_ROOT, 'tests/export-readers/blender-inspect.py');
  const r = spawnSync(BLENDER, ['-b', '--factory-startup', '--python', script, '--', file, ...(options.curves ? ['--curves'] : [])], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 180_000 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('INSPECT '));
  if (!line) throw new Error(`Blender did not import ${file}:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
  return JSON.parse(line.slice('INSPECT '.length)) as BlenderReport;
}

/** Converts FBX → glTF with fbx2gltf (Autodesk FBX SDK inside); returns the output folder's glTF path. */
export function fbxToGltf(fbx: string, outBase: string): { ok: boolean; log: string; gltf: string } {
  const exe = path.join(REPO_ROOT, 'node_modules/fbx2gltf/bin/Linux/FBX2glTF');
  chmodSync(exe, 0o755); // npm does not keep the executable bit of this binary
  const r = spawnSync(exe, ['--input', fbx, '--output', outBase, '--binary', '--verbose'], { encoding: 'utf8', timeout: 120_000 });
  return { ok: r.status === 0, log: `${r.stdout}\n${r.stderr}`, gltf: `${outBase}.glb` };
}
