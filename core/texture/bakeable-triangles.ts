import { opaqueTriangles } from '../geometry/opaque-triangles';
import { coverTriangle, triangleCover, type TriangleCover } from '../geometry/rasterize-triangles';
import type { HeadModel } from '../head-model/head-model';
import { skinAtlasFaceScale } from '../head-model/skin-uv-atlas';
import { HEAD_PART, triangleParts } from '../head-model/triangle-parts';

/** Resolution of the UV ownership grid: texels per side of the face's UV square (more on the texture of a skin atlas, see `skinAtlasFaceScale`). */
const FACE_GRID = 256;

const cache = new WeakMap<HeadModel, Uint8Array>();

/**
 * Which triangles may write into the model's texture: 1 for a skin triangle whose UV area is its own.
 * Only skin bakes (see `triangleParts`): eyes, teeth, mouth, lashes and overlays get materials of
 * their own in exports, and packs like ICT-FaceKit lay them over the same UV square as the skin
 * (each part has its own texture there), so baking them would paint the teeth over the cheeks.
 * Skin triangles claim UV texels in order — the face region first, then the rest by index — and one
 * whose texels were mostly claimed already, by triangles it shares no UV corner with, is left out.
 * (A UV neighbour is no overlap: a sliver narrower than a grid cell — the starter head's shell has
 * 3-texel-wide ones — holds no cell centre but the one its neighbour already claimed, and leaving
 * it out made holes in the bake that drew lines from the ear to the back of the head.)
 *
 * ```ts
 * const mask = bakeableTriangles(model); // mask[t] === 1: bake triangle t
 * ```
 */
export function bakeableTriangles(model: HeadModel): Uint8Array {
  const hit = cache.get(model);
  if (hit) return hit;
  const T = model.triangles.length / 3;
  const mask = new Uint8Array(T);
  if (!model.uv) return mask;
  const inRegion = (name: string) => {
    const flag = new Uint8Array(model.template.length / 3);
    for (const v of model.regions[name] ?? []) flag[v] = 1;
    return (t: number) => flag[model.triangles[t * 3]!]! | flag[model.triangles[t * 3 + 1]!]! | flag[model.triangles[t * 3 + 2]!]!;
  };
  const isFace = inRegion('face');
  const opaque = opaqueTriangles(model.triangles, model.regions.overlays);
  const parts = triangleParts(model);
  const order = Array.from({ length: T }, (_, t) => t).sort((a, b) => isFace(b) - isFace(a) || a - b);
  // The face keeps the grid's density on a skin atlas: its small triangles (eyelids, nostrils) are not
  // left out for sharing coarser cells, which would make holes in the albedo and the detail region.
  const grid = Math.round(FACE_GRID / skinAtlasFaceScale(model));
  const owner = new Int32Array(grid * grid).fill(-1);
  const { coords, triangles: uvTris } = model.uv;
  const cover = triangleCover();
  for (const t of order) {
    if (!opaque[t] || parts[t] !== HEAD_PART.skin) continue;
    const n = texelsOf(coords, uvTris, t, grid, cover);
    let claimed = 0;
    for (let k = 0; k < n; k++) {
      const by = owner[cover.pixels[k]!]!;
      if (by >= 0 && !sharesUvCorner(uvTris, t, by)) claimed++;
    }
    if (claimed > n / 2) continue;
    mask[t] = 1;
    for (let k = 0; k < n; k++) owner[cover.pixels[k]!] = t;
  }
  cache.set(model, mask);
  return mask;
}

/** Grid texels whose centres a UV triangle covers, or the one holding its centroid when it covers none; their count, in `cover`. */
function texelsOf(coords: ArrayLike<number>, uvTris: ArrayLike<number>, t: number, GRID: number, cover: TriangleCover): number {
  const a = uvTris[t * 3]! * 2, b = uvTris[t * 3 + 1]! * 2, c = uvTris[t * 3 + 2]! * 2;
  const ax = coords[a]! * GRID, ay = (1 - coords[a + 1]!) * GRID, bx = coords[b]! * GRID, by = (1 - coords[b + 1]!) * GRID, cx = coords[c]! * GRID, cy = (1 - coords[c + 1]!) * GRID;
  const n = coverTriangle(ax, ay, bx, by, cx, cy, GRID, GRID, 0, cover);
  if (n > 0) return n;
  const gx = Math.min(GRID - 1, Math.max(0, Math.floor((ax + bx + cx) / 3)));
  const gy = Math.min(GRID - 1, Math.max(0, Math.floor((ay + by + cy) / 3)));
  cover.pixels[0] = gy * GRID + gx;
  return 1;
}

/** Whether UV triangles a and b share a corner (are neighbours in the layout, not overlapping charts). */
function sharesUvCorner(uvTris: ArrayLike<number>, a: number, b: number): boolean {
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) if (uvTris[a * 3 + i] === uvTris[b * 3 + j]) return true;
  return false;
}
