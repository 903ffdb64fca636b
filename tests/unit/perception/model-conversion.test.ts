import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eyeCrops } from '../../../core/perception/eye-lids';
import { landmarkCropFromBox, meshCrop, recognitionChip, type Point2 } from '../../../core/perception/face-crops';
import { buildPyramid, squareCrop, warpFromPyramid, type RgbImage } from '../../../core/perception/image-warp';
import { decodePhoto } from '../../../main/perception/decode-photo';
import { FaceAnalyzer } from '../../../main/perception/face-analyzer';
import { InferenceEngine } from '../../../main/inference/inference-engine';
import { defaultPackageDir, modelsUpToDate, type ModelManifestEntry } from '../../../native-models/ensure-models';
import { CONVERTER_VERSION, MODEL_CATALOG, type ModelId } from '../../../native-models/model-catalog';
import { londonPhoto, testModelFiles } from '../../helpers/perception';
import { SHARED_PHOTOS, makeTempDir } from '../../helpers/temp-dir';

/* The reference: the original models in TensorFlow.js (wasm backend), fed the same tensors. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const wasm = require('@tensorflow/tfjs-backend-wasm');
const tf = faceapi.tf;

const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../../native-models/models.manifest.json'), 'utf8')) as Record<ModelId, ModelManifestEntry>;
let files: Record<ModelId, string>;
let engine: InferenceEngine;
const photos: { image: RgbImage; pyramid: RgbImage[]; landmarks: Point2[]; box: number[] }[] = [];

beforeAll(async () => {
  files = testModelFiles();
  engine = new InferenceEngine({ resolveModel: (id) => files[id as ModelId], provider: 'cpu' });
  wasm.setWasmPaths(`${path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '')}/`);
  await tf.setBackend('wasm');
  await tf.ready();
  const analyzer = new FaceAnalyzer({ engine, mesh: false });
  for (const file of [londonPhoto('p002', 'neutral_front'), path.join(SHARED_PHOTOS, 'webmorphR_stim/lisa_debruine/lisa_lisa3.jpg')]) {
    const image = await decodePhoto(file);
    const result = await analyzer.analyzeImage(image);
    const face = result.faces[result.selected!]!;
    photos.push({ image, pyramid: buildPyramid(image), landmarks: face.landmarks68!, box: face.box });
  }
});

afterAll(async () => {
  await engine?.dispose();
});

/**
 * Largest difference, relative for values beyond ±1: BlazeFace's raw logits reach ±200, where
 * float32 summation order alone moves the last digits by ~1e-3 absolute (1e-5 relative).
 */
function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return m;
}

async function loadGraphModel(file: string) {
  const dir = path.dirname(file);
  const json = JSON.parse(readFileSync(file, 'utf8'));
  const specs = json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights);
  const data = Buffer.concat(json.weightsManifest.flatMap((g: { paths: string[] }) => g.paths.map((p) => readFileSync(path.join(dir, p)))));
  return tf.loadGraphModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.length) }));
}

describe('converted models reproduce TensorFlow.js on real photos', () => {
  it('landmark68 and recognition (face-api layers models), batch of two, within 1e-3', async () => {
    const dir = path.join(defaultPackageDir('@vladmandic/face-api'), 'model');
    await faceapi.nets.faceLandmark68Net.loadFromDisk(dir);
    await faceapi.nets.faceRecognitionNet.loadFromDisk(dir);
    const cases = [
      { id: 'landmark68', size: 112, net: faceapi.nets.faceLandmark68Net, crop: (p: (typeof photos)[0]) => landmarkCropFromBox(p.box) },
      { id: 'recognition', size: 150, net: faceapi.nets.faceRecognitionNet, crop: (p: (typeof photos)[0]) => recognitionChip(p.landmarks) },
    ] as const;
    for (const c of cases) {
      const inputs = photos.map((p) => warpFromPyramid(p.pyramid, c.crop(p), c.size, c.size));
      const ours = await engine.runBatch(c.id, 'image', inputs, [c.size, c.size, 3]);
      const tensors = inputs.map((x) => tf.tensor3d(x, [c.size, c.size, 3]));
      const ref = (await (await c.net.forward(tensors)).data()) as Float32Array;
      const per = ref.length / inputs.length;
      ours.forEach((o, i) => {
        const got = Object.values(o)[0]!;
        expect(got.length).toBe(per);
        expect(maxAbsDiff(got, ref.subarray(i * per, (i + 1) * per))).toBeLessThan(1e-3);
      });
      tensors.forEach((t) => t.dispose());
    }
  });

  it('blazeface and facemesh (human graph models) within 1e-3', async () => {
    const humanModels = path.join(defaultPackageDir('@vladmandic/human'), 'models');
    const blazeface = await loadGraphModel(path.join(humanModels, 'blazeface.json'));
    for (const p of photos) {
      const toInput = squareCrop(p.image.width / 2, p.image.height / 2, Math.max(p.image.width, p.image.height), 256);
      const x = warpFromPyramid(p.pyramid, toInput, 256, 256, { scale: 1 / 127.5, offset: -1 });
      const ours = await engine.run('blazeface', { input: { data: x, dims: [1, 256, 256, 3] } });
      const names = ['Identity', 'Identity_1', 'Identity_2', 'Identity_3'];
      const ref = blazeface.execute(tf.tensor4d(x, [1, 256, 256, 3]), names.map((n) => `${n}:0`));
      const onnxNames = ['scores_16', 'scores_8', 'boxes_16', 'boxes_8'];
      for (let k = 0; k < 4; k++) expect(maxAbsDiff(ours[onnxNames[k]!]!.data, ref[k].dataSync())).toBeLessThan(1e-3);
    }
    const facemesh = await loadGraphModel(path.join(humanModels, 'facemesh.json'));
    const inputs = photos.map((p) => warpFromPyramid(p.pyramid, meshCrop(p.landmarks), 192, 192, { scale: 1 / 255 }));
    const ours = await engine.runBatch('facemesh', 'input_1', inputs, [192, 192, 3]);
    const batch = new Float32Array(inputs.length * 192 * 192 * 3);
    inputs.forEach((x, i) => batch.set(x, i * x.length));
    const [mesh, flag] = facemesh.execute(tf.tensor4d(batch, [inputs.length, 192, 192, 3]), ['Identity_2:0', 'Identity_1:0']);
    const meshRef = mesh.dataSync() as Float32Array;
    const flagRef = flag.dataSync() as Float32Array;
    ours.forEach((o, i) => {
      expect(maxAbsDiff(o.mesh!, meshRef.subarray(i * 1404, (i + 1) * 1404))).toBeLessThan(1e-3);
      expect(Math.abs(o.face_flag![0]! - flagRef[i]!)).toBeLessThan(1e-3);
      // Real faces: the mesh net must be sure there is a face in the crop.
      expect(o.face_flag![0]!).toBeGreaterThan(0.9);
    });
  });

  it('iris (human graph model, with a channel concat) within 1e-3 on both eyes of two photos', async () => {
    const iris = await loadGraphModel(path.join(defaultPackageDir('@vladmandic/human'), 'models', 'iris.json'));
    const inputs = photos.flatMap((p) => eyeCrops(p.landmarks, null).map((c) => warpFromPyramid(p.pyramid, c.toCrop, 64, 64, { scale: 1 / 255 })));
    const ours = await engine.runBatch('iris', 'input_1', inputs, [64, 64, 3]);
    const batch = new Float32Array(inputs.length * 64 * 64 * 3);
    inputs.forEach((x, i) => batch.set(x, i * x.length));
    const ref = iris.execute(tf.tensor4d(batch, [inputs.length, 64, 64, 3])).dataSync() as Float32Array;
    ours.forEach((o, i) => {
      expect(maxAbsDiff(o.eye_points!, ref.subarray(i * 228, (i + 1) * 228))).toBeLessThan(1e-3);
      // The points land on the eye: the iris centre (point 71) near the crop's middle.
      expect(Math.hypot(o.eye_points![71 * 3]! - 32, o.eye_points![71 * 3 + 1]! - 32)).toBeLessThan(12);
    });
  });
});

describe("our pipeline agrees with face-api's own end-to-end pipeline (SSD detector → landmarks → descriptor)", () => {
  it('landmarks within 8% of the eye distance, descriptors within 0.25', async () => {
    const dir = path.join(defaultPackageDir('@vladmandic/face-api'), 'model');
    await faceapi.nets.ssdMobilenetv1.loadFromDisk(dir);
    await faceapi.nets.faceLandmark68Net.loadFromDisk(dir);
    await faceapi.nets.faceRecognitionNet.loadFromDisk(dir);
    const analyzer = new FaceAnalyzer({ engine, mesh: false });
    for (const file of [londonPhoto('p002', 'neutral_front'), londonPhoto('p025', 'neutral_right_3quarter')]) {
      const image = await decodePhoto(file);
      const t = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
      const ref = await faceapi.detectAllFaces(t, new faceapi.SsdMobilenetv1Options({ minConfidence: 0.3 })).withFaceLandmarks().withFaceDescriptors();
      t.dispose();
      expect(ref).toHaveLength(1);
      const refPts = ref[0].landmarks.positions.map((p: { x: number; y: number }) => [p.x, p.y]) as number[][];
      const ours = (await analyzer.analyzeImage(image)).faces[0]!;
      const eyeDistance = Math.hypot(refPts[36]![0]! - refPts[45]![0]!, refPts[36]![1]! - refPts[45]![1]!);
      const nme = ours.landmarks68!.reduce((sum, p, i) => sum + Math.hypot(p[0] - refPts[i]![0]!, p[1] - refPts[i]![1]!), 0) / 68 / eyeDistance;
      expect(nme, file).toBeLessThan(0.08);
      let d2 = 0;
      for (let i = 0; i < 128; i++) d2 += (ours.embedding![i]! - ref[0].descriptor[i]) ** 2;
      expect(Math.sqrt(d2), file).toBeLessThan(0.25);
    }
  });
});

describe('conversion is reproducible and matches the committed manifest', () => {
  it('every generated ONNX file has the committed checksum, inputs and outputs', () => {
    for (const m of MODEL_CATALOG) {
      const entry = manifest[m.id];
      expect(entry, m.id).toBeDefined();
      expect(entry.converterVersion).toBe(CONVERTER_VERSION);
      const pkgVersion = JSON.parse(readFileSync(path.join(defaultPackageDir(m.package), 'package.json'), 'utf8')).version;
      expect(entry.packageVersion).toBe(pkgVersion);
      for (const s of entry.sources) {
        expect(createHash('sha256').update(readFileSync(path.join(defaultPackageDir(m.package), s.file))).digest('hex'), s.file).toBe(s.sha256);
      }
      expect(createHash('sha256').update(readFileSync(files[m.id])).digest('hex'), m.id).toBe(entry.onnx.sha256);
      // A fresh conversion in memory gives the same bytes again.
      const again = m.convert(defaultPackageDir(m.package));
      expect(createHash('sha256').update(again).digest('hex')).toBe(entry.onnx.sha256);
      expect(entry.inputs).toEqual(m.inputs);
      expect(entry.outputs).toEqual(m.outputs);
    }
  });

  it('tells an up-to-date model folder from a stale or empty one without writing', () => {
    const dir = path.dirname(files.landmark68);
    expect(modelsUpToDate(dir)).toBe(true);
    const stale = makeTempDir('deca-stale-models-');
    try {
      expect(modelsUpToDate(stale.dir)).toBe(false);
      for (const m of MODEL_CATALOG) {
        copyFileSync(files[m.id], path.join(stale.dir, `${m.id}.onnx`));
        copyFileSync(path.join(dir, `${m.id}.stamp.json`), path.join(stale.dir, `${m.id}.stamp.json`));
      }
      expect(modelsUpToDate(stale.dir)).toBe(true);
      // A stamp from another package version (an upgrade) makes the folder stale.
      const stampFile = path.join(stale.dir, 'recognition.stamp.json');
      writeFileSync(stampFile, JSON.stringify({ ...JSON.parse(readFileSync(stampFile, 'utf8')), packageVersion: '0.0.1' }));
      expect(modelsUpToDate(stale.dir)).toBe(false);
      expect(modelsUpToDate(stale.dir, ['landmark68', 'blazeface'])).toBe(true);
    } finally {
      stale.cleanup();
    }
  });

  it('onnxruntime reports the input and output names the manifest promises', async () => {
    for (const m of MODEL_CATALOG) {
      const session = await ort.InferenceSession.create(files[m.id]);
      expect(session.inputNames).toEqual(manifest[m.id].inputs.map((i) => i.name));
      expect([...session.outputNames].sort()).toEqual(manifest[m.id].outputs.map((o) => o.name).sort());
      await session.release();
    }
  });
});
