import { describe, expect, it } from 'vitest';
import { rotationMatrix } from '../../../core/geometry/ortho-camera';
import { poseHead } from '../../../core/geometry/pose-head';
import { HeadModelEvaluator } from '../../../core/head-model/head-model-evaluator';
import { syntheticHeadModel } from '../../../core/head-model/synthetic-head-model';

describe('poseHead', () => {
  const model = syntheticHeadModel({ vertices: 900, shapeCount: 8, expressionCount: 6, seed: 3 });
  const ev = new HeadModelEvaluator(model);
  const shape = Float64Array.from({ length: 8 }, (_, i) => 0.5 * Math.sin(i + 1));
  const expression = Float64Array.from({ length: 6 }, (_, i) => 0.3 * Math.cos(i));

  it('without rotation or jaw is the evaluated head', () => {
    const posed = poseHead(ev, model, shape, { rotation: [0, 0, 0], jaw: [0, 0, 0], expression });
    const out = ev.evaluate({ shape, expression });
    expect(Array.from(posed.vertices)).toEqual(Array.from(out.vertices));
    expect(posed.normals.length).toBe(out.vertices.length);
    expect(posed.landmarks.length).toBe(out.landmarks.length);
  });

  it('rotates about the fitter’s origin, not the root joint, and returns copies', () => {
    const rotation: [number, number, number] = [0.1, -0.4, 0.05];
    const front = poseHead(ev, model, shape, { rotation: [0, 0, 0], jaw: [0, 0, 0], expression });
    const turned = poseHead(ev, model, shape, { rotation, jaw: [0, 0, 0], expression });
    const R = rotationMatrix(rotation);
    // not vacuous: the root joint is away from the origin, so rotating about it would differ
    const root = ev.evaluate({ shape, expression }).joints;
    expect(Math.hypot(root[0]!, root[1]!, root[2]!)).toBeGreaterThan(0.01);
    let max = 0;
    for (let v = 0; v < front.vertices.length / 3; v++) {
      for (let a = 0; a < 3; a++) {
        const want = R[a * 3]! * front.vertices[v * 3]! + R[a * 3 + 1]! * front.vertices[v * 3 + 1]! + R[a * 3 + 2]! * front.vertices[v * 3 + 2]!;
        max = Math.max(max, Math.abs(turned.vertices[v * 3 + a]! - want));
      }
    }
    expect(max).toBeLessThan(1e-6);
    // the evaluator's buffers are reused by its next call; the posed head is not
    expect(turned.vertices).not.toBe(ev.evaluate({ shape }).vertices);
    expect(Math.abs(turned.vertices[0]! - front.vertices[0]!)).toBeGreaterThan(1e-4);
  });
});
