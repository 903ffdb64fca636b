import type { HeadModel, UvLayout } from './head-model';
import { HEAD_PART, triangleParts } from './triangle-parts';

/** Where UDIM tile k of the skin lands in the one-square atlas: u' = u0 + scale·u, v' = v0 + scale·v. */
export interface AtlasTile {
  u0: number;
  v0: number;
  scale: number;
}

/**
 * The skin atlas's layout: tile 0 (the face, with ICT-FaceKit's ears and front of the neck) keeps 0.8
 * of the square's side at the top left, so the face and the detail maps laid over it lose little
 * resolution; tiles 1…4 (the rest of the head: scalp, back of the head and neck — mostly filled
 * rather than photographed, so they need few texels) are 0.2-scale squares down the right column.
 */
export const SKIN_ATLAS_TILES: readonly AtlasTile[] = [
  { u0: 0, v0: 0.2, scale: 0.8 },
  { u0: 0.8, v0: 0.8, scale: 0.2 },
  { u0: 0.8, v0: 0.6, scale: 0.2 },
  { u0: 0.8, v0: 0.4, scale: 0.2 },
  { u0: 0.8, v0: 0.2, scale: 0.2 },
];

const scaleCache = new WeakMap<UvLayout, number>();

/**
 * The side of the face's UV square as a fraction of the texture's: the atlas's face tile scale (0.8)
 * when the model's skin is laid out as {@link skinUvAtlas} packs it — the skin in tile 0 and in the
 * right column only — else 1. Texel counts tuned on a face square
 * (ownership grids, detail maps) scale by 1 / this to keep the face's density.
 *
 * ```ts
 * skinAtlasFaceScale(ictModel); // 0.8
 * ```
 */
export function skinAtlasFaceScale(model: HeadModel): number {
  const uv = model.uv;
  if (!uv) return 1;
  const known = scaleCache.get(uv);
  if (known !== undefined) return known;
  const face = SKIN_ATLAS_TILES[0]!, eps = 1e-4;
  const parts = triangleParts(model);
  const inTile = (u: number, v: number) => u >= face.u0 - eps && u <= face.u0 + face.scale + eps && v >= face.v0 - eps && v <= face.v0 + face.scale + eps;
  let atlas = true, others = 0;
  for (let t = 0; atlas && t < parts.length; t++) {
    if (parts[t] !== HEAD_PART.skin) continue;
    let inFace = 0;
    for (let k = 0; k < 3; k++) {
      const c = uv.triangles[t * 3 + k]! * 2, u = uv.coords[c]!, v = uv.coords[c + 1]!;
      if (inTile(u, v)) {
        inFace++;
        continue;
      }
      // Outside tile 0 an atlas has skin only in the right column (the rest of the head), within the square.
      if (u < face.u0 + face.scale - eps || u > 1 + eps || v < -eps || v > 1 + eps) atlas = false;
      others++;
    }
    // An atlas's triangles keep to one tile; a continuous layout (FLAME's, DECA's) has triangles across u = 0.8.
    if (inFace !== 0 && inFace !== 3) atlas = false;
  }
  const scale = atlas && others > 0 ? face.scale : 1;
  scaleCache.set(uv, scale);
  return scale;
}

/**
 * True when the skin's UVs span more than the unit square (UDIM tiles, as ICT-FaceKit lays the face
 * in u ∈ [0, 1] and the head and neck in u ∈ [1, 2]).
 *
 * ```ts
 * if (skinUvNeedsAtlas(model)) model = { ...model, uv: skinUvAtlas(model) };
 * ```
 */
export function skinUvNeedsAtlas(model: HeadModel): boolean {
  if (!model.uv) return false;
  const parts = triangleParts(model);
  const { coords, triangles } = model.uv;
  for (let t = 0; t < parts.length; t++) {
    if (parts[t] !== HEAD_PART.skin) continue;
    for (let k = 0; k < 3; k++) {
      const c = triangles[t * 3 + k]! * 2;
      if (coords[c]! > 1.0001 || coords[c]! < -0.0001 || coords[c + 1]! > 1.0001 || coords[c + 1]! < -0.0001) return true;
    }
  }
  return false;
}

/**
 * The model's UV layout with the skin's UDIM tiles packed into one square (see `SKIN_ATLAS_TILES`),
 * so one albedo texture covers the whole skin. Without it a glTF sampler wraps u ∈ [1, 2] back onto
 * [0, 1]: ICT-FaceKit's back of the skull then shows the face texture (an eye on the skull, the mouth
 * on the nape). A triangle's tile is that of its UV centroid (u and v); corners shared by triangles
 * of different tiles or parts get their own coordinate. Other parts (eyes, teeth, …) keep their UVs:
 * they have materials of their own.
 *
 * ```ts
 * const uv = skinUvAtlas(ictModel); // skin UVs now all in [0, 1]
 * ```
 */
export function skinUvAtlas(model: HeadModel): UvLayout {
  if (!model.uv) throw new Error(`head model "${model.id}" has no UVs to pack`);
  const parts = triangleParts(model);
  const { coords, triangles } = model.uv;
  const T = triangles.length / 3;
  const out: number[] = Array.from(coords);
  const newTriangles = Uint32Array.from(triangles);
  const remapped = new Map<number, number>();
  for (let t = 0; t < T; t++) {
    if (parts[t] !== HEAD_PART.skin) continue;
    let cu = 0, cv = 0;
    for (let k = 0; k < 3; k++) (cu += coords[triangles[t * 3 + k]! * 2]! / 3), (cv += coords[triangles[t * 3 + k]! * 2 + 1]! / 3);
    const tu = Math.floor(cu), tv = Math.floor(cv);
    if (tv !== 0 || tu < 0 || tu >= SKIN_ATLAS_TILES.length) throw new Error(`head model "${model.id}": skin UV tile (${tu}, ${tv}) does not fit the skin atlas (tiles 0…${SKIN_ATLAS_TILES.length - 1} along u)`);
    const tile = SKIN_ATLAS_TILES[tu]!;
    for (let k = 0; k < 3; k++) {
      const c = triangles[t * 3 + k]!;
      const key = c * SKIN_ATLAS_TILES.length + tu;
      let n = remapped.get(key);
      if (n === undefined) {
        n = out.length / 2;
        const u = Math.min(1, Math.max(0, coords[c * 2]! - tu)), v = Math.min(1, Math.max(0, coords[c * 2 + 1]! - tv));
        out.push(tile.u0 + tile.scale * u, tile.v0 + tile.scale * v);
        remapped.set(key, n);
      }
      newTriangles[t * 3 + k] = n;
    }
  }
  // Coordinates only the skin used are dropped by compaction.
  return compactUv(Float32Array.from(out), newTriangles);
}

function compactUv(coords: Float32Array, triangles: Uint32Array): UvLayout {
  const map = new Int32Array(coords.length / 2).fill(-1);
  const kept: number[] = [];
  const tri = new Uint32Array(triangles.length);
  for (let i = 0; i < triangles.length; i++) {
    const c = triangles[i]!;
    if (map[c]! < 0) {
      map[c] = kept.length / 2;
      kept.push(coords[c * 2]!, coords[c * 2 + 1]!);
    }
    tri[i] = map[c]!;
  }
  return { coords: Float32Array.from(kept), triangles: tri };
}
