import os from 'node:os';
import path from 'node:path';
import { landmarkCropFromBox, meshCrop, recognitionChip } from '../core/perception/face-crops';
import { buildPyramid, squareCrop, warpFromPyramid } from '../core/perception/image-warp';
import { decodePhoto } from '../main/perception/decode-photo';
import { FaceAnalyzer } from '../main/perception/face-analyzer';
import { timeMedian, type BenchRow, type BenchSuite } from './bench-types';

const SHARED_PHOTOS = process.env.DECA_SHARED_DIR
  ? path.join(process.env.DECA_SHARED_DIR, 'photos')
  : path.resolve(process.cwd(), '../shared/photos');
const MODEL_DIR = process.env.DECA_MODELS_DIR || path.join(os.tmpdir(), 'deca-studio-test-models');

/** Face perception on CPU: each model per face, and the whole per-photo pipeline (goal < 150 ms on 2 cores). */
export const perceptionSuite: BenchSuite = {
  name: 'perception',
  async run() {
    const file = path.join(SHARED_PHOTOS, 'london_frl/p002/002_03_neutral_front.jpg');
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 10);
    const analyzer = new FaceAnalyzer({ modelDir: MODEL_DIR });
    try {
      const tLoad = performance.now();
      await analyzer.warmUp();
      const loadMs = performance.now() - tLoad;
      const engine = analyzer.engine;
      const image = await decodePhoto(file);
      const pyramid = buildPyramid(image);
      const photo = await analyzer.analyzeImage(image);
      const face = photo.faces[photo.selected!]!;
      const lm = face.landmarks68!;

      const toInput = squareCrop(image.width / 2, image.height / 2, Math.max(image.width, image.height), 256);
      const detInput = warpFromPyramid(pyramid, toInput, 256, 256, { scale: 1 / 127.5, offset: -1 });
      const lmInput = warpFromPyramid(pyramid, landmarkCropFromBox(face.box), 112, 112);
      const meshInput = warpFromPyramid(pyramid, meshCrop(lm), 192, 192, { scale: 1 / 255 });
      const recInput = warpFromPyramid(pyramid, recognitionChip(lm), 150, 150);

      const decodeMs = await timeMedian(() => decodePhoto(file), 10, 2);
      const pyramidMs = await timeMedian(() => buildPyramid(image), 10, 2);
      const detectMs = await timeMedian(() => analyzer.detect(image, pyramid), 20, 3);
      const detNetMs = await timeMedian(() => engine.run('blazeface', { input: { data: detInput, dims: [1, 256, 256, 3] } }), 20, 3);
      const lmMs = await timeMedian(() => engine.run('landmark68', { image: { data: lmInput, dims: [1, 112, 112, 3] } }), 30, 3);
      const meshMs = await timeMedian(() => engine.run('facemesh', { input_1: { data: meshInput, dims: [1, 192, 192, 3] } }), 30, 3);
      const recMs = await timeMedian(() => engine.run('recognition', { image: { data: recInput, dims: [1, 150, 150, 3] } }), 30, 3);
      const analyzeMs = await timeMedian(() => analyzer.analyzeImage(image), 10, 2);
      const wholeMs = await timeMedian(() => analyzer.analyzeFile(file), 10, 2);
      clearInterval(timer);
      const note = `1350×1350 JPEG, 1 face, CPU, ${os.cpus().length} cores, median`;
      const rows: BenchRow[] = [
        { group: 'perception', name: 'model conversion check + session load + warm-up (4 models)', value: loadMs, unit: 'ms', note: 'cached ONNX files' },
        { group: 'perception', name: 'decode with EXIF rotation (sharp)', value: decodeMs, unit: 'ms', note },
        { group: 'perception', name: 'image pyramid', value: pyramidMs, unit: 'ms', note },
        { group: 'perception', name: 'detection: letterbox + BlazeFace + decode', value: detectMs, unit: 'ms', note },
        { group: 'perception', name: 'BlazeFace net alone (256×256)', value: detNetMs, unit: 'ms', note },
        { group: 'perception', name: '68 landmarks, one pass (112×112)', value: lmMs, unit: 'ms/face', note: 'the pipeline runs two passes' },
        { group: 'perception', name: '468-point FaceMesh (192×192)', value: meshMs, unit: 'ms/face', note },
        { group: 'perception', name: 'recognition embedding (150×150)', value: recMs, unit: 'ms/face', note },
        { group: 'perception', name: 'analyze decoded photo (all stages)', value: analyzeMs, unit: 'ms', note },
        { group: 'perception', name: 'whole pipeline per photo (decode → embedding)', value: wholeMs, unit: 'ms', note: `${note}; goal < 150 ms` },
        { group: 'perception', name: 'peak RSS growth', value: (peakRss - rssBefore) / 2 ** 20, unit: 'MiB', note: 'models + one photo' },
      ];
      return rows;
    } finally {
      clearInterval(timer);
      await analyzer.dispose();
    }
  },
};
