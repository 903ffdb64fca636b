import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildFaceRecognitionNet, buildLandmark68Net } from './converters/face-api-nets';
import { convertTfjsGraph, type TfjsGraphNode } from './converters/tfjs-graph-net';
import type { OnnxDim } from './onnx/onnx-graph';
import { readTfjsWeights } from './tfjs-weights';

/** The face models DECA Studio converts from npm-shipped TFJS weights. */
export type ModelId = 'blazeface' | 'facemesh' | 'iris' | 'landmark68' | 'recognition';

export interface TensorSpec {
  name: string;
  shape: OnnxDim[];
}

/** One converted model: where its weights come from and how it is called. */
export interface ModelSpec {
  id: ModelId;
  /** npm package that ships the weights. */
  package: '@vladmandic/human' | '@vladmandic/face-api';
  /** Source files, relative to the package folder (the JSON first, then the weight shards). */
  sources: string[];
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  /** What the input holds: pixel range and layout. */
  inputNote: string;
  /** Builds the ONNX bytes from the package folder. */
  convert(packageDir: string): Uint8Array;
}

/** Bumped whenever a converter's output changes, so cached ONNX files are rebuilt. */
export const CONVERTER_VERSION = 1;

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

function graphModel(packageDir: string, file: string, name: string, outputs: Record<string, TensorSpec>): Uint8Array {
  const json = readJson(path.join(packageDir, file));
  const weights = readTfjsWeights(json.weightsManifest, path.dirname(path.join(packageDir, file)));
  return convertTfjsGraph(name, json.modelTopology.node as TfjsGraphNode[], weights, outputs);
}

function faceApiModel(packageDir: string, manifest: string, build: typeof buildLandmark68Net): Uint8Array {
  const file = path.join(packageDir, manifest);
  return build(readTfjsWeights(readJson(file), path.dirname(file)));
}

const BLAZEFACE_OUT: Record<string, TensorSpec> = {
  Identity: { name: 'scores_16', shape: [1, 512, 1] },
  Identity_2: { name: 'boxes_16', shape: [1, 512, 16] },
  Identity_1: { name: 'scores_8', shape: [1, 384, 1] },
  Identity_3: { name: 'boxes_8', shape: [1, 384, 16] },
};
const FACEMESH_OUT: Record<string, TensorSpec> = {
  Identity_2: { name: 'mesh', shape: ['batch', 1404] },
  Identity_1: { name: 'face_flag', shape: ['batch', 1] },
};
/** MediaPipe's iris landmark model: 71 eye-contour and brow points, then 5 iris points, x y z each in crop pixels. */
const IRIS_OUT: Record<string, TensorSpec> = {
  Identity: { name: 'eye_points', shape: ['batch', 1, 1, 228] },
};

/**
 * Every model, in pipeline order.
 *
 * ```ts
 * const spec = MODEL_CATALOG.find((m) => m.id === 'landmark68')!;
 * ```
 */
export const MODEL_CATALOG: readonly ModelSpec[] = [
  {
    id: 'blazeface',
    package: '@vladmandic/human',
    sources: ['models/blazeface.json', 'models/blazeface.bin'],
    inputs: [{ name: 'input', shape: [1, 256, 256, 3] }],
    outputs: Object.values(BLAZEFACE_OUT),
    inputNote: 'RGB scaled to -1..1, NHWC, whole image letterboxed to 256×256',
    convert: (dir) => graphModel(dir, 'models/blazeface.json', 'blazeface', BLAZEFACE_OUT),
  },
  {
    id: 'facemesh',
    package: '@vladmandic/human',
    sources: ['models/facemesh.json', 'models/facemesh.bin'],
    inputs: [{ name: 'input_1', shape: ['batch', 192, 192, 3] }],
    outputs: Object.values(FACEMESH_OUT),
    inputNote: 'RGB scaled to 0..1, NHWC, face crop 192×192',
    convert: (dir) => graphModel(dir, 'models/facemesh.json', 'facemesh', FACEMESH_OUT),
  },
  {
    id: 'iris',
    package: '@vladmandic/human',
    sources: ['models/iris.json', 'models/iris.bin'],
    inputs: [{ name: 'input_1', shape: ['batch', 64, 64, 3] }],
    outputs: Object.values(IRIS_OUT),
    inputNote: "RGB scaled to 0..1, NHWC, 64×64 crop of one eye as the image's left eye appears (the other eye mirrored)",
    convert: (dir) => graphModel(dir, 'models/iris.json', 'iris', IRIS_OUT),
  },
  {
    id: 'landmark68',
    package: '@vladmandic/face-api',
    sources: ['model/face_landmark_68_model-weights_manifest.json', 'model/face_landmark_68_model.bin'],
    inputs: [{ name: 'image', shape: ['batch', 112, 112, 3] }],
    outputs: [{ name: 'landmarks', shape: ['batch', 136] }],
    inputNote: 'RGB 0..255, NHWC, square face crop 112×112',
    convert: (dir) => faceApiModel(dir, 'model/face_landmark_68_model-weights_manifest.json', buildLandmark68Net),
  },
  {
    id: 'recognition',
    package: '@vladmandic/face-api',
    sources: ['model/face_recognition_model-weights_manifest.json', 'model/face_recognition_model.bin'],
    inputs: [{ name: 'image', shape: ['batch', 150, 150, 3] }],
    outputs: [{ name: 'descriptor', shape: ['batch', 128] }],
    inputNote: 'RGB 0..255, NHWC, aligned face chip 150×150',
    convert: (dir) => faceApiModel(dir, 'model/face_recognition_model-weights_manifest.json', buildFaceRecognitionNet),
  },
];

/** The spec of one model; throws for an unknown id. */
export function modelSpec(id: ModelId): ModelSpec {
  const spec = MODEL_CATALOG.find((m) => m.id === id);
  if (!spec) throw new Error(`Unknown model "${id}"; known: ${MODEL_CATALOG.map((m) => m.id).join(', ')}`);
  return spec;
}
