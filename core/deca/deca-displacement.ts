import { DECA_UV_SIZE } from './deca-uv-data';

/** DECA's detail code length (cfg.model.n_detail): E_detail's output. */
export const DECA_DETAIL_CODE_LENGTH = 128;

/** D_detail's output scale (cfg.model.max_z): uv_z = 0.01·tanh(…), metres along the normal. */
export const DECA_MAX_Z = 0.01;

export interface DecaDisplacementOptions {
  /**
   * Where `fixed_displacement_256.npy` applies. `everywhere` is DECA's `displacement2normal`
   * (uv_z·mask + fixed: the fixed map is not masked) and its detail-mesh export; `mask` also masks
   * the fixed map, (uv_z + fixed)·mask, which matches what DECA's detail normals show (they fall
   * back to the coarse normals outside the mask).
   */
  fixed: 'everywhere' | 'mask';
}

export const DECA_DISPLACEMENT_DEFAULTS: DecaDisplacementOptions = { fixed: 'everywhere' };

/**
 * The displacement DECA builds its detail surface from, per texel of its 256² UV image:
 * `uv_z · uv_face_eye_mask + fixed_displacement` (decalib/deca.py, displacement2normal), in metres
 * along the coarse surface's normal. Without a fixed map, zero wherever the mask is.
 *
 * ```ts
 * const displacement = decaDisplacement(uvZ, mask, fixed); // 256×256, row 0 = v = 1
 * ```
 */
export function decaDisplacement(uvZ: Float32Array, mask: Float32Array, fixed: Float32Array | null, options: Partial<DecaDisplacementOptions> = {}): Float32Array {
  const o = { ...DECA_DISPLACEMENT_DEFAULTS, ...options };
  const n = DECA_UV_SIZE * DECA_UV_SIZE;
  for (const [name, a] of [['uv_z', uvZ], ['mask', mask], ['fixed displacement', fixed]] as const) {
    if (a && a.length !== n) throw new Error(`DECA's ${name} must be ${DECA_UV_SIZE}×${DECA_UV_SIZE}, got ${a.length} values`);
  }
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const f = fixed ? fixed[i]! : 0;
    out[i] = o.fixed === 'everywhere' ? uvZ[i]! * mask[i]! + f : (uvZ[i]! + f) * mask[i]!;
  }
  return out;
}

/**
 * Bilinear sample of a DECA UV image (S×S, row 0 = v = 1) at OBJ texture coordinates (u, v): texel
 * centres at u = (j + ½)/S, v = 1 − (i + ½)/S, edges clamped — `grid_sample(align_corners=False,
 * padding_mode='border')` at (2u − 1, 1 − 2v).
 *
 * ```ts
 * const d = sampleDecaUv(displacement, 0.43, 0.61);
 * ```
 */
export function sampleDecaUv(map: Float32Array, u: number, v: number, size = DECA_UV_SIZE): number {
  const x = Math.min(size - 1, Math.max(0, u * size - 0.5));
  const y = Math.min(size - 1, Math.max(0, (1 - v) * size - 0.5));
  const x0 = Math.floor(x), y0 = Math.floor(y);
  const x1 = Math.min(size - 1, x0 + 1), y1 = Math.min(size - 1, y0 + 1);
  const fx = x - x0, fy = y - y0;
  const top = map[y0 * size + x0]! * (1 - fx) + map[y0 * size + x1]! * fx;
  const bottom = map[y1 * size + x0]! * (1 - fx) + map[y1 * size + x1]! * fx;
  return top * (1 - fy) + bottom * fy;
}
