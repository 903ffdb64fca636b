import { checkMeshLimits } from './check-mesh-limits';

/**
 * The parametric head every model (FLAME, ICT-FaceKit, the starter head) is converted into.
 *
 * FLAME: M(β, θ, ψ) = W(T_P(β, θ, ψ), J(β, ψ), θ, 𝒲) with T_P = T + B_S(β) + B_E(ψ) + B_P(θ).
 * All positions are in metres, +Y up, the face looking down +Z, the subject's left at +X.
 *
 * Bases are stored component-major ([K][V·3]) so that one coefficient scales one contiguous run
 * of memory; FLAME's (V, 3, K) arrays are transposed on import.
 */
export interface HeadModel {
  /** Stable slug, e.g. `ict-facekit`, `flame-2020`. */
  id: string;
  name: string;
  /** Where it came from and under which licence (shown to the user, kept in packs). */
  source: string;
  license: string;
  vertexCount: number;
  /** V×3 rest vertices (metres). */
  template: Float32Array;
  /** F×3 vertex indices, counter-clockwise seen from outside. */
  triangles: Uint32Array;
  /** Texture coordinates with their own index per triangle corner, so UV seams need no split vertices. */
  uv: UvLayout | null;
  shape: Basis;
  expression: Basis;
  /** Pose-corrective basis over the (R − I) features of joints 1…J−1 (9·(J−1) modes), or null. */
  pose: Basis | null;
  joints: Skeleton;
  /** V×J linear-blend-skinning weights, rows sum to 1. */
  skinWeights: Float32Array;
  landmarks: LandmarkSet;
  /** Named vertex sets: `face`, `eyes`, `mouthInterior`, `neck` (others allowed). */
  regions: Record<string, Uint32Array>;
}

export interface UvLayout {
  /** N×2 texture coordinates in [0, 1]. */
  coords: Float32Array;
  /** F×3 indices into `coords`, one per triangle corner (same order as `triangles`). */
  triangles: Uint32Array;
}

export interface Basis {
  count: number;
  /** K×V×3 offsets (metres per unit coefficient). */
  data: Float32Array;
  /** Mode names where the model has them (ICT: `eyeBlink_L` …); empty otherwise. */
  names: string[];
}

export interface Skeleton {
  /** Joint names; index 0 is the root. FLAME: root, neck, jaw, eye_L, eye_R. */
  names: string[];
  /** Parent index per joint, −1 for the root; parents come before children. */
  parents: Int32Array;
  /** J×V sparse joint regressor (joints = regressor · shaped vertices). */
  regressor: SparseMatrix;
}

/** Coordinate-format sparse matrix. */
export interface SparseMatrix {
  rows: number;
  cols: number;
  row: Uint32Array;
  col: Uint32Array;
  value: Float32Array;
}

/** Landmarks embedded in the surface: a triangle and barycentric weights each. */
export interface LandmarkSet {
  /** L triangle indices. */
  faces: Uint32Array;
  /** L×3 barycentric weights. */
  barycentric: Float32Array;
  /** FLAME's dynamic jaw contour: per yaw bin (−39°…39°), 17 landmarks; optional. */
  dynamicContour: { faces: Uint32Array; barycentric: Float32Array; bins: number } | null;
  /**
   * Without a dynamic contour: the points (triangle, barycentric) the turned-away side's jaw
   * landmarks may march to, each with the landmark (0…16) it serves. Absent: the fitter takes the
   * face's vertices near each landmark's height, which a coarse face mesh leaves gappy.
   */
  contourCandidates?: { faces: Uint32Array; barycentric: Float32Array; landmark: Uint32Array } | null;
}

/** The joints every exported rig has; models without a separate head joint map it onto the neck. */
export const EXPORT_JOINTS = ['root', 'neck', 'head', 'jaw', 'eye_L', 'eye_R'] as const;

/**
 * Checks sizes and indices so a broken pack or importer fails with a clear message, not NaNs, and
 * holds the model to the mesh limits (counts, finite and bounded values; see {@link checkMeshLimits}).
 *
 * ```ts
 * validateHeadModel(model); // throws Error('head model "x": triangles reference vertex 9001 ≥ 5023')
 * ```
 */
export function validateHeadModel(m: HeadModel): void {
  const fail = (msg: string): never => {
    throw new Error(`head model "${m.id}": ${msg}`);
  };
  const V = m.vertexCount;
  const J = m.joints.names.length;
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(m.id)) fail('id must be a lowercase slug');
  if (!(V > 0) || m.template.length !== V * 3) fail(`template has ${m.template.length} values, expected ${V}×3`);
  if (m.triangles.length % 3 !== 0) fail('triangle index count is not a multiple of 3');
  for (let i = 0; i < m.triangles.length; i++) if (m.triangles[i]! >= V) fail(`triangles reference vertex ${m.triangles[i]} ≥ ${V}`);
  if (m.uv) {
    if (m.uv.triangles.length !== m.triangles.length) fail('UV corners do not match the triangles');
    const n = m.uv.coords.length / 2;
    for (let i = 0; i < m.uv.triangles.length; i++) if (m.uv.triangles[i]! >= n) fail(`UV index ${m.uv.triangles[i]} ≥ ${n}`);
  }
  for (const [label, b] of [['shape', m.shape], ['expression', m.expression], ['pose', m.pose]] as const) {
    if (!b) continue;
    if (b.data.length !== b.count * V * 3) fail(`${label} basis has ${b.data.length} values, expected ${b.count}×${V}×3`);
    if (b.names.length !== 0 && b.names.length !== b.count) fail(`${label} basis has ${b.names.length} names for ${b.count} modes`);
  }
  if (m.pose && m.pose.count !== 9 * (J - 1)) fail(`pose basis needs ${9 * (J - 1)} modes for ${J} joints, has ${m.pose.count}`);
  if (m.joints.parents.length !== J) fail('one parent per joint needed');
  for (let j = 0; j < J; j++) {
    const p = m.joints.parents[j]!;
    if (j === 0 ? p !== -1 : p < 0 || p >= j) fail(`joint ${m.joints.names[j]} has parent ${p}; parents must precede children`);
  }
  const r = m.joints.regressor;
  if (r.rows !== J || r.cols !== V) fail(`joint regressor is ${r.rows}×${r.cols}, expected ${J}×${V}`);
  for (let i = 0; i < r.row.length; i++) if (r.row[i]! >= J || r.col[i]! >= V) fail('joint regressor index out of range');
  if (m.skinWeights.length !== V * J) fail(`skin weights have ${m.skinWeights.length} values, expected ${V}×${J}`);
  const F = m.triangles.length / 3;
  const l = m.landmarks;
  if (l.barycentric.length !== l.faces.length * 3) fail('landmark barycentric size mismatch');
  for (let i = 0; i < l.faces.length; i++) if (l.faces[i]! >= F) fail(`landmark ${i} on triangle ${l.faces[i]} ≥ ${F}`);
  const cc = l.contourCandidates;
  if (cc) {
    if (cc.barycentric.length !== cc.faces.length * 3 || cc.landmark.length !== cc.faces.length) fail('contour candidate sizes mismatch');
    for (let i = 0; i < cc.faces.length; i++) if (cc.faces[i]! >= F || cc.landmark[i]! >= 17) fail(`contour candidate ${i} on triangle ${cc.faces[i]} for landmark ${cc.landmark[i]}`);
  }
  for (const [name, idx] of Object.entries(m.regions)) for (let i = 0; i < idx.length; i++) if (idx[i]! >= V) fail(`region ${name} has vertex ${idx[i]} ≥ ${V}`);
  checkMeshLimits(m);
}

/**
 * Index of a joint by name, with a clear error when the model lacks it.
 *
 * ```ts
 * const jaw = jointIndex(model, 'jaw'); pose[jaw * 3] = 0.3;
 * ```
 */
export function jointIndex(m: HeadModel, name: string): number {
  const i = m.joints.names.indexOf(name);
  if (i < 0) throw new Error(`head model "${m.id}" has no joint "${name}" (it has ${m.joints.names.join(', ')})`);
  return i;
}
