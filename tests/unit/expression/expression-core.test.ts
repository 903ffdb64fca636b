import { beforeAll, describe, expect, it } from 'vitest';
import { ARKIT_BLENDSHAPES } from '../../../core/expression/arkit-names';
import { arkitModes } from '../../../core/expression/arkit-basis';
import { arkitToPack } from '../../../core/expression/arkit-to-pack';
import { solveBoxQp } from '../../../core/expression/box-least-squares';
import { createJawPosedPoints } from '../../../core/expression/jaw-posed-points';
import type { HeadModel } from '../../../core/head-model/head-model';
import { HeadModelEvaluator } from '../../../core/head-model/head-model-evaluator';
import { rng } from '../../../core/reconstruct/synthetic-views';
import { buildStarterHead } from '../../../core/starter-head/build-starter-head';
import { readCanonicalFaceMeshAsset } from '../../../main/packs/starter-pack';

const at = (n: string) => ARKIT_BLENDSHAPES.indexOf(n as (typeof ARKIT_BLENDSHAPES)[number]);

describe('bounded least squares', () => {
  it('meets the KKT conditions of the box-constrained problem, and equals the plain solve inside the box', () => {
    const r = rng(3), n = 12;
    // H = MᵀM + I (positive definite), b arbitrary: some unknowns end on a bound.
    const M = Float64Array.from({ length: n * n }, () => r.normal());
    const H = new Float64Array(n * n);
    for (let a = 0; a < n; a++) for (let c = 0; c < n; c++) {
      let s = a === c ? 1 : 0;
      for (let k = 0; k < n; k++) s += M[k * n + a]! * M[k * n + c]!;
      H[a * n + c] = s;
    }
    const b = Float64Array.from({ length: n }, () => 4 * r.normal());
    const w = solveBoxQp(H, b, n, { tolerance: 1e-12, sweeps: 20000 });
    let atBound = 0;
    for (let k = 0; k < n; k++) {
      let g = -b[k]!;
      for (let c = 0; c < n; c++) g += H[k * n + c]! * w[c]!;
      expect(w[k]).toBeGreaterThanOrEqual(0);
      expect(w[k]).toBeLessThanOrEqual(1);
      if (w[k]! <= 0) (expect(g).toBeGreaterThan(-1e-6), atBound++);
      else if (w[k]! >= 1) (expect(g).toBeLessThan(1e-6), atBound++);
      else expect(Math.abs(g)).toBeLessThan(1e-6);
    }
    expect(atBound).toBeGreaterThan(0);
    // A minimum strictly inside the box is the unconstrained one: H·w = b.
    const inside = Float64Array.from({ length: n }, () => 0.2 + 0.6 * r.uniform());
    const b2 = new Float64Array(n);
    for (let a = 0; a < n; a++) for (let c = 0; c < n; c++) b2[a] += H[a * n + c]! * inside[c]!;
    solveBoxQp(H, b2, n, { tolerance: 1e-13, sweeps: 50000 }).forEach((v, k) => expect(v).toBeCloseTo(inside[k]!, 6));
    expect(() => solveBoxQp(H, b, n + 1)).toThrow(/must be 13×13/);
  });
});

describe('ARKit names on packs', () => {
  it("maps ICT-FaceKit's suffixed and split names, and sends a record's weights to them", () => {
    const names = ['eyeBlink_L', 'eyeBlink_R', 'browInnerUp_L', 'browInnerUp_R', 'jawOpen', 'cheekPuff_L', 'custom'];
    const modes = arkitModes(names);
    expect(modes[at('eyeBlinkLeft')]).toEqual([0]);
    expect(modes[at('eyeBlinkRight')]).toEqual([1]);
    expect(modes[at('browInnerUp')]).toEqual([2, 3]);
    expect(modes[at('jawOpen')]).toEqual([4]);
    // A lone half of a sideless shape is not the whole ARKit shape.
    expect(modes[at('cheekPuff')]).toBeNull();
    expect(modes.filter((m) => m !== null)).toHaveLength(4);
    const model = { expression: { count: names.length, names, data: new Float32Array(0) } } as unknown as HeadModel;
    const arkit = new Float32Array(52);
    arkit[at('browInnerUp')] = 0.6;
    arkit[at('eyeBlinkRight')] = 0.9;
    arkit[at('cheekPuff')] = 0.5;
    const { expression, jaw } = arkitToPack({ arkit }, model);
    expect(Array.from(expression)).toEqual([0, Math.fround(0.9), Math.fround(0.6), Math.fround(0.6), 0, 0, 0]);
    expect(jaw).toEqual([0, 0, 0]);
    expect(() => arkitToPack({ arkit: new Float32Array(51) }, model)).toThrow(/52 weights/);
  });
});

describe('jaw-posed points', () => {
  let starter: HeadModel;
  beforeAll(async () => {
    starter = buildStarterHead(await readCanonicalFaceMeshAsset());
  });

  it("equal the full forward model's vertices with an expression and the jaw rotated", () => {
    const pts = createJawPosedPoints(starter, [0, 13, 14, 152, 200, 400]);
    if (starter.pose) {
      // A pack with pose correctives needs the whole evaluation.
      expect(pts).toBeNull();
      return;
    }
    expect(pts).not.toBeNull();
    const r = rng(9);
    const shape = Float64Array.from({ length: starter.shape.count }, () => r.normal());
    const expression = Float64Array.from({ length: starter.expression.count }, () => 0.5 * r.uniform());
    const J = starter.joints.names.length, jaw = starter.joints.names.indexOf('jaw');
    const pose = new Float64Array(J * 3);
    pose.set([0.25, 0.05, -0.03], jaw * 3);
    const full = new HeadModelEvaluator(starter, { normals: false, simd: false }).evaluate({ shape, expression, pose }).vertices;
    const mine = pts!.evaluate(shape, expression, [0.25, 0.05, -0.03]);
    let moved = 0;
    [0, 13, 14, 152, 200, 400].forEach((v, i) => {
      for (let d = 0; d < 3; d++) expect(mine[i * 3 + d]).toBeCloseTo(full[v * 3 + d]!, 6);
      moved = Math.max(moved, Math.abs(full[v * 3 + 1]! - starter.template[v * 3 + 1]!));
    });
    // The chin (152) really moved: the check compares something.
    expect(moved).toBeGreaterThan(0.005);
  });
});
