import type { HeadModel } from './head-model';

/**
 * What a triangle of a head is made of, which decides its material in exports and whether photos
 * bake into the skin texture: only `skin` owns the albedo texture's UV space.
 */
export const HEAD_PART = { skin: 0, eyes: 1, teeth: 2, mouth: 3, lashes: 4, overlay: 5 } as const;
export type HeadPart = keyof typeof HEAD_PART;
export const HEAD_PART_NAMES: readonly HeadPart[] = ['skin', 'eyes', 'teeth', 'mouth', 'lashes', 'overlay'];

/**
 * Regions naming each non-skin part, first match wins: `overlays` (see-through meshes such as
 * ICT-FaceKit's lacrimal fluid and eye occlusion), `eyes` (eyeballs), `lashes`, `teeth`, and the
 * mouth interior (`mouthInterior`, whose teeth are `teeth` when that region exists; `eyeSockets`).
 */
const PART_REGIONS: readonly [HeadPart, readonly string[]][] = [
  ['overlay', ['overlays']],
  ['eyes', ['eyes']],
  ['lashes', ['lashes']],
  ['teeth', ['teeth']],
  ['mouth', ['mouthInterior', 'eyeSockets']],
];

const cache = new WeakMap<HeadModel, Uint8Array>();

/**
 * Each triangle's part (a `HEAD_PART` value) from the model's regions: a triangle whose three
 * vertices are all in a part's region belongs to it (a triangle that only touches the region, like
 * a lip triangle at the mouth's edge, stays skin); everything else is skin.
 *
 * ```ts
 * const parts = triangleParts(model);
 * if (parts[t] === HEAD_PART.eyes) … // eyeball triangle
 * ```
 */
export function triangleParts(model: HeadModel): Uint8Array {
  const hit = cache.get(model);
  if (hit) return hit;
  const V = model.template.length / 3, T = model.triangles.length / 3;
  const part = new Uint8Array(V).fill(HEAD_PART.skin);
  // Later entries may not override earlier ones: walk them in reverse so the first match is written last.
  for (const [name, regions] of [...PART_REGIONS].reverse()) {
    for (const r of regions) for (const v of model.regions[r] ?? []) if (v < V) part[v] = HEAD_PART[name];
  }
  const out = new Uint8Array(T);
  for (let t = 0; t < T; t++) {
    const a = part[model.triangles[t * 3]!]!, b = part[model.triangles[t * 3 + 1]!]!, c = part[model.triangles[t * 3 + 2]!]!;
    out[t] = a === b && b === c ? a : HEAD_PART.skin;
  }
  cache.set(model, out);
  return out;
}
