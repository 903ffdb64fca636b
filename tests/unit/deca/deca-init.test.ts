import { describe, expect, it } from 'vitest';
import { splitDecaCode, type DecaCode } from '../../../core/deca/deca-code';
import { decaCameraToPhoto, decaCodeToFit, decaCoefficients, flameIncompatibility, restJoint } from '../../../core/deca/deca-init';
import { HeadModelEvaluator } from '../../../core/head-model/head-model-evaluator';
import { syntheticHeadModel } from '../../../core/head-model/synthetic-head-model';
import { applyAffine, invertAffine, squareCrop, warpToTensor, type Affine2D } from '../../../core/perception/image-warp';
import { decaCrop } from '../../../core/perception/face-crops';
import { projectOrtho, rotationMatrix } from '../../../core/geometry/ortho-camera';
import { poseHead } from '../../../core/geometry/pose-head';

/** A FLAME-structured head with more modes than DECA predicts (FLAME ships 300 / 100). */
const model = syntheticHeadModel({ vertices: 900, shapeCount: 120, expressionCount: 60, seed: 5 });

/** A plausible code: DECA's camera scale ~9 puts a 0.2 m head across most of the crop. */
function code(global = [0.12, 0.35, -0.06], jaw = [0.18, 0.02, -0.03], cam = [8.7, 0.013, -0.021]): DecaCode {
  const v = new Float32Array(236);
  for (let k = 0; k < 100; k++) v[k] = 0.8 * Math.sin(k + 1);
  for (let k = 0; k < 50; k++) v[100 + k] = 0.3 * Math.cos(k);
  for (let k = 0; k < 50; k++) v[150 + k] = 0.6 * Math.sin(3 * k + 2);
  v.set(global, 200);
  v.set(jaw, 203);
  v.set(cam, 206);
  for (let k = 0; k < 27; k++) v[209 + k] = (k % 3) * 0.1 + 0.5 / (k + 1);
  return splitDecaCode(v);
}

/**
 * DECA's projection written as DECA does it: `batch_orth_proj` (x = s·(X + tx), y = s·(Y + ty)),
 * y negated, crop pixel (n·0.5 + 0.5)·224; then into the photo where our encoder's crop sampled it.
 */
function decaToPhoto(X: ArrayLike<number>, c: DecaCode, toCrop: Affine2D): Float64Array {
  const toImage = invertAffine(toCrop);
  const out = new Float64Array((X.length / 3) * 2);
  for (let i = 0; i < X.length / 3; i++) {
    const x = c.cam.scale * (X[i * 3]! + c.cam.tx);
    const y = -(c.cam.scale * (X[i * 3 + 1]! + c.cam.ty));
    const [u, v] = applyAffine(toImage, (x * 0.5 + 0.5) * 224 + 0.5, (y * 0.5 + 0.5) * 224 + 0.5);
    out[i * 2] = u;
    out[i * 2 + 1] = v;
  }
  return out;
}

const J = model.joints.names.length, JAW = model.joints.names.indexOf('jaw');
const posed = (c: DecaCode, global: boolean) => {
  const pose = new Float64Array(J * 3);
  if (global) pose.set(c.pose.global, 0);
  pose.set(c.pose.jaw, JAW * 3);
  return pose;
};
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);

describe('DECA code → fitter start (FLAME fixture)', () => {
  const crops: [string, Affine2D][] = [
    ['DECA crop', decaCrop(Array.from({ length: 68 }, (_, l) => [400 + 180 * Math.cos(l), 520 + 210 * Math.sin(l * 1.3)] as [number, number])).toCrop],
    ['rotated crop', squareCrop(610, 455, 530, 224, 0.37)],
  ];
  for (const [label, toCrop] of crops) {
    it(`projects like DECA in photo pixels (${label}), within 1e-6 px`, () => {
      const c = code();
      const init = decaCodeToFit(model, c, toCrop);
      // y: the head articulated by the jaw (and its pose correctives), before the global rotation.
      const ev = new HeadModelEvaluator(model, { normals: false, simd: false });
      const y = Float64Array.from(ev.evaluate({ shape: init.shape, expression: init.fit.expression, pose: posed(c, false) }).vertices);
      // DECA: FLAME's root rotation is about the root joint J₀: X = R·y + J₀ − R·J₀.
      const R = rotationMatrix(Array.from(c.pose.global)), J0 = restJoint(model, init.shape, init.fit.expression);
      const X = new Float64Array(y.length), ours = new Float64Array(y.length);
      const R2 = rotationMatrix(init.fit.rotation);
      for (let i = 0; i < y.length / 3; i++) for (let a = 0; a < 3; a++) {
        const Ry = (M: Float64Array, p: ArrayLike<number>) => M[a * 3]! * p[0]! + M[a * 3 + 1]! * p[1]! + M[a * 3 + 2]! * p[2]!;
        const p = y.subarray(i * 3, i * 3 + 3);
        X[i * 3 + a] = Ry(R, p) + J0[a]! - Ry(R, J0);
        ours[i * 3 + a] = Ry(R2, p);
      }
      const deca = decaToPhoto(X, c, toCrop);
      const mine = projectOrtho(ours, init.fit.camera);
      expect(maxDiff(deca, mine)).toBeLessThan(1e-6);
      // not vacuous: the head spans hundreds of photo pixels
      const us = Array.from(deca).filter((_, i) => i % 2 === 0);
      expect(Math.max(...us) - Math.min(...us)).toBeGreaterThan(200);

      // The same through the full FLAME evaluation on both sides (float32 vertices: ~1e-4 px).
      const decaFull = decaToPhoto(ev.evaluate({ shape: init.shape, expression: init.fit.expression, pose: posed(c, true) }).vertices, c, toCrop);
      const oursFull = projectOrtho(poseHead(ev, model, init.shape, init.fit).vertices, init.fit.camera);
      expect(maxDiff(decaFull, oursFull)).toBeLessThan(2e-3);
    });
  }

  it('puts β and ψ on the first modes (rest zero), keeps jaw, light and (unrotated crop) the global pose as given', () => {
    const c = code();
    const init = decaCodeToFit(model, c, crops[0]![1]);
    expect(init.shape).toHaveLength(120);
    expect(Array.from(init.shape.subarray(0, 100))).toEqual(Array.from(c.shape));
    expect(Array.from(init.shape.subarray(100)).every((b) => b === 0)).toBe(true);
    expect(Array.from(init.fit.expression.subarray(0, 50))).toEqual(Array.from(c.exp));
    expect(init.fit.expression).toHaveLength(60);
    expect(init.fit.jaw).toEqual(Array.from(c.pose.jaw));
    expect(init.fit.rotation).toEqual(Array.from(c.pose.global));
    expect(Array.from(init.light)).toEqual(Array.from(c.light));
    // pixels per metre: DECA's s·112 crop pixels per unit, times photo pixels per crop pixel
    expect(init.fit.camera.scale).toBeCloseTo(8.7 * 112 * (1 / crops[0]![1].a), 3);
    expect(Array.from(decaCoefficients([1, 2, 3], 2))).toEqual([1, 2]);
  });

  it('matches where our encoder sampled: DECA pixel j is the centre of crop pixel j', () => {
    // A one-pixel dot, cropped 1:1 with an integer shift: it lands on crop pixel (dx, dy) exactly.
    const image = { width: 300, height: 300, data: new Uint8Array(300 * 300 * 3) };
    image.data.set([255, 255, 255], (150 * 300 + 140) * 3);
    const toCrop = squareCrop(150, 150, 224, 224);
    const crop = warpToTensor(image, toCrop, 224, 224);
    const j = crop.indexOf(255) / 3;
    const [px, py] = [j % 224, Math.floor(j / 224)];
    // DECA's camera that puts the origin (X = 0, no rotation) at crop pixel (px, py).
    const cam = { scale: 5, tx: (px / 112 - 1) / 5, ty: -(py / 112 - 1) / 5 };
    const { camera } = decaCameraToPhoto(cam, [0, 0, 0], [0, 0, 0], toCrop);
    // the dot's pixel centre in continuous photo coordinates
    expect([camera.tx, camera.ty]).toEqual([140.5, 150.5]);
  });

  it('refuses packs DECA does not fit and non-positive camera scales', () => {
    const small = syntheticHeadModel({ vertices: 300, shapeCount: 40, expressionCount: 10 });
    expect(flameIncompatibility(small)).toMatch(/not FLAME-compatible: DECA's code needs 100 shape modes \(it has 40\), 50 expression modes \(it has 10\)/);
    expect(flameIncompatibility({ id: 'ict', shapeCount: 100, expressionCount: 53, jointNames: ['root', 'neck', 'head'] })).toMatch(/a jaw joint/);
    expect(flameIncompatibility(model)).toBeNull();
    expect(() => decaCodeToFit(small, code(), crops[0]![1])).toThrow(/not FLAME-compatible/);
    expect(() => decaCodeToFit(model, code(undefined, undefined, [-1, 0, 0]), crops[0]![1])).toThrow(/camera scale must be positive/);
  });
});
