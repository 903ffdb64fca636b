import { applyAffine, invertAffine, squareCrop, type Affine2D } from './image-warp';
import type { Point2 } from './face-crops';

/** Options of the eye crops fed to MediaPipe's iris model. */
export interface EyeLidsOptions {
  /** Crop side ÷ the distance between the eye's corners (MediaPipe's and human's 2.3). */
  cropScale: number;
  /** The model's input side (pixels). */
  inputSize: number;
}

export const EYE_LIDS_DEFAULTS: EyeLidsOptions = { cropScale: 2.3, inputSize: 64 };

/** One eye as the subject has it: 'left' is the subject's left eye (the image's right in a photo facing the camera), as ARKit's eyeBlinkLeft. */
export type EyeSide = 'left' | 'right';

/** Where one eye's crop lies: image → 64×64 crop; `mirrored` when the crop is the mirror image (the model sees every eye as the image's left one). */
export interface EyeCrop {
  side: EyeSide;
  toCrop: Affine2D;
  mirrored: boolean;
}

/** What the iris model read of one eye, in image pixels. */
export interface EyeLids {
  /**
   * Mean gap between the lids ÷ the corner-to-corner width (the lid contour's area ÷ width²). On the
   * London photos 0.20–0.29 frontal, neutral or smiling; 0.10 on eyes squeezed nearly shut
   * (pexels angry.jpg). Independent of the photo's scale and roll.
   */
  aperture: number;
  /** The lid contour: 9 lower-lid points from the outer to the inner corner, then 7 upper-lid points from the outer towards the inner corner. */
  lids: Point2[];
  /** Centre of the iris. */
  iris: Point2;
}

/** FaceMesh's corners of each eye: outer, inner (the subject's right eye is 33–133, MediaPipe's `rightEyeLower0` ends). */
const MESH_CORNERS: Record<EyeSide, [number, number]> = { right: [33, 133], left: [263, 362] };
/** The same corners in iBUG 68 order (36–41 is the eye on the image's left: the subject's right). */
const IBUG_CORNERS: Record<EyeSide, [number, number]> = { right: [36, 39], left: [45, 42] };

/** Iris model output layout (human's `irisIndices`): lower lid contour 0–8 (corner to corner), upper lid 9–15; iris centre at 71. */
const LOWER_LID = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const UPPER_LID = [9, 10, 11, 12, 13, 14, 15];
const IRIS_CENTRE = 71;
const POINTS = 76;

/**
 * The two eye crops for the iris model, placed on the eye corners (FaceMesh's when there is a mesh,
 * else the 68 landmarks'): a square `cropScale` × the corner distance on their midpoint, turned so
 * the corners are level. The subject's left eye is mirrored: MediaPipe's model reads one eye, as it
 * appears on the image's left (human flips the other one the same way).
 *
 * ```ts
 * const crops = eyeCrops(face.landmarks68, face.mesh468);
 * const inputs = crops.map((c) => warpFromPyramid(pyramid, c.toCrop, 64, 64, { scale: 1 / 255 }));
 * ```
 */
export function eyeCrops(lm68: readonly Point2[], mesh468: readonly (readonly number[])[] | null, options: Partial<EyeLidsOptions> = {}): EyeCrop[] {
  const o = { ...EYE_LIDS_DEFAULTS, ...options };
  return (['right', 'left'] as const).map((side) => {
    const mesh = mesh468 && mesh468.length >= 468;
    const [outer, inner] = mesh ? MESH_CORNERS[side].map((i) => mesh468[i]!) : IBUG_CORNERS[side].map((i) => lm68[i]!);
    // The corner on the image's left first, so the angle is the eye line's roll.
    const [a, b] = side === 'right' ? [outer!, inner!] : [inner!, outer!];
    const dx = b[0]! - a[0]!, dy = b[1]! - a[1]!;
    const w = Math.hypot(dx, dy);
    const toCrop = squareCrop((a[0]! + b[0]!) / 2, (a[1]! + b[1]!) / 2, Math.max(1, w * o.cropScale), o.inputSize, Math.atan2(dy, dx));
    if (side === 'right') return { side, toCrop, mirrored: false };
    const s = o.inputSize;
    return { side, toCrop: { a: -toCrop.a, b: -toCrop.b, c: toCrop.c, d: toCrop.d, tx: s - toCrop.tx, ty: toCrop.ty }, mirrored: true };
  });
}

/**
 * One eye's lids and iris from the iris model's 228 outputs (76 points × x, y, z in crop pixels):
 * the points mapped back into the image (the mirror undone by the crop's own inverse) and the lid
 * aperture measured on them.
 *
 * ```ts
 * const eye = eyeLidsFromOutput(out.eye_points, crop);
 * eye.aperture; // ≈ 0.25 open, ≈ 0.05 shut
 * ```
 */
export function eyeLidsFromOutput(output: ArrayLike<number>, crop: EyeCrop): EyeLids {
  if (output.length !== POINTS * 3) throw new Error(`expected ${POINTS * 3} iris-model values, got ${output.length}`);
  const inv = invertAffine(crop.toCrop);
  const at = (i: number): Point2 => applyAffine(inv, output[i * 3]!, output[i * 3 + 1]!);
  const lids = [...LOWER_LID, ...UPPER_LID].map(at);
  return { aperture: lidAperture(lids), lids, iris: at(IRIS_CENTRE) };
}

/**
 * Lid aperture of a 16-point lid contour (lower lid corner to corner, then the upper lid from the
 * outer corner inwards): the mean lid gap (area enclosed ÷ the corner distance) over the corner
 * distance. 0 for a degenerate contour. A turned head narrows the far eye on the photo more than
 * its lid gap: on the London 3/4 views (yaw 35–46°) apertures read 0.22–0.36 against 0.20–0.29
 * frontal. Widening the width by FaceMesh's depth overcorrected (0.14–0.26), so it is not done.
 *
 * ```ts
 * lidAperture(eye.lids); // 0.22
 * ```
 */
export function lidAperture(lids: readonly Point2[]): number {
  if (lids.length !== 16) throw new Error(`expected a 16-point lid contour, got ${lids.length}`);
  // Polygon: lower lid 0→8, then the upper lid back from the inner end (15) to the outer (9).
  const ring = [...lids.slice(0, 9), ...lids.slice(9).reverse()];
  let area = 0;
  for (let i = 0; i < ring.length; i++) {
    const p = ring[i]!, q = ring[(i + 1) % ring.length]!;
    area += p[0] * q[1] - q[0] * p[1];
  }
  const w = Math.hypot(lids[8]![0] - lids[0]![0], lids[8]![1] - lids[0]![1]);
  return w > 0 ? Math.abs(area) / 2 / (w * w) : 0;
}
