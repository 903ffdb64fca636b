import type { HeadModel } from './head-model';

export interface SyntheticHeadOptions {
  vertices: number;
  shapeCount: number;
  expressionCount: number;
  /** Include FLAME's 36 pose-corrective modes. */
  poseCorrectives: boolean;
  seed: number;
}

export const SYNTHETIC_HEAD_DEFAULTS: SyntheticHeadOptions = { vertices: 5023, shapeCount: 100, expressionCount: 50, poseCorrectives: true, seed: 1 };

/**
 * A FLAME-structured head on a 0.1 m sphere with random bases: same joints (root, neck, jaw, eye_L,
 * eye_R), sparse regressor, skinning and landmarks as the real model, any size. For tests and
 * benchmarks where the real model's licence keeps it out of the repository.
 *
 * ```ts
 * const flameSized = syntheticHeadModel({ vertices: 5023, shapeCount: 100, expressionCount: 50 });
 * ```
 */
export function syntheticHeadModel(options: Partial<SyntheticHeadOptions> = {}): HeadModel {
  const o = { ...SYNTHETIC_HEAD_DEFAULTS, ...options };
  let s = o.seed >>> 0 || 1;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  const V = o.vertices;
  const cols = Math.max(3, Math.round(Math.sqrt(2 * V)));
  const rows = Math.max(2, Math.floor(V / cols));
  const template = new Float32Array(V * 3);
  for (let v = 0; v < V; v++) {
    const r = Math.min(Math.floor(v / cols), rows - 1), c = v % cols;
    const lat = Math.PI * (0.05 + (0.9 * r) / (rows - 1)), lon = (2 * Math.PI * c) / cols;
    template[v * 3] = 0.1 * Math.sin(lat) * Math.sin(lon);
    template[v * 3 + 1] = 0.1 * Math.cos(lat);
    template[v * 3 + 2] = 0.1 * Math.sin(lat) * Math.cos(lon);
  }
  const tris: number[] = [];
  for (let r = 0; r + 1 < rows; r++)
    for (let c = 0; c < cols; c++) {
      const a = r * cols + c, b = r * cols + ((c + 1) % cols), d = a + cols, e = b + cols;
      tris.push(a, d, b, b, d, e);
    }
  const basis = (count: number, scale: number) => {
    const data = new Float32Array(count * V * 3);
    for (let i = 0; i < data.length; i++) data[i] = rand() * scale;
    return data;
  };
  const names = ['root', 'neck', 'jaw', 'eye_L', 'eye_R'];
  const J = names.length;
  // Skinning by height and direction: bottom → root/neck, lower front → jaw, two patches → eyes.
  const W = new Float32Array(V * J);
  for (let v = 0; v < V; v++) {
    const x = template[v * 3]!, y = template[v * 3 + 1]!, z = template[v * 3 + 2]!;
    const row = v * J;
    if (z > 0.06 && Math.abs(x) > 0.02 && Math.abs(x) < 0.05 && y > 0.02 && y < 0.05) W[row + (x > 0 ? 3 : 4)] = 1;
    else if (y < -0.07) W[row] = 1;
    else if (y < -0.03 && z > 0) {
      const t = Math.min(1, (-0.03 - y) / 0.03);
      W[row + 2] = t;
      W[row + 1] = 1 - t;
    } else W[row + 1] = 1;
  }
  const row: number[] = [], col: number[] = [], value: number[] = [];
  for (let j = 0; j < J; j++)
    for (let k = 0; k < 4; k++) {
      row.push(j);
      col.push((j * 997 + k * 131) % V);
      value.push(0.25);
    }
  const F = tris.length / 3;
  const L = 68;
  const faces = new Uint32Array(L), bary = new Float32Array(L * 3);
  for (let l = 0; l < L; l++) {
    faces[l] = (l * 7919) % F;
    const a = 0.2 + 0.6 * Math.abs(rand()), b = (1 - a) * Math.abs(rand());
    bary.set([a, b, 1 - a - b], l * 3);
  }
  return {
    id: 'synthetic',
    name: `Synthetic head (${V} vertices)`,
    source: 'generated',
    license: 'MIT',
    vertexCount: V,
    template,
    triangles: Uint32Array.from(tris),
    uv: null,
    shape: { count: o.shapeCount, data: basis(o.shapeCount, 0.002), names: [] },
    expression: { count: o.expressionCount, data: basis(o.expressionCount, 0.001), names: [] },
    pose: o.poseCorrectives ? { count: 36, data: basis(36, 0.001), names: [] } : null,
    joints: { names, parents: Int32Array.from([-1, 0, 1, 1, 1]), regressor: { rows: J, cols: V, row: Uint32Array.from(row), col: Uint32Array.from(col), value: Float32Array.from(value) } },
    skinWeights: W,
    landmarks: { faces, barycentric: bary, dynamicContour: null },
    regions: { face: Uint32Array.from({ length: V }, (_, i) => i).filter((i) => template[i * 3 + 2]! > 0) },
  };
}
