/** Small vector helpers and smooth fields for shaping the starter head (all in centimetres). */
export type Vec3 = [number, number, number];

export const smoothstep = (e0: number, e1: number, x: number): number => {
  const t = Math.max(0, Math.min(1, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
};

export const at = (p: ArrayLike<number>, i: number): Vec3 => [p[i * 3]!, p[i * 3 + 1]!, p[i * 3 + 2]!];

export const dist2 = (a: Vec3, b: Vec3): number => (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2 + (a[2] - b[2]) ** 2;

/** exp(−|v − c|² / 2σ²): a smooth bump of influence around c. */
export const gauss = (v: Vec3, c: Vec3, sigma: number): number => Math.exp(-dist2(v, c) / (2 * sigma * sigma));

export const mean = (points: Vec3[]): Vec3 => {
  const s: Vec3 = [0, 0, 0];
  for (const p of points) for (let k = 0; k < 3; k++) s[k]! += p[k]! / points.length;
  return s;
};

/** The mirror image across the face's mid-plane (x = 0). */
export const mirror = (p: Vec3): Vec3 => [-p[0], p[1], p[2]];

/**
 * Builds a displacement field over all vertices: `fn(v, i)` returns the offset of vertex i at
 * position v (or null for none).
 */
export function field(positions: Float32Array, fn: (v: Vec3, i: number) => Vec3 | null): Float32Array {
  const n = positions.length / 3;
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const d = fn(at(positions, i), i);
    if (d) out.set(d, i * 3);
  }
  return out;
}
