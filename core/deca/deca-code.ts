/**
 * DECA's coarse code: the 236 values its encoder E_c predicts from a 224×224 face crop, in the
 * order of DECA's `param_list`: shape β (100), albedo/texture (50), expression ψ (50),
 * pose (global 3 + jaw 3, axis-angle), camera (scale, tx, ty), SH lighting (9 bands × RGB).
 */
export const DECA_CODE_LAYOUT = [
  ['shape', 100],
  ['tex', 50],
  ['exp', 50],
  ['pose', 6],
  ['cam', 3],
  ['light', 27],
] as const;

export const DECA_CODE_LENGTH = DECA_CODE_LAYOUT.reduce((n, [, k]) => n + k, 0);

export interface DecaCode {
  shape: Float32Array;
  tex: Float32Array;
  exp: Float32Array;
  /** Axis-angle rotations: the head as a whole and the jaw. */
  pose: { global: Float32Array; jaw: Float32Array };
  /** Orthographic camera: v = s·Π(M) + t in the crop's normalised coordinates. */
  cam: { scale: number; tx: number; ty: number };
  /** 9 spherical-harmonic bands, each RGB (9×3, row-major). */
  light: Float32Array;
}

/**
 * Splits one encoder output (236 values) into named parameters.
 *
 * ```ts
 * const code = splitDecaCode(output.subarray(0, 236));
 * ```
 */
export function splitDecaCode(values: ArrayLike<number>): DecaCode {
  if (values.length !== DECA_CODE_LENGTH) throw new Error(`a DECA coarse code has ${DECA_CODE_LENGTH} values, got ${values.length}`);
  const parts: Record<string, Float32Array> = {};
  let at = 0;
  for (const [name, k] of DECA_CODE_LAYOUT) {
    parts[name] = Float32Array.from({ length: k }, (_, i) => values[at + i]!);
    at += k;
  }
  const pose = parts.pose!;
  const cam = parts.cam!;
  return {
    shape: parts.shape!,
    tex: parts.tex!,
    exp: parts.exp!,
    pose: { global: pose.slice(0, 3), jaw: pose.slice(3, 6) },
    cam: { scale: cam[0]!, tx: cam[1]!, ty: cam[2]! },
    light: parts.light!,
  };
}
