import { HEAD_PART_NAMES, type HeadPart } from '../head-model/triangle-parts';
import type { ExportHead } from './export-head';

/** One material of an exported head, as both writers describe it (glTF PBR, FBX Phong). */
export interface HeadMaterial {
  /** Material name in the file: `head` for the skin (the name exports always had), else the part's. */
  name: string;
  part: HeadPart;
  /** Linear RGBA base colour factor (multiplies the texture when there is one). */
  baseColor: [number, number, number, number];
  roughness: number;
  /** The head texture that is its base colour: the skin's albedo, the eyes' own texture, or none. */
  texture: 'albedo' | 'eye' | null;
  /** See-through (alpha blended, `baseColor[3]` the opacity). */
  blend: boolean;
  /** Whether the files hold this part's triangles at all. */
  written: boolean;
}

/**
 * The materials of every part a head can have. Eyes are moist (low roughness) and carry their own
 * texture (sclera, the person's iris, pupil: see `eyeTexture`); teeth are an off-white enamel; the
 * mouth (socket, gums, tongue, ICT's eye sockets) a dark red. ICT-FaceKit's lacrimal fluid, eye
 * blend and eye occlusion meshes, and its eyelash strips, are made for game-engine shaders and
 * alpha-textured cards: any plain material draws them as a film or a dark band over the eyes (the
 * lower lash strip covers half the eye), so the writers leave them out (`written: false`; their
 * vertices stay, unused, so the export keeps the model's vertices and triangles).
 */
export const HEAD_MATERIALS: Readonly<Record<HeadPart, HeadMaterial>> = {
  skin: { written: true, name: 'head', part: 'skin', baseColor: [1, 1, 1, 1], roughness: 0.6, texture: 'albedo', blend: false },
  eyes: { written: true, name: 'eyes', part: 'eyes', baseColor: [1, 1, 1, 1], roughness: 0.2, texture: 'eye', blend: false },
  teeth: { written: true, name: 'teeth', part: 'teeth', baseColor: [0.8, 0.76, 0.66, 1], roughness: 0.35, texture: null, blend: false },
  mouth: { written: true, name: 'mouth', part: 'mouth', baseColor: [0.3, 0.09, 0.08, 1], roughness: 0.5, texture: null, blend: false },
  lashes: { written: false, name: 'lashes', part: 'lashes', baseColor: [0.02, 0.017, 0.015, 1], roughness: 0.7, texture: null, blend: false },
  overlay: { written: false, name: 'eye_overlay', part: 'overlay', baseColor: [1, 1, 1, 0], roughness: 0.1, texture: null, blend: true },
};

/**
 * A head's triangles grouped by material, skin first, parts the head lacks or that are not written
 * (overlays) left out: each group's material and its triangles' vertex indices (into the export's vertices).
 *
 * ```ts
 * for (const { material, indices } of headMaterialGroups(head)) … // one glTF primitive each
 * ```
 */
export function headMaterialGroups(head: Pick<ExportHead, 'indices' | 'parts'>): { material: HeadMaterial; indices: Uint32Array }[] {
  const T = head.indices.length / 3;
  const count = new Int32Array(HEAD_PART_NAMES.length);
  for (let t = 0; t < T; t++) count[head.parts[t]!]++;
  const out: { material: HeadMaterial; indices: Uint32Array; n: number }[] = [];
  const slot = new Int32Array(HEAD_PART_NAMES.length).fill(-1);
  HEAD_PART_NAMES.forEach((name, p) => {
    if (!count[p] || !HEAD_MATERIALS[name].written) return;
    slot[p] = out.length;
    out.push({ material: HEAD_MATERIALS[name], indices: new Uint32Array(count[p]! * 3), n: 0 });
  });
  for (let t = 0; t < T; t++) {
    if (slot[head.parts[t]!]! < 0) continue;
    const g = out[slot[head.parts[t]!]!]!;
    g.indices.set(head.indices.subarray(t * 3, t * 3 + 3), g.n);
    g.n += 3;
  }
  return out.map(({ material, indices }) => ({ material, indices }));
}
