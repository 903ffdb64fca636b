/** Most cells the mirror lookup's grid may have; coarser cells beyond (the search stays exact). */
const MAX_GRID_CELLS = 1 << 22;

/** Cells per mirror radius in the lookup grid: finer cells hold fewer texels to compare. */
const CELLS_PER_RADIUS = 2;

/**
 * Each query texel's mirror partner across the face's mid-plane (x → −x): the candidate texel whose
 * template position is nearest the query's mirror image, within `radius` (metres); −1 where none is.
 * The candidates are bucketed in a dense grid of cells radius / 2 wide and each query searches the
 * cells nearest first, skipping any whose box is farther than the best so far (at 1024² a cell holds
 * hundreds of texels). Texture filling (copy a seen colour across) and the detail solve's symmetry
 * term (tie a displacement to its mirror image) both use it.
 *
 * ```ts
 * const partner = mirrorTexels(baked.position, seen, unseen, 0.006);
 * ```
 */
export function mirrorTexels(pos: ArrayLike<number>, known: Uint8Array, queries: Uint8Array, radius: number): Int32Array {
  const T = known.length;
  const partner = new Int32Array(T).fill(-1);
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
  if (seen === 0 || !(radius > 0)) return partner;
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
  let seed = -1;
  for (let i = 0; i < T; i++) {
    if (!queries[i]) continue;
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
      partner[i] = best;
    }
  }
  return partner;
}

