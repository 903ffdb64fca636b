import { EXPORT_JOINTS, type HeadModel } from '../head-model/head-model';
import { HeadModelEvaluator, type HeadParams } from '../head-model/head-model-evaluator';
import type { AnimationClip } from './animation-clip';
import { exportShapes } from '../expression/arkit-names';
import { defaultTextures, type HeadTextures } from './default-textures';
import { triangleParts } from '../head-model/triangle-parts';
import { DEFAULT_EYE_COLOURS, eyeballs, type EyeColours } from '../texture/eye-colours';
import { EYE_TEXTURE_DEFAULTS, eyeTexture } from '../texture/eye-texture';
import { encodePng } from './png-encode';

/** One joint of the exported rig, at rest (no rotation), positions in metres. */
export interface ExportJoint {
  name: string;
  parent: number;
  /** World position at rest. */
  position: [number, number, number];
  /**
   * The joint's pose in the file when it is not the rest pose: a local rotation (unit quaternion
   * x, y, z, w) relative to rest, e.g. the jaw of a head exported with an expression applied.
   */
  rotation?: [number, number, number, number];
}

export interface ExportMorph {
  name: string;
  /** N×3 position offsets (metres) per exported vertex. */
  deltas: Float32Array;
  /** Initial weight (the head's own expression coefficient). */
  weight: number;
}

/**
 * A head ready for any file format: vertices split at UV seams, identity baked in, a rest-pose
 * skeleton with four influences per vertex, expression morphs, textures and animation clips.
 */
export interface ExportHead {
  name: string;
  /** N×3 (metres, +Y up, face towards +Z). */
  positions: Float32Array;
  normals: Float32Array;
  /** N×2, OBJ convention (v up); null when the model has no UVs. */
  uvs: Float32Array | null;
  indices: Uint32Array;
  /** Model vertex each exported vertex came from. */
  sourceVertex: Uint32Array;
  /** Each triangle's part (`HEAD_PART`: skin, eyes, teeth, …), which decides its material (see `headMaterials`). */
  parts: Uint8Array;
  joints: ExportJoint[];
  /** N×4 joint indices and weights (weights sum to 1). */
  skinJoints: Uint16Array;
  skinWeights: Float32Array;
  morphs: ExportMorph[];
  textures: HeadTextures;
  animations: AnimationClip[];
}

export interface ExportHeadOptions {
  /** Include expression morphs (blendshapes). */
  blendshapes?: boolean;
  /** Textures to embed; defaults to a neutral skin albedo and a flat normal map. */
  textures?: HeadTextures | null;
  /** Side of generated default textures, in pixels. */
  textureSize?: number;
  /**
   * The person's eye colours for the eyes' texture (measured by the light/albedo stage); the default
   * eyes without. The eye texture is added to any textures that have an albedo, when the model has eyes.
   */
  eyeColours?: EyeColours | null;
  animations?: AnimationClip[];
}

export const EXPORT_HEAD_DEFAULTS = { blendshapes: true, textureSize: 1024 };

/**
 * Builds the export model of a head from any pack and any parameters: β is baked into the base
 * mesh, ψ becomes the initial morph weights, the skeleton is FLAME's tree with a `head` joint.
 *
 * ```ts
 * const head = buildExportHead(model, { shape: beta, expression: psi });
 * const glb = await writeGlb(head);
 * ```
 */
export function buildExportHead(model: HeadModel, params: HeadParams = {}, options: ExportHeadOptions = {}): ExportHead {
  const opts = { ...EXPORT_HEAD_DEFAULTS, ...options };
  const rest = new HeadModelEvaluator(model).evaluate({ shape: params.shape });
  const split = splitUvSeams(model);
  const positions = gather(rest.vertices, split.sourceVertex, 3);
  const normals = unitNormals(gather(rest.normals, split.sourceVertex, 3));

  const { joints, columnOf } = exportSkeleton(model, rest.joints);
  const { skinJoints, skinWeights } = topFourWeights(model, columnOf, split.sourceVertex);

  const morphs: ExportMorph[] = [];
  if (opts.blendshapes) {
    const V3 = model.vertexCount * 3;
    for (const shape of exportShapes(model.expression.names, model.expression.count)) {
      // A shape made of split halves (ICT's cheekPuff_L + cheekPuff_R) is their summed deltas; its
      // weight is the halves' mean, exact when both sides are equal (as ARKit's one shape assumes).
      const basis = new Float32Array(V3);
      for (const k of shape.sources) {
        const half = model.expression.data.subarray(k * V3, (k + 1) * V3);
        for (let i = 0; i < V3; i++) basis[i]! += half[i]!;
      }
      const weight = shape.sources.reduce((s, k) => s + clamp01(params.expression?.[k] ?? 0), 0) / shape.sources.length;
      morphs.push({ name: shape.name, deltas: gather(basis, split.sourceVertex, 3), weight });
    }
  }
  return {
    name: model.name,
    positions,
    normals,
    uvs: split.uvs,
    indices: split.indices,
    sourceVertex: split.sourceVertex,
    joints,
    skinJoints,
    skinWeights,
    morphs,
    parts: triangleParts(model),
    textures: withEyeTexture(model, options.textures ?? defaultTextures(opts.textureSize), options.eyeColours ?? null),
    animations: opts.animations ?? [],
  };
}

/** The textures with the eyes' texture added, when the model has eyes and the textures an albedo (not a textureless export). */
function withEyeTexture(model: HeadModel, textures: HeadTextures, colours: EyeColours | null): HeadTextures {
  if (!textures.albedo || textures.eye || !model.uv || eyeballs(model).length === 0) return textures;
  const size = EYE_TEXTURE_DEFAULTS.size;
  const data = eyeTexture(model, colours ?? DEFAULT_EYE_COLOURS, { size });
  return { ...textures, eye: encodePng({ width: size, height: size, channels: 3, data }) };
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

/** Normalises in place; a degenerate (zero) normal becomes +Z so every normal is a unit vector. */
function unitNormals(n: Float32Array): Float32Array {
  for (let i = 0; i < n.length; i += 3) {
    const len = Math.hypot(n[i]!, n[i + 1]!, n[i + 2]!);
    if (len > 1e-12) {
      n[i] = n[i]! / len;
      n[i + 1] = n[i + 1]! / len;
      n[i + 2] = n[i + 2]! / len;
    } else n.set([0, 0, 1], i);
  }
  return n;
}

function gather(src: ArrayLike<number>, map: Uint32Array, width: number): Float32Array {
  const out = new Float32Array(map.length * width);
  for (let i = 0; i < map.length; i++) for (let c = 0; c < width; c++) out[i * width + c] = src[map[i]! * width + c]!;
  return out;
}

/** One exported vertex per distinct (vertex, UV) corner pair, so every vertex has one UV. */
function splitUvSeams(model: HeadModel): { sourceVertex: Uint32Array; uvs: Float32Array | null; indices: Uint32Array } {
  // Vertices no triangle uses are dropped too: they have no normal and no place in a mesh file.
  const tri = model.triangles;
  const uvTri = model.uv?.triangles ?? tri;
  const key = new Map<number, number>();
  const source: number[] = [];
  const uvIndex: number[] = [];
  const indices = new Uint32Array(tri.length);
  const uvCount = model.uv ? model.uv.coords.length / 2 : model.vertexCount;
  for (let i = 0; i < tri.length; i++) {
    const k = tri[i]! * uvCount + uvTri[i]!;
    let out = key.get(k);
    if (out === undefined) {
      out = source.length;
      key.set(k, out);
      source.push(tri[i]!);
      uvIndex.push(uvTri[i]!);
    }
    indices[i] = out;
  }
  if (!model.uv) return { sourceVertex: Uint32Array.from(source), uvs: null, indices };
  const uvs = new Float32Array(source.length * 2);
  for (let i = 0; i < source.length; i++) {
    uvs[i * 2] = model.uv.coords[uvIndex[i]! * 2]!;
    uvs[i * 2 + 1] = model.uv.coords[uvIndex[i]! * 2 + 1]!;
  }
  return { sourceVertex: Uint32Array.from(source), uvs, indices };
}

/**
 * FLAME's tree with the joints every export has (root, neck, head, jaw, eye_L, eye_R). A model
 * without a `head` joint gets one at its neck, and the neck's other children hang from it.
 */
function exportSkeleton(model: HeadModel, restJoints: Float32Array): { joints: ExportJoint[]; columnOf: Int32Array } {
  const names = model.joints.names;
  const pos = (j: number): [number, number, number] => [restJoints[j * 3]!, restJoints[j * 3 + 1]!, restJoints[j * 3 + 2]!];
  const joints: ExportJoint[] = [];
  const columnOf = new Int32Array(names.length).fill(-1);
  const order = [...EXPORT_JOINTS.filter((n) => names.includes(n) || n === 'head'), ...names.filter((n) => !(EXPORT_JOINTS as readonly string[]).includes(n))];
  const neck = names.indexOf('neck');
  for (const name of order) {
    const j = names.indexOf(name);
    if (j >= 0) {
      columnOf[j] = joints.length;
      joints.push({ name, parent: -1, position: pos(j) });
    } else {
      // Synthesised head joint: at the neck (or root), carrying no weight of its own.
      joints.push({ name, parent: -1, position: pos(neck >= 0 ? neck : 0) });
    }
  }
  const headIndex = joints.findIndex((j) => j.name === 'head');
  const headIsOwn = names.includes('head');
  for (let e = 0; e < joints.length; e++) {
    const j = names.indexOf(joints[e]!.name);
    if (j < 0) {
      joints[e]!.parent = neck >= 0 ? columnOf[neck]! : 0;
      continue;
    }
    const p = model.joints.parents[j]!;
    let parent = p < 0 ? -1 : columnOf[p]!;
    if (!headIsOwn && p === neck && e !== headIndex && parent >= 0) parent = headIndex;
    joints[e]!.parent = parent;
  }
  return { joints, columnOf };
}

/** The four largest influences per exported vertex, renormalised (glTF's JOINTS_0/WEIGHTS_0). */
function topFourWeights(model: HeadModel, columnOf: Int32Array, source: Uint32Array): { skinJoints: Uint16Array; skinWeights: Float32Array } {
  const J = model.joints.names.length;
  const N = source.length;
  const skinJoints = new Uint16Array(N * 4);
  const skinWeights = new Float32Array(N * 4);
  const bestJ = new Int32Array(4);
  const bestW = new Float64Array(4);
  for (let i = 0; i < N; i++) {
    bestJ.fill(-1);
    bestW.fill(0);
    const row = source[i]! * J;
    for (let j = 0; j < J; j++) {
      const w = model.skinWeights[row + j]!;
      if (w <= bestW[3]!) continue;
      let k = 3;
      while (k > 0 && w > bestW[k - 1]!) {
        bestW[k] = bestW[k - 1]!;
        bestJ[k] = bestJ[k - 1]!;
        k--;
      }
      bestW[k] = w;
      bestJ[k] = j;
    }
    const sum = bestW[0]! + bestW[1]! + bestW[2]! + bestW[3]!;
    for (let k = 0; k < 4; k++) {
      if (sum > 0 && bestJ[k]! >= 0) {
        skinJoints[i * 4 + k] = columnOf[bestJ[k]!]!;
        skinWeights[i * 4 + k] = bestW[k]! / sum;
      } else if (k === 0) {
        skinWeights[i * 4] = 1; // unweighted vertex: follow the root
      }
    }
  }
  return { skinJoints, skinWeights };
}
