import type { HeadModel } from '../head-model/head-model';
import type { DetailTexels } from './detail-texels';

/**
 * The detail texels on one posed head: each texel's point and unit normal, and the map from a
 * displacement's UV derivatives to its surface gradient. A displacement D along the normal tilts the
 * normal by −∇ₛD (to first order), and ∇ₛD = M·(∂D/∂u, ∂D/∂v) with M = J(JᵀJ)⁻¹, J = (∂P/∂u, ∂P/∂v)
 * the surface's UV Jacobian — so shading responds linearly to D through M.
 */
export interface TexelFrames {
  /** Per compact texel: posed position (3) and unit normal (3). */
  position: Float32Array;
  normal: Float32Array;
  /** Per compact texel: M (3×2, row-major: dx/du-part, dx/dv-part, dy/…, dz/…), metres per UV unit inverted. */
  gradient: Float32Array;
}

/**
 * The texels' frames on a posed head (vertices and normals from `poseHead`).
 *
 * ```ts
 * const frames = texelFrames(model, texels, posed.vertices, posed.normals);
 * ```
 */
export function texelFrames(model: HeadModel, texels: DetailTexels, vertices: ArrayLike<number>, normals: ArrayLike<number>): TexelFrames {
  const K = texels.texel.length;
  const position = new Float32Array(K * 3), normal = new Float32Array(K * 3), gradient = new Float32Array(K * 6);
  const tri = model.triangles, uvTri = model.uv!.triangles, uv = model.uv!.coords;
  // M per triangle, computed the first time a texel of it is met.
  const done = new Map<number, Float64Array>();
  for (let k = 0; k < K; k++) {
    const t = texels.triangle[k]!, wb = texels.bary[k * 2]!, wc = texels.bary[k * 2 + 1]!, wa = 1 - wb - wc;
    const a = tri[t * 3]! * 3, b = tri[t * 3 + 1]! * 3, c = tri[t * 3 + 2]! * 3;
    let nx = 0, ny = 0, nz = 0;
    for (let d = 0; d < 3; d++) {
      position[k * 3 + d] = wa * vertices[a + d]! + wb * vertices[b + d]! + wc * vertices[c + d]!;
    }
    nx = wa * normals[a]! + wb * normals[b]! + wc * normals[c]!;
    ny = wa * normals[a + 1]! + wb * normals[b + 1]! + wc * normals[c + 1]!;
    nz = wa * normals[a + 2]! + wb * normals[b + 2]! + wc * normals[c + 2]!;
    const len = Math.hypot(nx, ny, nz) || 1;
    normal[k * 3] = nx / len;
    normal[k * 3 + 1] = ny / len;
    normal[k * 3 + 2] = nz / len;
    let m = done.get(t);
    if (!m) {
      m = triangleGradientMap(vertices, tri, uvTri, uv, t);
      done.set(t, m);
    }
    gradient.set(m, k * 6);
  }
  return { position, normal, gradient };
}

/** M = J(JᵀJ)⁻¹ of one triangle (zeros for a degenerate one). */
function triangleGradientMap(v: ArrayLike<number>, tri: ArrayLike<number>, uvTri: ArrayLike<number>, uv: ArrayLike<number>, t: number): Float64Array {
  const p0 = tri[t * 3]! * 3, p1 = tri[t * 3 + 1]! * 3, p2 = tri[t * 3 + 2]! * 3;
  const q0 = uvTri[t * 3]! * 2, q1 = uvTri[t * 3 + 1]! * 2, q2 = uvTri[t * 3 + 2]! * 2;
  const du1 = uv[q1]! - uv[q0]!, dv1 = uv[q1 + 1]! - uv[q0 + 1]!, du2 = uv[q2]! - uv[q0]!, dv2 = uv[q2 + 1]! - uv[q0 + 1]!;
  const det = du1 * dv2 - du2 * dv1;
  const m = new Float64Array(6);
  if (Math.abs(det) < 1e-14) return m;
  // [Pu Pv] = [e1 e2]·[[du1 du2], [dv1 dv2]]⁻¹
  const i00 = dv2 / det, i01 = -du2 / det, i10 = -dv1 / det, i11 = du1 / det;
  const J = new Float64Array(6); // rows x, y, z; columns u, v
  for (let d = 0; d < 3; d++) {
    const e1 = v[p1 + d]! - v[p0 + d]!, e2 = v[p2 + d]! - v[p0 + d]!;
    J[d * 2] = e1 * i00 + e2 * i10;
    J[d * 2 + 1] = e1 * i01 + e2 * i11;
  }
  const a = J[0]! * J[0]! + J[2]! * J[2]! + J[4]! * J[4]!, b = J[0]! * J[1]! + J[2]! * J[3]! + J[4]! * J[5]!, c = J[1]! * J[1]! + J[3]! * J[3]! + J[5]! * J[5]!;
  const g = a * c - b * b;
  if (!(g > 1e-30)) return m;
  const ia = c / g, ib = -b / g, ic = a / g;
  for (let d = 0; d < 3; d++) {
    m[d * 2] = J[d * 2]! * ia + J[d * 2 + 1]! * ib;
    m[d * 2 + 1] = J[d * 2]! * ib + J[d * 2 + 1]! * ic;
  }
  return m;
}
