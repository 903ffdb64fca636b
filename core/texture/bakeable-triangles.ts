import type { HeadModel } from '../head-model/head-model';

/** Resolution of the UV ownership grid (texels per side). */
const GRID = 256;

const cache = new WeakMap<HeadModel, Uint8Array>();

/**
 * Which triangles may write into the model's texture: 1 for a triangle whose UV area is its own.
 * Packs like ICT-FaceKit lay eyes, teeth, mouth socket and lash overlays over the same UV square as
 * the skin (each part has its own texture there), so baking every triangle would paint the teeth
 * over the cheeks. Triangles claim UV texels in order — the face region first, then the rest by
 * index, see-through overlays never — and one whose texels were mostly claimed already is left out.
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
  const isFace = inRegion('face'), isOverlay = inRegion('overlays');
  const order = Array.from({ length: T }, (_, t) => t).sort((a, b) => isFace(b) - isFace(a) || a - b);
  const owner = new Int32Array(GRID * GRID).fill(-1);
  const { coords, triangles: uvTris } = model.uv;
  for (const t of order) {
    if (isOverlay(t)) continue;
    const tx = [0, 1, 2].map((k) => coords[uvTris[t * 3 + k]! * 2]! * GRID);
    const ty = [0, 1, 2].map((k) => (1 - coords[uvTris[t * 3 + k]! * 2 + 1]!) * GRID);
    const texels = texelsOf(tx, ty);
    let claimed = 0;
    for (const i of texels) if (owner[i]! >= 0) claimed++;
    if (texels.length > 0 && claimed > texels.length / 2) continue;
    mask[t] = 1;
    for (const i of texels) owner[i] = t;
  }
  cache.set(model, mask);
  return mask;
}

/** Grid texels whose centres a UV triangle covers, or the one holding its centroid when it covers none. */
function texelsOf(tx: number[], ty: number[]): number[] {
  const area = (tx[1]! - tx[0]!) * (ty[2]! - ty[0]!) - (ty[1]! - ty[0]!) * (tx[2]! - tx[0]!);
  const out: number[] = [];
  if (Math.abs(area) > 1e-12) {
    const x0 = Math.max(0, Math.ceil(Math.min(...tx) - 0.5)), x1 = Math.min(GRID - 1, Math.floor(Math.max(...tx) - 0.5));
    const y0 = Math.max(0, Math.ceil(Math.min(...ty) - 0.5)), y1 = Math.min(GRID - 1, Math.floor(Math.max(...ty) - 0.5));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const sx = x + 0.5, sy = y + 0.5;
        const w0 = ((tx[2]! - tx[1]!) * (sy - ty[1]!) - (ty[2]! - ty[1]!) * (sx - tx[1]!)) / area;
        const w1 = ((tx[0]! - tx[2]!) * (sy - ty[2]!) - (ty[0]! - ty[2]!) * (sx - tx[2]!)) / area;
        if (w0 >= 0 && w1 >= 0 && w0 + w1 <= 1) out.push(y * GRID + x);
      }
    }
  }
  if (out.length === 0) {
    const cx = Math.min(GRID - 1, Math.max(0, Math.floor((tx[0]! + tx[1]! + tx[2]!) / 3)));
    const cy = Math.min(GRID - 1, Math.max(0, Math.floor((ty[0]! + ty[1]! + ty[2]!) / 3)));
    out.push(cy * GRID + cx);
  }
  return out;
}
