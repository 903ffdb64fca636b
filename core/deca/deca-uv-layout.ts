import type { HeadModel } from '../head-model/head-model';
import type { DecaTemplateUv } from './deca-uv-data';

export interface DecaUvLayoutOptions {
  /** How far (in UV units) a corner's texture coordinate may be from the template's (the OBJ's decimals, float32). */
  tolerance: number;
}

export const DECA_UV_LAYOUT_DEFAULTS: DecaUvLayoutOptions = { tolerance: 1e-5 };

/**
 * Why a pack's UV layout is not DECA's (null when it is): DECA's detail maps are images in
 * head_template.obj's UV layout, so they are the pack's own maps only when the pack has the template's
 * faces in the template's order (as `packs import --uv head_template.obj` gives a FLAME pack) and the
 * same texture coordinate at every face corner.
 *
 * ```ts
 * const why = decaUvLayoutMismatch(model, template); // null: DECA's maps are the pack's maps
 * ```
 */
export function decaUvLayoutMismatch(model: Pick<HeadModel, 'id' | 'vertexCount' | 'triangles' | 'uv'>, template: DecaTemplateUv, options: Partial<DecaUvLayoutOptions> = {}): string | null {
  const { tolerance } = { ...DECA_UV_LAYOUT_DEFAULTS, ...options };
  const uv = model.uv;
  const about = `pack "${model.id}"`;
  if (model.vertexCount !== template.vertexCount) return `${about} does not have FLAME's topology: it has ${model.vertexCount} vertices, DECA's head_template.obj ${template.vertexCount}`;
  if (!uv) return `${about} has no UV layout (import FLAME with --uv head_template.obj to give it DECA's)`;
  const t = template.triangles;
  if (model.triangles.length !== t.length || model.triangles.some((v, i) => v !== t[i])) return `${about} does not have head_template.obj's faces in its order`;
  for (let c = 0; c < t.length; c++) {
    const a = uv.triangles[c]! * 2, b = template.uvTriangles[c]! * 2;
    const du = Math.abs(uv.coords[a]! - template.uvs[b]!), dv = Math.abs(uv.coords[a + 1]! - template.uvs[b + 1]!);
    if (!(du <= tolerance && dv <= tolerance)) {
      return `${about}'s UV layout is not DECA's (face ${Math.floor(c / 3)} corner ${c % 3} is at (${uv.coords[a]}, ${uv.coords[a + 1]}), head_template.obj has (${template.uvs[b]}, ${template.uvs[b + 1]})): import FLAME with --uv head_template.obj`;
    }
  }
  return null;
}
