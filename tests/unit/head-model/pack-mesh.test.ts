import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateRequest } from '../../../core/api/validate-request';
import { HeadModelEvaluator } from '../../../core/head-model/head-model-evaluator';
import { syntheticHeadModel } from '../../../core/head-model/synthetic-head-model';
import { createApiHandlers } from '../../../main/services/api-handlers';
import { Studio } from '../../../main/services/studio';
import { makeTempDir } from '../../helpers/temp-dir';

const f32 = (b64: string) => new Float32Array(new Uint8Array(Buffer.from(b64, 'base64')).buffer);
const u32 = (b64: string) => new Uint32Array(new Uint8Array(Buffer.from(b64, 'base64')).buffer);

describe('packs.evaluate (API → model service → worker)', () => {
  const { dir, cleanup } = makeTempDir('deca-packmesh-');
  const studio = new Studio({ mode: 'cli', version: 'test', settingsDir: path.join(dir, 'home'), workers: 1 });
  const evaluatePackMesh = (_store: unknown, req: Parameters<ReturnType<typeof createApiHandlers>['packs.evaluate']>[0]) => createApiHandlers(studio)['packs.evaluate'](req);
  afterAll(async () => {
    await studio.dispose();
    cleanup();
  });

  it('returns the evaluated head of a stored pack, topology on request', async () => {
    const store = studio.packs;
    const m = syntheticHeadModel({ vertices: 500, shapeCount: 4, expressionCount: 3 });
    m.id = 'toy';
    m.regions.overlays = Uint32Array.of(0, 1, 2);
    await store.save(m, { float16Tolerance: 0 });
    const pose = Array.from({ length: 15 }, (_, i) => 0.05 * i);
    const mesh = await evaluatePackMesh(store, { packId: 'toy', expression: [1, 0, -1], pose, topology: true });
    // The worker evaluates with the scalar kernel over the shared bases (main/compute/worker-state.ts).
    const expected = new HeadModelEvaluator(m, { simd: false }).evaluate({ expression: [1, 0, -1], pose });
    expect(f32(mesh.positions)).toEqual(expected.vertices);
    expect(f32(mesh.normals)).toEqual(expected.normals);
    expect(f32(mesh.landmarks)).toEqual(expected.landmarks);
    const idx = u32(mesh.indices!);
    // triangles touching the overlay vertices 0…2 are left out, all others kept
    const touching = Array.from({ length: m.triangles.length / 3 }, (_, f) => [0, 1, 2].some((k) => m.triangles[f * 3 + k]! <= 2)).filter(Boolean).length;
    expect(idx.length).toBe(m.triangles.length - 3 * touching);
    expect(touching).toBeGreaterThan(0);
    expect(mesh.expressionNames).toEqual(['expression 0', 'expression 1', 'expression 2']);
    const again = await evaluatePackMesh(store, { packId: 'toy' });
    expect(again.indices).toBeNull();
    expect(f32(again.positions)).toEqual(new HeadModelEvaluator(m, { simd: false }).evaluate({}).vertices);
  });

  it('says clearly when the pack is missing or the pose has the wrong size', async () => {
    const store = studio.packs;
    await expect(evaluatePackMesh(store, { packId: 'nope' })).rejects.toThrow(/No model pack "nope"/);
    await expect(evaluatePackMesh(store, { packId: 'toy', pose: [0, 0, 0] })).rejects.toThrow(/pose needs 5×3 values/);
  });

  it('validates requests at the API boundary', () => {
    expect(() => validateRequest('packs.evaluate', { packId: '../x' })).toThrow(/pack id/);
    expect(() => validateRequest('packs.evaluate', { packId: 'toy', expression: [Infinity] })).toThrow(/finite/);
    expect(validateRequest('packs.evaluate', { packId: 'toy', topology: true })).toEqual({ packId: 'toy', topology: true });
  });
});
