import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../core/api/api-error';
import type { HeadMesh, HeadMeshRequest } from '../../core/api/contract';
import type { HeadModel } from '../../core/head-model/head-model';
import { HeadModelEvaluator } from '../../core/head-model/head-model-evaluator';
import type { PackStore } from './pack-store';

/** The last pack the viewer used, kept loaded: slider moves re-evaluate, they do not reload. */
let cached: { dir: string; mtimeMs: number; model: HeadModel; evaluator: HeadModelEvaluator; indices: Uint32Array } | null = null;

/**
 * Evaluates a pack head for the viewer (`packs.evaluate`): loads the pack once (hash-checked),
 * then runs the forward model per request and returns base64 little-endian arrays.
 *
 * ```ts
 * const mesh = await evaluatePackMesh(studio.packs, { packId: 'ict-facekit', expression: [0, 0, 1], topology: true });
 * ```
 */
export async function evaluatePackMesh(store: PackStore, req: HeadMeshRequest): Promise<HeadMesh> {
  const dir = path.join(store.dir, req.packId);
  const stat = await fs.stat(path.join(dir, 'manifest.json')).catch(() => null);
  if (!stat) throw new ApiError('not-found', `No model pack "${req.packId}"`);
  if (!cached || cached.dir !== dir || cached.mtimeMs !== stat.mtimeMs) {
    const model = await store.load(req.packId);
    cached = { dir, mtimeMs: stat.mtimeMs, model, evaluator: new HeadModelEvaluator(model), indices: visibleTriangles(model) };
  }
  const { model, evaluator, indices } = cached;
  const J = model.joints.names.length;
  if (req.pose && req.pose.length !== J * 3) throw new ApiError('bad-request', `pose needs ${J}×3 values (${model.joints.names.join(', ')})`);
  const out = evaluator.evaluate({ shape: req.shape, expression: req.expression, pose: req.pose });
  return {
    packId: model.id,
    vertexCount: model.vertexCount,
    positions: base64(out.vertices),
    normals: base64(out.normals),
    indices: req.topology ? base64(indices) : null,
    landmarks: base64(out.landmarks),
    shapeCount: model.shape.count,
    shapeNames: model.shape.names,
    expressionNames: model.expression.names.length ? model.expression.names : Array.from({ length: model.expression.count }, (_, i) => `expression ${i}`),
    jointNames: model.joints.names,
  };
}

/** Triangles without see-through overlay vertices (ICT's eye occlusion and tear films). */
function visibleTriangles(model: HeadModel): Uint32Array {
  const hidden = new Uint8Array(model.vertexCount);
  for (const v of model.regions.overlays ?? []) hidden[v] = 1;
  const t = model.triangles;
  const keep: number[] = [];
  for (let f = 0; f < t.length; f += 3) if (!hidden[t[f]!] && !hidden[t[f + 1]!] && !hidden[t[f + 2]!]) keep.push(t[f]!, t[f + 1]!, t[f + 2]!);
  return Uint32Array.from(keep);
}

function base64(a: Float32Array | Uint32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}
