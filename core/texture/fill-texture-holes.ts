import type { BakedTexture } from './bake-photo-texture';

export interface FillTextureOptions {
  /** How far (metres) the mirror image of a point may be from a seen point to lend its colour. */
  mirrorRadius: number;
}

export const FILL_TEXTURE_DEFAULTS: FillTextureOptions = { mirrorRadius: 0.006 };

/** Most cells the mirror lookup's grid may have; coarser cells beyond (the search stays exact). */
const MAX_GRID_CELLS = 1 << 22;

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
  mirrorFill(baked, rgb, known, o.mirrorRadius);
  pushPull(rgb, known, N);
  const out = new Uint8Array(N * N * 3);
  for (let i = 0; i < out.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(rgb[i]!)));
  return out;
}

/** Cells per mirror radius in the lookup grid: finer cells hold fewer texels to compare. */
const CELLS_PER_RADIUS = 2;

/**
 * Mirror step: the seen texels are bucketed by template position in a dense grid of cells
 * radius / CELLS_PER_RADIUS wide, and each unseen covered texel takes the nearest one within `radius`
 * of its mirror image, searching the cells nearest first and skipping any whose box is farther
 * than the best so far (at 1024² a cell holds hundreds of texels). Marks the filled texels known.
 */
function mirrorFill(baked: BakedTexture, rgb: Float32Array, known: Uint8Array, radius: number): void {
  const { position: pos, covered } = baked;
  const T = known.length;
  let minX = Infinity, minY = Infinity, minZ = Infinity, maxX = -Infinity, maxY = -Infinity, maxZ = -Infinity, seen = 0;
  for (let i = 0; i < T; i++) {
    if (!known[i]) continue;
    const x = pos[i * 3]!, y = pos[i * 3 + 1]!, z = pos[i * 3 + 2]!;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
    if (z < minZ) minZ = z;
    if (z > maxZ) maxZ = z;
    seen++;
  }
  if (seen === 0 || !(radius > 0)) return;
  let cell = radius / CELLS_PER_RADIUS;
  // Neighbour cells that can hold a point within `radius` (`reach`): the grid is padded by twice that on
  // every side, so a query whose neighbours could hold a seen texel never indexes outside it.
  let reach = 0;
  const dims = () => {
    reach = Math.ceil(radius / cell);
    return [0, 1, 2].map((a) => Math.floor([maxX, maxY, maxZ][a]! / cell) - Math.floor([minX, minY, minZ][a]! / cell) + 1 + 4 * reach) as [number, number, number];
  };
  while (dims().reduce((p, d) => p * d, 1) > MAX_GRID_CELLS) cell *= 2;
  const [nx, ny, nz] = dims();
  const bx = Math.floor(minX / cell) - 2 * reach, by = Math.floor(minY / cell) - 2 * reach, bz = Math.floor(minZ / cell) - 2 * reach;
  // Counting sort of the seen texels by cell (within a cell in texel order), with their positions alongside.
  const cells = nx * ny * nz;
  const start = new Int32Array(cells + 1), cellOf = new Int32Array(seen);
  for (let i = 0, s = 0; i < T; i++) {
    if (!known[i]) continue;
    const c = ((Math.floor(pos[i * 3 + 2]! / cell) - bz) * ny + (Math.floor(pos[i * 3 + 1]! / cell) - by)) * nx + (Math.floor(pos[i * 3]! / cell) - bx);
    cellOf[s++] = c;
    start[c + 1]++;
  }
  for (let c = 0; c < cells; c++) start[c + 1] += start[c]!;
  const items = new Int32Array(seen), itemPos = new Float32Array(seen * 3), next = start.slice(0, cells);
  for (let i = 0, s = 0; i < T; i++) {
    if (!known[i]) continue;
    const k = next[cellOf[s++]!]!++;
    items[k] = i;
    (itemPos[k * 3] = pos[i * 3]!), (itemPos[k * 3 + 1] = pos[i * 3 + 1]!), (itemPos[k * 3 + 2] = pos[i * 3 + 2]!);
  }
  // The neighbour offsets nearest first by their least possible distance (the query anywhere in its cell).
  const list: { d: [number, number, number]; least: number }[] = [];
  for (let dx = -reach; dx <= reach; dx++)
    for (let dy = -reach; dy <= reach; dy++)
      for (let dz = -reach; dz <= reach; dz++) {
        const least = (Math.max(0, Math.abs(dx) - 1) ** 2 + Math.max(0, Math.abs(dy) - 1) ** 2 + Math.max(0, Math.abs(dz) - 1) ** 2) * cell * cell;
        if (least < radius * radius) list.push({ d: [dx, dy, dz], least });
      }
  list.sort((a, b) => a.least - b.least);
  const O = list.length;
  const offX = Int32Array.from(list, (e) => e.d[0]), offY = Int32Array.from(list, (e) => e.d[1]), offZ = Int32Array.from(list, (e) => e.d[2]);
  const offCell = Int32Array.from(list, (e) => (e.d[2] * ny + e.d[1]) * nx + e.d[0]), offLeast = Float64Array.from(list, (e) => e.least);
  const mirrored = new Uint8Array(T);
  let seed = -1;
  for (let i = 0; i < T; i++) {
    if (known[i] || !covered[i]) continue;
    const mx = -pos[i * 3]!, my = pos[i * 3 + 1]!, mz = pos[i * 3 + 2]!;
    const qx = mx / cell, qy = my / cell, qz = mz / cell;
    const fx = Math.floor(qx), fy = Math.floor(qy), fz = Math.floor(qz);
    const cx = fx - bx, cy = fy - by, cz = fz - bz;
    // More than `reach` cells outside the seen texels' box: nothing to find.
    if (cx < reach || cy < reach || cz < reach || cx >= nx - reach || cy >= ny - reach || cz >= nz - reach) continue;
    const c0 = (cz * ny + cy) * nx + cx;
    const ux = qx - fx, uy = qy - fy, uz = qz - fz;
    let best = -1, bestD = radius * radius;
    // The previous query's answer is usually near this one's: a tight bound from the start prunes more cells.
    if (seed >= 0) {
      const ex = pos[seed * 3]! - mx, ey = pos[seed * 3 + 1]! - my, ez = pos[seed * 3 + 2]! - mz;
      const d = ex * ex + ey * ey + ez * ez;
      if (d < bestD) (bestD = d), (best = seed);
    }
    for (let o = 0; o < O; o++) {
      if (offLeast[o]! >= bestD) break;
      const c = c0 + offCell[o]!;
      const k0 = start[c]!, k1 = start[c + 1]!;
      if (k0 === k1) continue;
      // The exact distance from the query to this cell's box.
      const dx = offX[o]!, dy = offY[o]!, dz = offZ[o]!;
      const ex0 = dx > 0 ? dx - ux : dx < 0 ? ux - dx - 1 : 0, ey0 = dy > 0 ? dy - uy : dy < 0 ? uy - dy - 1 : 0, ez0 = dz > 0 ? dz - uz : dz < 0 ? uz - dz - 1 : 0;
      if ((ex0 * ex0 + ey0 * ey0 + ez0 * ez0) * cell * cell >= bestD) continue;
      for (let k = k0; k < k1; k++) {
        const ex = itemPos[k * 3]! - mx, ey = itemPos[k * 3 + 1]! - my, ez = itemPos[k * 3 + 2]! - mz;
        const d = ex * ex + ey * ey + ez * ez;
        // Equal distances (a seam's twin texels) go to the lower texel index, whatever the visiting order.
        if (d <= bestD && (d < bestD || items[k]! < best)) (bestD = d), (best = items[k]!);
      }
    }
    if (best >= 0) {
      seed = best;
      rgb[i * 3] = rgb[best * 3]!;
      rgb[i * 3 + 1] = rgb[best * 3 + 1]!;
      rgb[i * 3 + 2] = rgb[best * 3 + 2]!;
      mirrored[i] = 1;
    }
  }
  for (let i = 0; i < T; i++) if (mirrored[i]) known[i] = 1;
}

/** Push-pull: a pyramid of 2×2 means of the known texels; holes take the coarser level's colour. */
function pushPull(rgb: Float32Array, mask: Uint8Array, n: number): void {
  if (n <= 1) return;
  const h = Math.ceil(n / 2);
  const small = new Float32Array(h * h * 3);
  const smallMask = new Uint8Array(h * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < h; x++) {
      let count = 0, r = 0, g = 0, b = 0;
      for (let sy = y * 2; sy < Math.min(n, y * 2 + 2); sy++) {
        for (let sx = x * 2; sx < Math.min(n, x * 2 + 2); sx++) {
          const i = sy * n + sx;
          if (!mask[i]) continue;
          count++;
          (r += rgb[i * 3]!), (g += rgb[i * 3 + 1]!), (b += rgb[i * 3 + 2]!);
        }
      }
      if (!count) continue;
      const j = y * h + x;
      smallMask[j] = 1;
      (small[j * 3] = r / count), (small[j * 3 + 1] = g / count), (small[j * 3 + 2] = b / count);
    }
  }
  pushPull(small, smallMask, h);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const i = y * n + x;
      if (mask[i]) continue;
      const j = (y >> 1) * h + (x >> 1);
      (rgb[i * 3] = small[j * 3]!), (rgb[i * 3 + 1] = small[j * 3 + 1]!), (rgb[i * 3 + 2] = small[j * 3 + 2]!);
    }
  }
}
