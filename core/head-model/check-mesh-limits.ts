import { INPUT_LIMITS, LimitError, type InputLimits } from '../limits/input-limits';
import type { HeadModel } from './head-model';

/** The limits a head model is held to; see {@link INPUT_LIMITS}. */
export type MeshLimits = Pick<InputLimits, 'meshVertices' | 'meshTriangles' | 'meshModes' | 'meshCoordinate'>;

export const MESH_LIMITS_DEFAULTS: MeshLimits = {
  meshVertices: INPUT_LIMITS.meshVertices,
  meshTriangles: INPUT_LIMITS.meshTriangles,
  meshModes: INPUT_LIMITS.meshModes,
  meshCoordinate: INPUT_LIMITS.meshCoordinate,
};

/**
 * Refuses a head model that is too big or holds a value that would poison everything drawn or exported
 * from it: vertex, triangle and mode counts over the limits, and any non-finite or absurdly large
 * coordinate, offset, skin weight, regressor weight or texture coordinate (a single `v 1e999 0 0`
 * renders a blank head and exports a GLB with non-finite POSITION values).
 *
 * ```ts
 * checkMeshLimits(model); // throws LimitError('meshCoordinate', 'head model "x": template value 3 is Infinity …')
 * ```
 */
export function checkMeshLimits(m: HeadModel, options: Partial<MeshLimits> = {}): void {
  const limits = { ...INPUT_LIMITS, ...MESH_LIMITS_DEFAULTS, ...options };
  const where = `head model "${m.id}"`;
  if (m.vertexCount > limits.meshVertices) throw new LimitError('meshVertices', `${where} has ${m.vertexCount.toLocaleString('en-US')} vertices`, limits);
  const F = Math.floor(m.triangles.length / 3);
  if (F > limits.meshTriangles) throw new LimitError('meshTriangles', `${where} has ${F.toLocaleString('en-US')} triangles`, limits);
  const modes = m.shape.count + m.expression.count;
  if (modes > limits.meshModes) throw new LimitError('meshModes', `${where} has ${modes.toLocaleString('en-US')} shape and expression modes`, limits);
  const max = limits.meshCoordinate;
  const bounded = (label: string, values: Float32Array, bound: number) => {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!(Math.abs(v) <= bound)) {
        const what = Number.isFinite(v) ? `${v.toExponential(2)} m` : String(v);
        throw new LimitError('meshCoordinate', `${where}: ${label} value ${i} is ${what}`, limits);
      }
    }
  };
  bounded('template', m.template, max);
  bounded('shape basis', m.shape.data, max);
  bounded('expression basis', m.expression.data, max);
  if (m.pose) bounded('pose basis', m.pose.data, max);
  // Weights and texture coordinates are unitless: they only need to be finite and sane.
  bounded('skin weight', m.skinWeights, max);
  bounded('joint regressor', m.joints.regressor.value, max);
  bounded('landmark barycentric', m.landmarks.barycentric, max);
  if (m.uv) bounded('texture coordinate', m.uv.coords, max);
}
