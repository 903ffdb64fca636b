import type { Point2, Point3 } from './face-crops';
import type { RgbImage } from './image-warp';
import { refineJawContour, type JawContourOptions } from './jaw-contour';

/**
 * FaceMesh vertices at the iBUG 68 positions (the usual MediaPipe → dlib correspondence): jaw, brows,
 * nose bridge and nostrils, eyes (corners and lids), outer and inner lips. The jaw's entries are not
 * used as points (at 3/4 yaw they lie behind the cheek; see jaw-contour.ts), only the chin (152).
 */
export const MESH_TO_IBUG68: readonly number[] = [
  162, 234, 93, 58, 172, 136, 149, 148, 152, 377, 378, 365, 397, 288, 323, 454, 389,
  71, 63, 105, 66, 107, 336, 296, 334, 293, 301,
  168, 197, 5, 4, 75, 97, 2, 326, 305,
  33, 160, 158, 133, 153, 144, 362, 385, 387, 263, 373, 380,
  61, 39, 37, 0, 267, 269, 291, 405, 314, 17, 84, 181,
  78, 82, 13, 312, 308, 317, 14, 87,
];

/** Options of {@link refineLandmarks68}. */
export interface RefineLandmarksOptions {
  /** Weight of FaceMesh's point in each inner landmark (17…67); 0 keeps the 68-point net's. */
  meshWeight: number;
  /** Refine the jaw contour (0…16) on the image; false keeps the net's. */
  jaw: boolean;
  jawOptions: Partial<JawContourOptions>;
}

export const REFINE_LANDMARKS_DEFAULTS: RefineLandmarksOptions = { meshWeight: 0.5, jaw: true, jawOptions: {} };

/**
 * The 68 landmarks perception reports, from its two independent estimates: the 68-point net and
 * FaceMesh. Against dlib's 68 points on the shared photos, the mean of the two is closer than either
 * for the eyes, brows, nose and mouth (frontal London views 0.036 → 0.027 of the outer-eye-corner
 * distance, 3/4 views 0.048 → 0.043, selfies 0.036 → 0.029); the jaw contour is refined on the
 * image (jaw-contour.ts). Without a mesh only the jaw's edge snapping and spacing apply.
 *
 * ```ts
 * const landmarks68 = refineLandmarks68(pyramid, netLandmarks, mesh468);
 * ```
 */
export function refineLandmarks68(pyramid: readonly RgbImage[], net68: readonly Point2[], mesh468: readonly Point3[] | null, options: Partial<RefineLandmarksOptions> = {}): Point2[] {
  if (net68.length !== 68) throw new Error(`refineLandmarks68: expected 68 landmarks, got ${net68.length}`);
  const o = { ...REFINE_LANDMARKS_DEFAULTS, ...options };
  const mesh = mesh468 && mesh468.length >= 468 ? mesh468 : null;
  const w = mesh ? Math.min(1, Math.max(0, o.meshWeight)) : 0;
  const out = net68.map((p, i): Point2 => {
    if (i < 17 || w === 0) return [p[0], p[1]];
    const m = mesh![MESH_TO_IBUG68[i]!]!;
    return [p[0] * (1 - w) + m[0] * w, p[1] * (1 - w) + m[1] * w];
  });
  return o.jaw ? refineJawContour(pyramid, out, mesh, o.jawOptions) : out;
}
