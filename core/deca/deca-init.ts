import type { HeadModel } from '../head-model/head-model';
import { invertAffine, type Affine2D } from '../perception/image-warp';
import { axisAngle, rotationMatrix, type OrthoCamera, type PhotoFit } from '../geometry/ortho-camera';
import type { DecaCode } from './deca-code';

/** Modes DECA's coarse code predicts: FLAME's first 100 shape and first 50 expression modes. */
export const DECA_SHAPE_MODES = 100;
export const DECA_EXPRESSION_MODES = 50;
/** Side of DECA's square crop in pixels. */
export const DECA_CROP_PIXELS = 224;

/** What {@link flameIncompatibility} looks at: a pack's mode counts and joints (a model or its pack summary). */
export interface PackModes {
  id: string;
  shapeCount: number;
  expressionCount: number;
  jointNames: readonly string[];
}

/**
 * Why a pack cannot take DECA's code (null when it can): the code's β and ψ are coefficients of
 * FLAME's own first 100 / 50 modes, and its jaw pose rotates FLAME's `jaw` joint.
 *
 * ```ts
 * const why = flameIncompatibility(model) ?? flameIncompatibility(packSummary); if (why) throw new Error(why);
 * ```
 */
export function flameIncompatibility(pack: HeadModel | PackModes): string | null {
  const p: PackModes = 'joints' in pack ? { id: pack.id, shapeCount: pack.shape.count, expressionCount: pack.expression.count, jointNames: pack.joints.names } : pack;
  const lacks: string[] = [];
  if (p.shapeCount < DECA_SHAPE_MODES) lacks.push(`${DECA_SHAPE_MODES} shape modes (it has ${p.shapeCount})`);
  if (p.expressionCount < DECA_EXPRESSION_MODES) lacks.push(`${DECA_EXPRESSION_MODES} expression modes (it has ${p.expressionCount})`);
  if (!p.jointNames.includes('jaw')) lacks.push('a jaw joint');
  return lacks.length ? `pack "${p.id}" is not FLAME-compatible: DECA's code needs ${lacks.join(', ')}` : null;
}

/**
 * DECA's coefficients as the first modes of a basis of `count` modes; the pack's further modes
 * (FLAME ships 300 shape and 100 expression modes) stay zero, as DECA leaves them.
 *
 * ```ts
 * const beta = decaCoefficients(code.shape, points.shapeCount);
 * ```
 */
export function decaCoefficients(values: ArrayLike<number>, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let k = 0; k < Math.min(count, values.length); k++) out[k] = values[k]!;
  return out;
}

/**
 * Rest position of joint `joint` for β and ψ (FLAME regresses joints from the shaped mesh, so the
 * expression moves them too), in float64.
 *
 * ```ts
 * const root = restJoint(model, beta, psi); // [x, y, z] in metres
 * ```
 */
export function restJoint(model: HeadModel, shape: ArrayLike<number>, expression: ArrayLike<number>, joint = 0): [number, number, number] {
  const r = model.joints.regressor, n = model.vertexCount * 3;
  const Kb = Math.min(model.shape.count, shape.length), Ke = Math.min(model.expression.count, expression.length);
  const out: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < r.value.length; i++) {
    if (r.row[i] !== joint) continue;
    const w = r.value[i]!, v = r.col[i]! * 3;
    for (let d = 0; d < 3; d++) {
      let x = model.template[v + d]!;
      for (let k = 0; k < Kb; k++) x += model.shape.data[k * n + v + d]! * shape[k]!;
      for (let k = 0; k < Ke; k++) x += model.expression.data[k * n + v + d]! * expression[k]!;
      out[d] += w * x;
    }
  }
  return out;
}

/**
 * DECA's camera and global rotation as ours. DECA poses FLAME about its root joint J₀
 * (X = R·y + J₀ − R·J₀; our fitter rotates about the origin, X = R·y) and projects
 * x = s·(X + tx), y = s·(Y + ty) into normalised crop coordinates, crop pixel p = (x + 1)/2·224
 * and row (1 − y)/2·224, where p = j is the centre of crop pixel j. Our encoder samples crop pixel
 * j at crop coordinate j + ½ of `toCrop` (photo → crop), so the photo point is toImage(p + ½).
 * The photo point is then linear in R·y, which gives an {@link OrthoCamera}; a crop rotated in
 * the image (a similarity with rotation θ) folds into the global rotation as R_z(−θ)·R.
 *
 * ```ts
 * const { rotation, camera } = decaCameraToPhoto(code.cam, code.pose.global, restJoint(model, beta, psi), face.decaCrop.toCrop);
 * ```
 */
export function decaCameraToPhoto(
  cam: { scale: number; tx: number; ty: number },
  globalPose: ArrayLike<number>,
  rootRest: ArrayLike<number>,
  toCrop: Affine2D,
): { rotation: [number, number, number]; camera: OrthoCamera } {
  if (!(cam.scale > 0) || !Number.isFinite(cam.scale)) throw new Error(`DECA's camera scale must be positive, the encoder gave ${cam.scale}`);
  const m = invertAffine(toCrop);
  const k = Math.sqrt(m.a * m.d - m.b * m.c);
  if (!(k > 0) || Math.abs(m.a - m.d) > 1e-9 * k || Math.abs(m.b + m.c) > 1e-9 * k) throw new Error('the face crop must be a similarity (scale, rotation, shift) of the photo');
  const g: [number, number, number] = [globalPose[0]!, globalPose[1]!, globalPose[2]!];
  const R = rotationMatrix(g);
  const J = [rootRest[0]!, rootRest[1]!, rootRest[2]!];
  // D = J₀ − R·J₀: DECA's root pivot, a shift our camera absorbs.
  const D = [0, 1, 2].map((a) => J[a]! - (R[a * 3]! * J[0]! + R[a * 3 + 1]! * J[1]! + R[a * 3 + 2]! * J[2]!));
  const half = DECA_CROP_PIXELS / 2;
  // Crop coordinate of a point with R·y = 0.
  const cx = half * cam.scale * (D[0]! + cam.tx) + half + 0.5;
  const cy = -half * cam.scale * (D[1]! + cam.ty) + half + 0.5;
  const camera: OrthoCamera = { scale: half * cam.scale * k, tx: m.a * cx + m.b * cy + m.tx, ty: m.c * cx + m.d * cy + m.ty };
  if (m.b === 0 && m.c === 0) return { rotation: g, camera };
  // toImage = k·[[cos θ, −sin θ], [sin θ, cos θ]] (rows down): applied to (x, −y) it is k·(x′, −y′) with (x′, y′) = R_z(−θ)·(x, y).
  const theta = Math.atan2(m.c, m.a);
  const Rz = rotationMatrix([0, 0, -theta]);
  const RR = new Float64Array(9);
  for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) RR[a * 3 + b] = Rz[a * 3]! * R[b]! + Rz[a * 3 + 1]! * R[3 + b]! + Rz[a * 3 + 2]! * R[6 + b]!;
  return { rotation: axisAngle(RR), camera };
}

/** DECA's code on a pack: what initialises the fitter for one photo, and DECA's lighting. */
export interface DecaInit {
  /** β over the pack's shape modes (DECA's 100 first, zeros after). */
  shape: Float64Array;
  fit: PhotoFit;
  /** 27 SH coefficients, band-major RGB (the convention of `geometry/sh-basis.ts`). */
  light: Float64Array;
}

/**
 * Maps one photo's DECA coarse code onto a FLAME-compatible pack: β and ψ into the pack's first
 * modes, the jaw pose as is, global pose and camera through {@link decaCameraToPhoto}, with the
 * root pivot J₀ of this code's own β and ψ.
 *
 * ```ts
 * const init = decaCodeToFit(model, code, face.decaCrop.toCrop);
 * const fit = fitPhotos(points, [obs], { init: { shape: init.shape, photos: [init.fit] } });
 * ```
 */
export function decaCodeToFit(model: HeadModel, code: DecaCode, toCrop: Affine2D): DecaInit {
  const why = flameIncompatibility(model);
  if (why) throw new Error(why);
  const shape = decaCoefficients(code.shape, model.shape.count);
  const expression = decaCoefficients(code.exp, model.expression.count);
  const { rotation, camera } = decaCameraToPhoto(code.cam, code.pose.global, restJoint(model, shape, expression), toCrop);
  const jaw: [number, number, number] = [code.pose.jaw[0]!, code.pose.jaw[1]!, code.pose.jaw[2]!];
  return { shape, fit: { rotation, jaw, expression, camera }, light: Float64Array.from(code.light) };
}
