import type { HeadModel } from '../head-model/head-model';
import type { RgbImage } from '../perception/image-warp';
import { opaqueTriangles } from '../geometry/opaque-triangles';
import { depthAt, photoDepth } from '../geometry/photo-depth';
import type { FitPoints } from './fit-points';
import type { OrthoCamera } from '../geometry/ortho-camera';
import { sampleUvTexture, type UvTexture } from './photometric-samples';
import { shBasis } from '../geometry/sh-basis';

/**
 * DECA's photometric loss as the fitter sees it: the photo (grey, at about DECA's 224-pixel face
 * scale) against the rendered intensity albedo ⊙ shading at surface points, which stay fixed
 * during a refinement (they come from the solved albedo and lighting). Moving the geometry moves
 * where each point lands in the photo: its residual's Jacobian is the image gradient there times
 * the point's projection Jacobian (direct image alignment).
 */
export interface PhotometricObservation {
  /** Grey photo (0…1) of a window: image pixel = (photo pixel − origin) · scale. */
  image: { width: number; height: number; data: Float32Array };
  originX: number;
  originY: number;
  scale: number;
  /** Photometric points (indices within the fit points' photometric block) that are visible. */
  points: Int32Array;
  /** Their rendered grey intensity (albedo ⊙ shading). */
  predicted: Float64Array;
  /** Residual weight: 1 / noise, times √(68 / points) so the term weighs like the 68 landmarks. */
  weight: number;
}

export interface PhotometricObservationOptions {
  /** Width in image pixels the face is resampled to (DECA renders 224). */
  faceSide: number;
  /** Points seen more obliquely than this (normal·view) are left out. */
  minFacing: number;
  /** Expected photometric noise (0…1 units) that a residual is divided by. */
  sigma: number;
}

export const PHOTOMETRIC_OBSERVATION_DEFAULTS: PhotometricObservationOptions = { faceSide: 224, minFacing: 0.35, sigma: 0.04 };

const luminance = (r: number, g: number, b: number) => 0.299 * r + 0.587 * g + 0.114 * b;

/**
 * The photometric observation of one photo for the current fit: visibility (facing and depth) and
 * the predicted intensity of each photometric point, and the grey photo around the face.
 *
 * ```ts
 * const obs = photometricObservation(model, points, out.vertices, out.normals, camera, photo, albedo, vertexUv, light);
 * ```
 */
export function photometricObservation(
  model: HeadModel,
  pts: FitPoints,
  photometricVertices: ArrayLike<number>,
  vertices: Float32Array,
  normals: Float32Array,
  camera: OrthoCamera,
  photo: RgbImage,
  albedo: UvTexture,
  vertexUv: Float64Array,
  light: ArrayLike<number>,
  options: Partial<PhotometricObservationOptions> = {},
): PhotometricObservation {
  const o = { ...PHOTOMETRIC_OBSERVATION_DEFAULTS, ...options };
  // See-through overlays (eyelashes, eye-blend shells) are drawn over the skin, so they must not hide it.
  const depth = photoDepth(vertices, model.triangles, camera, photo.width, photo.height, { triangleMask: opaqueTriangles(model.triangles, model.regions.overlays) });
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  const kept: number[] = [], predicted: number[] = [];
  const b = new Float64Array(9), uv = new Float64Array(2);
  for (let i = 0; i < pts.photometricCount; i++) {
    const v = photometricVertices[i]!;
    const nx = normals[v * 3]!, ny = normals[v * 3 + 1]!, nz = normals[v * 3 + 2]!;
    const len = Math.hypot(nx, ny, nz) || 1;
    const u = camera.scale * vertices[v * 3]! + camera.tx, w = -camera.scale * vertices[v * 3 + 1]! + camera.ty;
    x0 = Math.min(x0, u), x1 = Math.max(x1, u), y0 = Math.min(y0, w), y1 = Math.max(y1, w);
    if (nz / len < o.minFacing || u < 1 || w < 1 || u > photo.width - 2 || w > photo.height - 2) continue;
    if (vertices[v * 3 + 2]! < depthAt(depth, u, w) - 0.003) continue;
    shBasis(nx / len, ny / len, nz / len, b);
    uv.set([vertexUv[v * 2]!, vertexUv[v * 2 + 1]!]);
    const a = sampleUvTexture(albedo, uv);
    const rgb = [0, 1, 2].map((c) => a[c]! * [0, 1, 2, 3, 4, 5, 6, 7, 8].reduce((s, k) => s + light[k * 3 + c]! * b[k]!, 0));
    kept.push(i);
    predicted.push(luminance(rgb[0]!, rgb[1]!, rgb[2]!));
  }
  // A margin for the points to move into, then the face at about `faceSide` pixels across.
  const m = 0.15 * Math.max(x1 - x0, y1 - y0);
  const originX = Math.max(0, Math.floor(x0 - m)), originY = Math.max(0, Math.floor(y0 - m));
  const scale = Math.min(1, o.faceSide / Math.max(1, x1 - x0));
  const image = greyWindow(photo, originX, originY, Math.min(photo.width, Math.ceil(x1 + m)), Math.min(photo.height, Math.ceil(y1 + m)), scale);
  return { image, originX, originY, scale, points: Int32Array.from(kept), predicted: Float64Array.from(predicted), weight: Math.sqrt(68 / Math.max(1, kept.length)) / o.sigma };
}

/** Area-averaged grey copy of a photo window at `scale` (≤ 1) — the smoothing gives the alignment a wider basin. */
function greyWindow(photo: RgbImage, x0: number, y0: number, x1: number, y1: number, scale: number): { width: number; height: number; data: Float32Array } {
  const W = Math.max(2, Math.ceil((x1 - x0) * scale)), H = Math.max(2, Math.ceil((y1 - y0) * scale));
  const sum = new Float32Array(W * H), count = new Float32Array(W * H);
  for (let y = y0; y < y1; y++) {
    const gy = Math.min(H - 1, Math.floor((y - y0) * scale));
    for (let x = x0; x < x1; x++) {
      const gx = Math.min(W - 1, Math.floor((x - x0) * scale));
      const p = (y * photo.width + x) * 3;
      sum[gy * W + gx] += luminance(photo.data[p]!, photo.data[p + 1]!, photo.data[p + 2]!) / 255;
      count[gy * W + gx]++;
    }
  }
  for (let i = 0; i < W * H; i++) sum[i] = count[i] ? sum[i]! / count[i]! : 0;
  return { width: W, height: H, data: sum };
}

/** Bilinear grey sample at image coordinates (pixel centres at i + 0.5). */
function sampleGrey(img: { width: number; height: number; data: Float32Array }, x: number, y: number): number {
  const fx0 = x - 0.5, fy0 = y - 0.5;
  const xa = Math.max(0, Math.min(img.width - 2, Math.floor(fx0))), ya = Math.max(0, Math.min(img.height - 2, Math.floor(fy0)));
  const fx = Math.min(1, Math.max(0, fx0 - xa)), fy = Math.min(1, Math.max(0, fy0 - ya));
  const i = ya * img.width + xa;
  return (img.data[i]! * (1 - fx) + img.data[i + 1]! * fx) * (1 - fy) + (img.data[i + img.width]! * (1 - fx) + img.data[i + img.width + 1]! * fx) * fy;
}

/**
 * The photometric points to project for an observation (indices into the fit points).
 *
 * ```ts
 * which.push(...photometricPointIndices(points, obs));
 * ```
 */
export function photometricPointIndices(pts: FitPoints, obs: PhotometricObservation): number[] {
  return Array.from(obs.points, (i) => pts.photometricStart + i);
}

/**
 * Robust cost of the photometric residuals w·(I(u) − predicted) of one photo (points projected
 * into `pred`, x, y per fit point), and with `out` four values per visible point: its residual,
 * Huber weight and the image gradient (× w, per photo pixel) gx, gy — its normal-equation row is
 * gx·∂u/∂θ + gy·∂v/∂θ (direct image alignment).
 *
 * ```ts
 * cost += photometricResiduals(points, obs, pred, huber, rows);
 * ```
 */
export function photometricResiduals(pts: FitPoints, obs: PhotometricObservation, pred: Float64Array, huber: number, out: Float64Array | null): number {
  const P = pred;
  const { image, scale, originX, originY, weight: w } = obs;
  let cost = 0;
  for (let q = 0; q < obs.points.length; q++) {
    const p = pts.photometricStart + obs.points[q]!;
    const x = (P[p * 2]! - originX) * scale, y = (P[p * 2 + 1]! - originY) * scale;
    const r = w * (sampleGrey(image, x, y) - obs.predicted[q]!);
    const e = Math.abs(r);
    cost += e <= huber ? r * r : 2 * huber * e - huber * huber;
    if (!out) continue;
    out[q * 4] = r;
    out[q * 4 + 1] = e <= huber ? 1 : huber / e;
    // Central differences one image pixel apart, in photo pixels (× scale).
    out[q * 4 + 2] = ((sampleGrey(image, x + 1, y) - sampleGrey(image, x - 1, y)) / 2) * scale * w;
    out[q * 4 + 3] = ((sampleGrey(image, x, y + 1) - sampleGrey(image, x, y - 1)) / 2) * scale * w;
  }
  return cost;
}
