import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jointIndex, validateHeadModel, type HeadModel } from '../../../core/head-model/head-model';
import { HeadModelEvaluator } from '../../../core/head-model/head-model-evaluator';
import { rodrigues } from '../../../core/head-model/rodrigues';
import { syntheticHeadModel } from '../../../core/head-model/synthetic-head-model';

const small = (poseCorrectives = true): HeadModel => syntheticHeadModel({ vertices: 400, shapeCount: 10, expressionCount: 6, poseCorrectives, seed: 7 });
const seq = (n: number, f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

describe('rodrigues', () => {
  it('matches the closed form for 90° about each axis and keeps R orthonormal', () => {
    const R = new Float64Array(9);
    rodrigues(0, 0, Math.PI / 2, R);
    expect(maxDiff(R, [0, -1, 0, 1, 0, 0, 0, 0, 1])).toBeLessThan(1e-12);
    rodrigues(Math.PI / 2, 0, 0, R);
    expect(maxDiff(R, [1, 0, 0, 0, 0, -1, 0, 1, 0])).toBeLessThan(1e-12);
    rodrigues(0.3, -0.5, 0.7, R);
    const RRt = [0, 1, 2].flatMap((a) => [0, 1, 2].map((b) => R[a * 3]! * R[b * 3]! + R[a * 3 + 1]! * R[b * 3 + 1]! + R[a * 3 + 2]! * R[b * 3 + 2]!));
    expect(maxDiff(RRt, [1, 0, 0, 0, 1, 0, 0, 0, 1])).toBeLessThan(1e-12);
  });
});

describe('HeadModelEvaluator', () => {
  it('gives the pure blendshape sum at zero pose', () => {
    const m = small();
    validateHeadModel(m);
    const beta = seq(10, (i) => Math.sin(i + 1)), psi = seq(6, (i) => Math.cos(i));
    const out = new HeadModelEvaluator(m).evaluate({ shape: beta, expression: psi, pose: new Float64Array(15) });
    const n = m.vertexCount * 3;
    const expected = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = m.template[i]!;
      for (let k = 0; k < 10; k++) s += beta[k]! * m.shape.data[k * n + i]!;
      for (let k = 0; k < 6; k++) s += psi[k]! * m.expression.data[k * n + i]!;
      expected[i] = s;
    }
    expect(maxDiff(out.vertices, expected)).toBeLessThan(1e-7);
  });

  it('rotating the jaw moves exactly the jaw-weighted vertices (no pose correctives)', () => {
    const m = small(false);
    const ev = new HeadModelEvaluator(m);
    const rest = Float32Array.from(ev.evaluate({}).vertices);
    const pose = new Float64Array(15);
    pose[jointIndex(m, 'jaw') * 3] = 0.4;
    const v = ev.evaluate({ pose }).vertices;
    let moved = 0, jawWeighted = 0;
    for (let i = 0; i < m.vertexCount; i++) {
      const w = m.skinWeights[i * 5 + 2]!;
      const d = Math.hypot(v[i * 3]! - rest[i * 3]!, v[i * 3 + 1]! - rest[i * 3 + 1]!, v[i * 3 + 2]! - rest[i * 3 + 2]!);
      if (w === 0) expect(d).toBe(0);
      else {
        jawWeighted++;
        if (d > 1e-4) moved++;
      }
    }
    expect(jawWeighted).toBeGreaterThan(10);
    expect(moved).toBe(jawWeighted);
  });

  it('a pure global rotation equals rotating the unposed mesh about the root joint', () => {
    const m = small(true);
    const ev = new HeadModelEvaluator(m);
    const beta = seq(10, (i) => 0.5 - i / 10);
    const rest = Float32Array.from(ev.evaluate({ shape: beta }).vertices);
    const root = Float64Array.from(ev.evaluate({ shape: beta }).joints.subarray(0, 3));
    const pose = new Float64Array(15);
    pose.set([0.2, -0.6, 0.3]);
    const v = ev.evaluate({ shape: beta, pose }).vertices;
    const R = new Float64Array(9);
    rodrigues(0.2, -0.6, 0.3, R);
    const expected = new Float64Array(rest.length);
    for (let i = 0; i < rest.length; i += 3) {
      const x = rest[i]! - root[0]!, y = rest[i + 1]! - root[1]!, z = rest[i + 2]! - root[2]!;
      for (let a = 0; a < 3; a++) expected[i + a] = R[a * 3]! * x + R[a * 3 + 1]! * y + R[a * 3 + 2]! * z + root[a]!;
    }
    expect(maxDiff(v, expected)).toBeLessThan(1e-6);
  });

  it('landmarks follow their barycentric embeddings on the posed mesh', () => {
    const m = small();
    const pose = seq(15, (i) => 0.1 * Math.sin(3 * i));
    const out = new HeadModelEvaluator(m).evaluate({ pose, expression: seq(6, () => 1) });
    for (const l of [0, 17, 67]) {
      const f = m.landmarks.faces[l]!;
      const p = [0, 1, 2].map((d) =>
        [0, 1, 2].reduce((s, c) => s + m.landmarks.barycentric[l * 3 + c]! * out.vertices[m.triangles[f * 3 + c]! * 3 + d]!, 0),
      );
      expect(maxDiff(out.landmarks.subarray(l * 3, l * 3 + 3), p)).toBeLessThan(1e-7);
    }
  });

  it('caches the identity but follows a changed β', () => {
    const m = small();
    const ev = new HeadModelEvaluator(m);
    const a = Float32Array.from(ev.evaluate({ shape: [1] }).vertices);
    const b = Float32Array.from(ev.evaluate({ shape: [2] }).vertices);
    const c = ev.evaluate({ shape: [1] }).vertices;
    expect(maxDiff(a, c)).toBe(0);
    expect(maxDiff(a, b)).toBeGreaterThan(1e-4);
  });

  it('gives the same result with the WebAssembly SIMD and the scalar kernel', () => {
    // 13 shape / 7 expression modes: not multiples of 4, so the padded tail rows are exercised
    const m = syntheticHeadModel({ vertices: 1001, shapeCount: 13, expressionCount: 7, seed: 3 });
    const params = { shape: seq(13, (i) => Math.sin(i)), expression: seq(7, (i) => Math.cos(i)), pose: seq(15, (i) => 0.2 * Math.sin(i)) };
    const a = Float32Array.from(new HeadModelEvaluator(m, { simd: true }).evaluate(params).vertices);
    const b = new HeadModelEvaluator(m, { simd: false }).evaluate(params).vertices;
    expect(maxDiff(a, b)).toBeLessThan(1e-7);
    expect(maxDiff(a, m.template)).toBeGreaterThan(1e-3);
    // int16 bases: within Σ|w|·max|row|/65534 of exact
    const q = new HeadModelEvaluator(m, { basisPrecision: 'int16' }).evaluate(params).vertices;
    const d = maxDiff(q, b);
    expect(d).toBeGreaterThan(0);
    expect(d).toBeLessThan(1e-6);
  });

  it('refuses a pose of the wrong length', () => {
    expect(() => new HeadModelEvaluator(small()).evaluate({ pose: [0, 0, 0] })).toThrow(/pose needs 5×3 values/);
  });

  const python = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  it.skipIf(python.status !== 0)('agrees with an independent numpy FLAME/LBS reference', () => {
    const m = small(true);
    const beta = seq(10, (i) => Math.sin(i * 1.3)), psi = seq(6, (i) => Math.cos(i * 0.7));
    const theta = seq(15, (i) => 0.3 * Math.sin(2.1 * i + 0.4)), transl = [0.01, -0.02, 0.03];
    const out = new HeadModelEvaluator(m).evaluate({ shape: beta, expression: psi, pose: theta, translation: transl });
    const input = {
      V: m.vertexCount, template: [...m.template], shape: [...m.shape.data], expression: [...m.expression.data], pose: [...m.pose!.data],
      reg_row: [...m.joints.regressor.row], reg_col: [...m.joints.regressor.col], reg_val: [...m.joints.regressor.value],
      weights: [...m.skinWeights], parents: [...m.joints.parents], beta: [...beta], psi: [...psi], theta: [...theta], transl,
      triangles: [...m.triangles], lm_faces: [...m.landmarks.faces], lm_bary: [...m.landmarks.barycentric],
    };
    const r = spawnSync('python3', [path.join(__dirname, 'fixtures/flame_lbs_reference.py')], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 1 << 26 });
    expect(r.status, r.stderr).toBe(0);
    const ref = JSON.parse(r.stdout) as { vertices: number[]; joints: number[]; landmarks: number[] };
    expect(maxDiff(out.vertices, ref.vertices)).toBeLessThan(2e-7);
    expect(maxDiff(out.joints, ref.joints)).toBeLessThan(2e-7);
    expect(maxDiff(out.landmarks, ref.landmarks)).toBeLessThan(2e-7);
    // The pose actually did something: far from the unposed mesh.
    expect(maxDiff(out.vertices, new HeadModelEvaluator(m).evaluate({ shape: beta, expression: psi }).vertices)).toBeGreaterThan(0.01);
  });
});
