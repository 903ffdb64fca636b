/**
 * Rotation matrix of an axis-angle vector (Rodrigues): R = I + sin θ·K + (1 − cos θ)·K², written
 * row-major into `out` at `o`. Angles below 1e-12 give exactly I, so zero pose is exact.
 *
 * ```ts
 * const R = new Float64Array(9); rodrigues(0, 0, Math.PI / 2, R, 0); // 90° about +Z
 * ```
 */
export function rodrigues(x: number, y: number, z: number, out: Float64Array, o = 0): void {
  const angle = Math.sqrt(x * x + y * y + z * z);
  if (angle < 1e-12) {
    out[o] = 1; out[o + 1] = 0; out[o + 2] = 0;
    out[o + 3] = 0; out[o + 4] = 1; out[o + 5] = 0;
    out[o + 6] = 0; out[o + 7] = 0; out[o + 8] = 1;
    return;
  }
  const kx = x / angle, ky = y / angle, kz = z / angle;
  const s = Math.sin(angle), c1 = 1 - Math.cos(angle);
  // K² = kkᵀ − I for a unit axis.
  out[o] = 1 + c1 * (kx * kx - 1);
  out[o + 1] = -s * kz + c1 * kx * ky;
  out[o + 2] = s * ky + c1 * kx * kz;
  out[o + 3] = s * kz + c1 * kx * ky;
  out[o + 4] = 1 + c1 * (ky * ky - 1);
  out[o + 5] = -s * kx + c1 * ky * kz;
  out[o + 6] = -s * ky + c1 * kx * kz;
  out[o + 7] = s * kx + c1 * ky * kz;
  out[o + 8] = 1 + c1 * (kz * kz - 1);
}
