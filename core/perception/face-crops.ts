import { applyAffine, invertAffine, squareCrop, type Affine2D } from './image-warp';

export type Point2 = [number, number];
export type Point3 = [number, number, number];

/** Axis-aligned bounds [x, y, w, h] of points. */
export function pointsBox(points: readonly (readonly number[])[]): [number, number, number, number] {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const p of points) {
    x0 = Math.min(x0, p[0]!);
    y0 = Math.min(y0, p[1]!);
    x1 = Math.max(x1, p[0]!);
    y1 = Math.max(y1, p[1]!);
  }
  return [x0, y0, x1 - x0, y1 - y0];
}

const mean = (pts: readonly Point2[]): Point2 => [pts.reduce((a, p) => a + p[0], 0) / pts.length, pts.reduce((a, p) => a + p[1], 0) / pts.length];

/** Centres of the two eyes (iBUG 36–41 is the eye on the image left, 42–47 the image right) and of the mouth. */
export function faceCentres(lm68: readonly Point2[]): { eyeLeft: Point2; eyeRight: Point2; mouth: Point2 } {
  if (lm68.length !== 68) throw new Error(`expected 68 landmarks, got ${lm68.length}`);
  return { eyeLeft: mean(lm68.slice(36, 42)), eyeRight: mean(lm68.slice(42, 48)), mouth: mean(lm68.slice(48, 68)) };
}

/** Angle of the eye line, radians, clockwise in the image (y down). */
export function eyeLineAngle(lm68: readonly Point2[]): number {
  const { eyeLeft, eyeRight } = faceCentres(lm68);
  return Math.atan2(eyeRight[1] - eyeLeft[1], eyeRight[0] - eyeLeft[0]);
}

/** Options of the crops fed to the face models. */
export interface FaceCropOptions {
  /** 68-point crop side ÷ the larger side of the landmarks' bounds. */
  landmarkMargin?: number;
  /** How far above the landmarks' centre the 68-point crop is centred, as a fraction of their height. */
  landmarkShift?: number;
  /** FaceMesh crop side ÷ the larger side of the landmarks' bounds. */
  meshMargin?: number;
}

/**
 * The 68-point crop is a square 1.2× the landmarks' extent on their centre: from the detector box
 * the crop converges there within two passes. Mimicking face-api's own SSD framing instead (1.27×,
 * centred 0.13 of the height higher) moved the points by 2–5% of the eye distance either way on
 * the shared photos, which is the net's own jitter: no better, so the simpler framing stays.
 */
export const FACE_CROP_DEFAULTS = { landmarkMargin: 1.2, landmarkShift: 0, meshMargin: 1.5 };

/** Square 112×112 crop for the 68-point net around a box [x, y, w, h] scaled by `margin`, centred `shift`·h above its centre. */
export function landmarkCropFromBox(box: readonly number[], margin = 1, shift = 0): Affine2D {
  const side = Math.max(box[2]!, box[3]!) * margin;
  return squareCrop(box[0]! + box[2]! / 2, box[1]! + box[3]! / 2 - shift * box[3]!, side, 112);
}

/** The 68-point net's output (x, y in 0..1 of the crop) as image points. */
export function landmarksToImage(output: Float32Array, crop: Affine2D, cropSize = 112): Point2[] {
  if (output.length !== 136) throw new Error(`expected 136 landmark values, got ${output.length}`);
  const inv = invertAffine(crop);
  const pts: Point2[] = [];
  for (let i = 0; i < 68; i++) pts.push(applyAffine(inv, output[2 * i]! * cropSize, output[2 * i + 1]! * cropSize));
  return pts;
}

/**
 * The 150×150 chip for the recognition net: face-api's alignment box (side = eye-to-mouth distance
 * ÷ 0.45, centred 0.43 of the side below the top on the eyes-and-mouth centroid), rotated so the
 * eyes are level, as dlib's aligned chips are.
 */
export function recognitionChip(lm68: readonly Point2[]): Affine2D {
  const { eyeLeft, eyeRight, mouth } = faceCentres(lm68);
  const dist = (p: Point2) => Math.hypot(mouth[0] - p[0], mouth[1] - p[1]);
  const size = (dist(eyeLeft) + dist(eyeRight)) / 2 / 0.45;
  const ref = mean([eyeLeft, eyeRight, mouth]);
  const angle = eyeLineAngle(lm68);
  // The box centre sits (0.5 - 0.43)·size below the reference point, along the face's own down axis.
  const down = 0.07 * size;
  return squareCrop(ref[0] - Math.sin(angle) * down, ref[1] + Math.cos(angle) * down, size, 150, angle);
}

/** The 192×192 FaceMesh crop: square on the landmarks' bounds × margin, eyes level. */
export function meshCrop(lm68: readonly Point2[], margin: number = FACE_CROP_DEFAULTS.meshMargin): Affine2D {
  const [x, y, w, h] = pointsBox(lm68);
  return squareCrop(x + w / 2, y + h / 2, Math.max(w, h) * margin, 192, eyeLineAngle(lm68));
}

/** FaceMesh's 468×3 output (crop pixels) as image points; z is scaled like x and y (image pixels, negative towards the camera). */
export function meshToImage(output: Float32Array, crop: Affine2D): Point3[] {
  if (output.length !== 1404) throw new Error(`expected 1404 mesh values, got ${output.length}`);
  const inv = invertAffine(crop);
  const scale = Math.sqrt(Math.abs(inv.a * inv.d - inv.b * inv.c));
  const pts: Point3[] = [];
  for (let i = 0; i < 468; i++) {
    const [x, y] = applyAffine(inv, output[3 * i]!, output[3 * i + 1]!);
    pts.push([x, y, output[3 * i + 2]! * scale]);
  }
  return pts;
}

/** DECA's crop: where it lies in the image and the map image → 224×224 crop (and back). */
export interface DecaCrop {
  /** Centre and side of the square in image pixels. */
  center: Point2;
  size: number;
  /** Image → crop (DECA's `tform`: the square's corners go to (0,0), (0,223), (223,0)). */
  toCrop: Affine2D;
  /** Crop → image, to map DECA's outputs back. */
  toImage: Affine2D;
}

/**
 * DECA's crop from 68 landmarks (as its `datasets.py` does for `kpt68`): bounds of the landmarks,
 * old size = mean of width and height × 1.1, square side = old size × `scale` (1.25), centred on
 * the bounds, mapped onto 224×224 with corners at pixel indices 0 and 223.
 *
 * ```ts
 * const crop = decaCrop(landmarks68);
 * const tensor = warpToTensor(image, crop.toCrop, 224, 224, { scale: 1 / 255 });
 * ```
 */
export function decaCrop(lm68: readonly Point2[], scale = 1.25, resolution = 224): DecaCrop {
  const [x, y, w, h] = pointsBox(lm68);
  const size = ((w + h) / 2) * 1.1 * scale;
  const center: Point2 = [x + w / 2, y + h / 2];
  const s = (resolution - 1) / size;
  const toCrop: Affine2D = { a: s, b: 0, c: 0, d: s, tx: -(center[0] - size / 2) * s, ty: -(center[1] - size / 2) * s };
  return { center, size, toCrop, toImage: invertAffine(toCrop) };
}
