import type { BakedTexture } from './bake-photo-texture';

export interface FillTextureOptions {
  /** How far (metres) the mirror image of a point may be from a seen point to lend its colour. */
  mirrorRadius: number;
}

export const FILL_TEXTURE_DEFAULTS: FillTextureOptions = { mirrorRadius: 0.006 };

/**
 * Completes a baked texture as DECA's texture fusion does: a texel no photo saw takes the colour of
 * its mirror image across the face's mid-plane (x → −x) when a photo saw that, and whatever is still
 * empty — including the space between UV islands, so filtering never bleeds black — is filled smoothly
 * from its surroundings by push-pull (average down a pyramid, fill back up).
 *
 * ```ts
 * const rgb = fillTextureHoles(bakePhotoTexture(model, views));
 * ```
 */
export function fillTextureHoles(baked: BakedTexture, options: Partial<FillTextureOptions> = {}): Uint8Array {
  const o = { ...FILL_TEXTURE_DEFAULTS, ...options };
  const N = baked.size;
  const rgb = Float32Array.from(baked.rgb);
  const known = new Uint8Array(N * N);
  for (let i = 0; i < N * N; i++) known[i] = baked.weight[i]! > 0 ? 1 : 0;

  // 1. Mirror: hash the seen texels by template position, look up each unseen one's mirror image.
  const cell = o.mirrorRadius;
  const grid = new Map<string, number[]>();
  const key = (x: number, y: number, z: number) => `${Math.floor(x / cell)},${Math.floor(y / cell)},${Math.floor(z / cell)}`;
  for (let i = 0; i < N * N; i++) {
    if (!known[i]) continue;
    const k = key(baked.position[i * 3]!, baked.position[i * 3 + 1]!, baked.position[i * 3 + 2]!);
    (grid.get(k) ?? grid.set(k, []).get(k)!).push(i);
  }
  const mirrored = new Uint8Array(N * N);
  for (let i = 0; i < N * N; i++) {
    if (known[i] || !baked.covered[i]) continue;
    const mx = -baked.position[i * 3]!, my = baked.position[i * 3 + 1]!, mz = baked.position[i * 3 + 2]!;
    let best = -1, bestD = o.mirrorRadius * o.mirrorRadius;
    const [cx, cy, cz] = [Math.floor(mx / cell), Math.floor(my / cell), Math.floor(mz / cell)];
    for (let dx = -1; dx <= 1; dx++)
      for (let dy = -1; dy <= 1; dy++)
        for (let dz = -1; dz <= 1; dz++) {
          for (const j of grid.get(`${cx + dx},${cy + dy},${cz + dz}`) ?? []) {
            const d = (baked.position[j * 3]! - mx) ** 2 + (baked.position[j * 3 + 1]! - my) ** 2 + (baked.position[j * 3 + 2]! - mz) ** 2;
            if (d < bestD) (bestD = d), (best = j);
          }
        }
    if (best >= 0) {
      for (let c = 0; c < 3; c++) rgb[i * 3 + c] = rgb[best * 3 + c]!;
      mirrored[i] = 1;
    }
  }
  for (let i = 0; i < N * N; i++) if (mirrored[i]) known[i] = 1;

  // 2. Push-pull: a pyramid of weighted averages; holes take the coarser level's colour.
  pushPull(rgb, known, N);
  return Uint8Array.from(rgb, (v) => Math.max(0, Math.min(255, Math.round(v))));
}

function pushPull(rgb: Float32Array, mask: Uint8Array, n: number): void {
  if (n <= 1) return;
  const h = Math.ceil(n / 2);
  const small = new Float32Array(h * h * 3);
  const smallMask = new Uint8Array(h * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < h; x++) {
      let count = 0;
      const acc = [0, 0, 0];
      for (let dy = 0; dy < 2; dy++)
        for (let dx = 0; dx < 2; dx++) {
          const sx = x * 2 + dx, sy = y * 2 + dy;
          if (sx >= n || sy >= n) continue;
          const i = sy * n + sx;
          if (!mask[i]) continue;
          count++;
          for (let c = 0; c < 3; c++) acc[c] += rgb[i * 3 + c]!;
        }
      if (count) {
        smallMask[y * h + x] = 1;
        for (let c = 0; c < 3; c++) small[(y * h + x) * 3 + c] = acc[c]! / count;
      }
    }
  }
  pushPull(small, smallMask, h);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const i = y * n + x;
      if (mask[i]) continue;
      const j = Math.floor(y / 2) * h + Math.floor(x / 2);
      for (let c = 0; c < 3; c++) rgb[i * 3 + c] = small[j * 3 + c]!;
    }
  }
}
