import { existsSync } from 'node:fs';
import path from 'node:path';
import { decodeBlazeFace, type FaceDetection } from '../../core/perception/blazeface-decode';
import type { FaceResult, PhotoFaces } from '../../core/perception/face-analysis';
import { FACE_CROP_DEFAULTS, decaCrop, landmarkCropFromBox, landmarksToImage, meshCrop, meshToImage, pointsBox, recognitionChip, type Point2 } from '../../core/perception/face-crops';
import { EYE_LIDS_DEFAULTS, eyeCrops, eyeLidsFromOutput } from '../../core/perception/eye-lids';
import { poseFromMesh, yawFromKeypoints } from '../../core/perception/head-pose';
import { refineLandmarks68 } from '../../core/perception/refine-landmarks';
import { openMouthFromImage } from '../../core/perception/mouth-opening';
import { profileLandmarks } from '../../core/perception/profile-silhouette';
import { buildPyramid, squareCrop, warpFromPyramid, type RgbImage } from '../../core/perception/image-warp';
import { ensureModels, modelsUpToDate } from '../../native-models/ensure-models';
import type { ModelId } from '../../native-models/model-catalog';
import { appDataDir } from '../app-paths';
import { InferenceEngine } from '../inference/inference-engine';
import type { ProviderPreference } from '../inference/execution-providers';
import { decodePhoto } from './decode-photo';

export interface FaceAnalyzerOptions {
  /** Where converted models are cached; default `DECA_MODELS_DIR` or `<app data>/models/onnx`. */
  modelDir?: string;
  provider?: ProviderPreference;
  /** An engine to share (tests, the app); the analyzer then does not dispose it. */
  engine?: InferenceEngine;
  /** Detector confidence below which a box is ignored. */
  minScore?: number;
  /** Faces whose detector box is smaller than this (pixels) get status 'too_small'. */
  minFaceSize?: number;
  /** |yaw| above which a face gets status 'profile' (degrees). */
  maxYaw?: number;
  /** Run FaceMesh (468 points); off saves ~25% of the time. */
  mesh?: boolean;
  log?: (line: string) => void;
}

export const FACE_ANALYZER_DEFAULTS = { minScore: 0.5, minFaceSize: 48, maxYaw: 60, mesh: true };

/**
 * Where converted models are read from: `DECA_MODELS_DIR` when set; else the set built by
 * `npm run build` (native-models/build/onnx in a checkout, `resources/models/onnx` in a packaged
 * app) when it is up to date; else the user's cache `<app data>/models/onnx`, converted into on
 * first use.
 */
export function defaultModelDir(): string {
  if (process.env.DECA_MODELS_DIR) return path.resolve(process.env.DECA_MODELS_DIR);
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  const built = [
    ...(resources ? [path.join(resources, 'models', 'onnx')] : []),
    // The bundles live in out/main/, two levels below the checkout.
    ...(typeof __dirname === 'string' ? [path.resolve(__dirname, '..', '..', 'native-models', 'build', 'onnx')] : []),
  ];
  for (const dir of built) if (existsSync(dir) && modelsUpToDate(dir)) return dir;
  return path.join(appDataDir(), 'models', 'onnx');
}

const MODELS: readonly ModelId[] = ['blazeface', 'landmark68', 'facemesh', 'iris', 'recognition'];

/**
 * The per-photo face pipeline: decode (EXIF applied) → BlazeFace → for each face: 68 landmarks
 * (two passes, the second framed on the first's points) → FaceMesh → the reported 68 (both nets
 * combined, jaw refined on the image; an open mouth's lower inner lip read off the teeth) → both eyes' lids and iris (MediaPipe's iris model on crops
 * placed on the eye corners) → recognition embedding → head pose → DECA crop. Models are
 * converted on first use into the cache and kept open.
 *
 * ```ts
 * const analyzer = new FaceAnalyzer();
 * const result = await analyzer.analyzeFile('photo.jpg');
 * await analyzer.dispose();
 * ```
 */
export class FaceAnalyzer {
  readonly engine: InferenceEngine;
  private readonly ownsEngine: boolean;
  private readonly opts: Required<Omit<FaceAnalyzerOptions, 'engine' | 'log' | 'modelDir' | 'provider'>>;

  constructor(options: FaceAnalyzerOptions = {}) {
    this.opts = { ...FACE_ANALYZER_DEFAULTS, ...stripUndefined(options) } as typeof this.opts;
    this.ownsEngine = !options.engine;
    this.engine =
      options.engine ??
      new InferenceEngine({
        resolveModel: lazyModelResolver(options.modelDir ?? defaultModelDir(), options.log),
        provider: options.provider,
        log: options.log,
      });
  }

  /** Opens all models and runs each once. */
  async warmUp(): Promise<void> {
    await this.engine.warmUp(this.opts.mesh ? MODELS : MODELS.filter((m) => m !== 'facemesh'));
  }

  async analyzeFile(file: string, faceIndex?: number): Promise<PhotoFaces> {
    return this.analyzeImage(await decodePhoto(file), faceIndex);
  }

  /** All faces of an upright RGB image, largest first; `faceIndex` picks the selected one. */
  async analyzeImage(image: RgbImage, faceIndex?: number): Promise<PhotoFaces> {
    const pyramid = buildPyramid(image);
    const detections = await this.detect(image, pyramid);
    const faces: FaceResult[] = [];
    for (const det of detections) faces.push(await this.analyzeFace(pyramid, det));
    let selected: number | null = faces.findIndex((f) => f.status === 'ok');
    if (selected < 0) selected = null;
    if (faceIndex !== undefined) {
      if (!Number.isInteger(faceIndex) || faceIndex < 0 || faceIndex >= faces.length) {
        throw new Error(`Face ${faceIndex} does not exist: the photo has ${faces.length} face(s)`);
      }
      selected = faceIndex;
    }
    return { width: image.width, height: image.height, faces, selected };
  }

  /** BlazeFace on the whole photo letterboxed to 256×256; boxes sorted largest first. */
  async detect(image: RgbImage, pyramid = buildPyramid(image)): Promise<FaceDetection[]> {
    const toInput = squareCrop(image.width / 2, image.height / 2, Math.max(image.width, image.height), 256);
    const input = warpFromPyramid(pyramid, toInput, 256, 256, { scale: 1 / 127.5, offset: -1 });
    const o = await this.engine.run('blazeface', { input: { data: input, dims: [1, 256, 256, 3] } });
    const scores = concat(o.scores_16!.data, o.scores_8!.data);
    const boxes = concat(o.boxes_16!.data, o.boxes_8!.data);
    const faces = decodeBlazeFace(scores, boxes, toInput, { minScore: this.opts.minScore });
    return faces.sort((p, q) => q.box[2] * q.box[3] - p.box[2] * p.box[3]);
  }

  private async analyzeFace(pyramid: RgbImage[], det: FaceDetection): Promise<FaceResult> {
    const detectorYaw = yawFromKeypoints(det.keypoints, det.box[2]);
    const base: FaceResult = { box: det.box, score: det.score, status: 'ok', landmarks68: null, mesh468: null, pose: null, embedding: null, decaCrop: null, detectorYaw };
    if (Math.min(det.box[2], det.box[3]) < this.opts.minFaceSize) return { ...base, status: 'too_small' };
    if (Math.abs(detectorYaw) > this.opts.maxYaw) return this.profile(pyramid, base);

    // Pass 1 frames the crop on the detector box; pass 2 on pass 1's points, as the net was trained.
    // Points that collapse or leave the detector's box mean the net did not find this face.
    let landmarks = await this.landmarks(pyramid, landmarkCropFromBox(det.box));
    if (!plausibleLandmarks(landmarks, det.box)) return { ...base, status: 'landmarks_failed' };
    landmarks = await this.landmarks(pyramid, landmarkCropFromBox(pointsBox(landmarks), FACE_CROP_DEFAULTS.landmarkMargin, FACE_CROP_DEFAULTS.landmarkShift));
    if (!plausibleLandmarks(landmarks, det.box)) return { ...base, status: 'landmarks_failed' };

    let mesh468: FaceResult['mesh468'] = null;
    let pose: FaceResult['pose'] = null;
    if (this.opts.mesh) {
      const crop = meshCrop(landmarks);
      const input = warpFromPyramid(pyramid, crop, 192, 192, { scale: 1 / 255 });
      const o = await this.engine.run('facemesh', { input_1: { data: input, dims: [1, 192, 192, 3] } });
      if (o.face_flag!.data[0]! >= 0.5) {
        mesh468 = meshToImage(o.mesh!.data, crop);
        pose = poseFromMesh(mesh468);
        if (Math.abs(pose.yaw) > this.opts.maxYaw) return this.profile(pyramid, base);
      }
    }

    // The reported points combine both nets and refine the jaw on the image (see refine-landmarks.ts).
    landmarks = refineLandmarks68(pyramid, landmarks, mesh468);
    // An open mouth's lower inner lip where the image shows it (below the teeth; see mouth-opening.ts).
    const opened = openMouthFromImage(pyramid[0]!, landmarks, mesh468);
    landmarks = opened.landmarks68;
    mesh468 = opened.mesh468;

    const eyes = await this.eyes(pyramid, landmarks, mesh468);
    const chip = warpFromPyramid(pyramid, recognitionChip(landmarks), 150, 150);
    const r = await this.engine.run('recognition', { image: { data: chip, dims: [1, 150, 150, 3] } });
    const crop = decaCrop(landmarks);
    return {
      ...base,
      landmarks68: landmarks,
      mesh468,
      pose,
      embedding: Array.from(r.descriptor!.data),
      decaCrop: { center: crop.center, size: crop.size, toCrop: crop.toCrop, toImage: crop.toImage },
      eyes,
      mouth: opened.mouth,
    };
  }

  /** Both eyes through the iris model in one batch: lid contours, apertures and iris centres. */
  private async eyes(pyramid: RgbImage[], landmarks: Point2[], mesh468: FaceResult['mesh468']): Promise<NonNullable<FaceResult['eyes']>> {
    const n = EYE_LIDS_DEFAULTS.inputSize;
    const crops = eyeCrops(landmarks, mesh468);
    const input = new Float32Array(crops.length * n * n * 3);
    crops.forEach((c, i) => input.set(warpFromPyramid(pyramid, c.toCrop, n, n, { scale: 1 / 255 }), i * n * n * 3));
    const out = (await this.engine.run('iris', { input_1: { data: input, dims: [crops.length, n, n, 3] } })).eye_points!.data;
    const per = out.length / crops.length;
    const [right, left] = crops.map((c, i) => eyeLidsFromOutput(out.subarray(i * per, (i + 1) * per), c));
    return { left: left!, right: right! };
  }

  /** A face turned too far for the landmark nets: its midline landmarks from the silhouette, when the backdrop is plain. */
  private profile(pyramid: RgbImage[], base: FaceResult): FaceResult {
    return { ...base, status: 'profile', profile: profileLandmarks(pyramid[0]!, base.box, base.detectorYaw > 0 ? 1 : -1) };
  }

  private async landmarks(pyramid: RgbImage[], crop: ReturnType<typeof landmarkCropFromBox>): Promise<Point2[]> {
    const chip = warpFromPyramid(pyramid, crop, 112, 112);
    const o = await this.engine.run('landmark68', { image: { data: chip, dims: [1, 112, 112, 3] } });
    return landmarksToImage(o.landmarks!.data, crop);
  }

  async dispose(): Promise<void> {
    if (this.ownsEngine) await this.engine.dispose();
  }
}

/** The landmarks' bounds are centred inside the detector box and span at least 40% of its width. */
function plausibleLandmarks(landmarks: Point2[], box: readonly number[]): boolean {
  const [x, y, w, h] = pointsBox(landmarks);
  const cx = x + w / 2;
  const cy = y + h / 2;
  const inside = cx > box[0]! && cx < box[0]! + box[2]! && cy > box[1]! && cy < box[1]! + box[3]!;
  return inside && w >= box[2]! * 0.4 && h >= box[3]! * 0.3;
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Converts models on first use (once per process) and hands out their paths. */
export function lazyModelResolver(modelDir: string, log?: (line: string) => void): (id: string) => string {
  let files: Record<ModelId, string> | null = null;
  return (id) => {
    files ??= ensureModels({ cacheDir: modelDir, log });
    const file = files[id as ModelId];
    if (!file) throw new Error(`Unknown model "${id}"`);
    return file;
  };
}
