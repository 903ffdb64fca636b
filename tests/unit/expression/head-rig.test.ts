import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARKIT_BLENDSHAPES } from '../../../core/expression/arkit-names';
import { arkitExpressionMap, arkitToRigExpression, buildHeadRig, rigHeadModel } from '../../../core/expression/head-rig';
import { poseHead } from '../../../core/geometry/pose-head';
import type { HeadModel } from '../../../core/head-model/head-model';
import { HeadModelEvaluator } from '../../../core/head-model/head-model-evaluator';
import { importIctFaceKit, zipSourceFiles } from '../../../core/head-model/ict-facekit-import';
import { syntheticHeadModel } from '../../../core/head-model/synthetic-head-model';
import { readZip } from '../../../core/head-model/zip-read';
import { SHARED_DIR } from '../../helpers/temp-dir';

const ZIP = path.join(SHARED_DIR, 'models/ICT-FaceKit-master.zip');
const A = (name: string) => ARKIT_BLENDSHAPES.indexOf(name as (typeof ARKIT_BLENDSHAPES)[number]);

/** Max vertex distance between the full model posed with β and ψ and the rig posed with ψ alone. */
function rigError(model: HeadModel, shape: Float64Array, psi: Float64Array, jaw: [number, number, number]): { error: number; rigBytes: number } {
  const rig = buildHeadRig(model, shape);
  const full = poseHead(new HeadModelEvaluator(model, { simd: false }), model, shape, { rotation: [0, 0, 0], jaw, expression: psi });
  const rigModel = rigHeadModel(rig);
  const posed = poseHead(new HeadModelEvaluator(rigModel, { simd: true }), rigModel, [], { rotation: [0, 0, 0], jaw, expression: psi });
  let error = 0;
  for (let i = 0; i < full.vertices.length; i += 3) error = Math.max(error, Math.hypot(full.vertices[i]! - posed.vertices[i]!, full.vertices[i + 1]! - posed.vertices[i + 1]!, full.vertices[i + 2]! - posed.vertices[i + 2]!));
  const rigBytes = rig.expressions.reduce((s, e) => s + e.indices.byteLength + e.deltas.byteLength, 0) + (rig.pose ?? []).reduce((s, e) => s + e.indices.byteLength + e.deltas.byteLength, 0);
  return { error, rigBytes };
}

describe('head rig: a subject posed in the viewer as the studio poses them', () => {
  it('a FLAME-structured head with pose correctives: the rig poses within 2 µm of the full model', () => {
    const model = syntheticHeadModel({ vertices: 2000, shapeCount: 20, expressionCount: 10 });
    const shape = Float64Array.from({ length: 20 }, (_, k) => Math.sin(k + 1));
    const psi = Float64Array.from({ length: 10 }, (_, k) => Math.cos(k) * 0.8);
    const { error } = rigError(model, shape, psi, [0.25, 0.02, -0.03]);
    expect(error).toBeLessThan(2e-6);
    // No ARKit names: nothing maps without a transfer.
    expect(arkitExpressionMap(model.expression.names, 10).every((v) => v === 0)).toBe(true);
  });

  describe.skipIf(!existsSync(ZIP))('ICT-FaceKit', () => {
    let model: HeadModel;
    beforeAll(() => {
      ({ model } = importIctFaceKit(zipSourceFiles(readZip(new Uint8Array(readFileSync(ZIP))))));
    }, 120_000);

    it('maps every ARKit shape ICT has by name (split halves both), and poses within 5 µm of the full model', () => {
      const K = model.expression.count;
      const M = arkitExpressionMap(model.expression.names, K);
      const names = model.expression.names;
      const row = (a: string) => Array.from(M.subarray(A(a) * K, (A(a) + 1) * K)).flatMap((w, k) => (w ? [names[k]] : []));
      expect(row('eyeBlinkLeft')).toEqual(['eyeBlink_L']);
      expect(row('jawOpen')).toEqual(['jawOpen']);
      expect(row('browInnerUp').sort()).toEqual(['browInnerUp_L', 'browInnerUp_R']);
      expect(row('cheekPuff').sort()).toEqual(['cheekPuff_L', 'cheekPuff_R']);
      // Every ICT shape is driven by exactly one ARKit shape.
      for (let k = 0; k < K; k++) expect(ARKIT_BLENDSHAPES.reduce((s, _, a) => s + M[a * K + k]!, 0)).toBe(1);

      const arkit = new Float32Array(52);
      arkit[A('mouthSmileLeft')] = 0.8;
      arkit[A('jawOpen')] = 0.4;
      arkit[A('browInnerUp')] = 0.6;
      arkit[A('eyeBlinkRight')] = 1;
      const psi = arkitToRigExpression(M, arkit, K);
      expect(psi[names.indexOf('browInnerUp_L')]).toBeCloseTo(0.6, 6);
      expect(psi[names.indexOf('browInnerUp_R')]).toBeCloseTo(0.6, 6);
      const shape = Float64Array.from({ length: model.shape.count }, (_, k) => 0.8 * Math.sin(3 * k + 1));
      const { error, rigBytes } = rigError(model, shape, psi, [0.15, 0, 0]);
      console.log(`ICT rig: expression shapes ${(rigBytes / 2 ** 20).toFixed(1)} MiB sparse int16 (dense float32 ${((K * model.vertexCount * 12) / 2 ** 20).toFixed(1)} MiB), max error ${(error * 1e6).toFixed(2)} µm`);
      expect(error).toBeLessThan(5e-6);
      expect(rigBytes).toBeLessThan(0.5 * K * model.vertexCount * 12);
    });
  });
});
