import { ApiError } from '../../core/api/api-error';
import type { HeadMeshRequest } from '../../core/api/contract';
import type { HeadModel } from '../../core/head-model/head-model';
import type { HeadModelEvaluator } from '../../core/head-model/head-model-evaluator';
import { opaqueTriangles } from '../../core/geometry/opaque-triangles';
import type { ComputeTasks } from '../compute/compute-tasks';

/**
 * Evaluates a pack head for the head-model page (`packs.evaluate`): the forward model with the
 * request's coefficients and joint rotations, as binary arrays (the transport encodes them).
 *
 * ```ts
 * const mesh = evaluatePackMesh({ model, evaluator }, { packId: 'ict-facekit', expression: [0, 0, 1], topology: true });
 * ```
 */
export function evaluatePackMesh(pack: { model: HeadModel; evaluator: HeadModelEvaluator }, req: HeadMeshRequest): ComputeTasks['pack.evaluate']['res'] {
  const { model, evaluator } = pack;
  const J = model.joints.names.length;
  if (req.pose && req.pose.length !== J * 3) throw new ApiError('bad-request', `pose needs ${J}×3 values (${model.joints.names.join(', ')})`);
  const out = evaluator.evaluate({ shape: req.shape, expression: req.expression, pose: req.pose });
  return {
    packId: model.id,
    vertexCount: model.vertexCount,
    positions: Float32Array.from(out.vertices),
    normals: Float32Array.from(out.normals),
    indices: req.topology ? visibleTriangles(model) : null,
    landmarks: Float32Array.from(out.landmarks),
    shapeCount: model.shape.count,
    shapeNames: model.shape.names,
    expressionNames: model.expression.names.length ? model.expression.names : Array.from({ length: model.expression.count }, (_, i) => `expression ${i}`),
    jointNames: model.joints.names,
  };
}

/** Triangles without see-through overlays (ICT's eye occlusion and tear films). */
function visibleTriangles(model: HeadModel): Uint32Array {
  const keep = opaqueTriangles(model.triangles, model.regions.overlays);
  const out: number[] = [];
  for (let t = 0; t < keep.length; t++) if (keep[t]) out.push(model.triangles[t * 3]!, model.triangles[t * 3 + 1]!, model.triangles[t * 3 + 2]!);
  return Uint32Array.from(out);
}
