import { WebIO, type Document, type GLTF, type JSONDocument } from '@gltf-transform/core';

/** A texture reference in material extras before writing: the gltf-transform texture's name. */
export interface ExtraTextureRef {
  texture: string;
}

/**
 * Writes a document as GLB where `extras.decaStudio` of a material may name textures that no core
 * material slot uses (glTF has no displacement or wrinkle-map slot). gltf-transform stores such a
 * texture as an image only, with no entry in `textures`; this adds a proper glTF texture (the image
 * and the sampler the material's own textures use) for each one named, and replaces every
 * `{ texture: name }` inside `extras.decaStudio` by `{ texture: index into textures }`, so the maps
 * travel with the file and a reader finds them as it finds any texture.
 *
 * ```ts
 * material.setExtras({ decaStudio: { displacement: { texture: 'displacement', scaleMm: 1.2 } } });
 * const glb = await writeGlbWithExtraTextures(doc);
 * ```
 */
export async function writeGlbWithExtraTextures(doc: Document): Promise<Uint8Array> {
  return new ExtraTextureIO().writeBinary(doc);
}

class ExtraTextureIO extends WebIO {
  override async writeJSON(doc: Document, options?: Parameters<WebIO['writeJSON']>[1]): Promise<JSONDocument> {
    const jsonDoc = await super.writeJSON(doc, options);
    linkExtraTextures(jsonDoc.json);
    return jsonDoc;
  }
}

function linkExtraTextures(json: GLTF.IGLTF): void {
  const images = json.images ?? [];
  const textureOf = (name: string): number => {
    // Created on first use only: glTF forbids empty arrays.
    const textures = (json.textures ??= []);
    const source = images.findIndex((im) => im.name === name);
    if (source < 0) throw new Error(`material extras name a texture the document does not hold: ${name}`);
    const existing = textures.findIndex((t) => t.source === source);
    if (existing >= 0) return existing;
    let sampler = textures[0]?.sampler;
    if (sampler === undefined) {
      json.samplers ??= [];
      sampler = json.samplers.push({ wrapS: 10497, wrapT: 10497 }) - 1;
    }
    return textures.push({ source, sampler, name }) - 1;
  };
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (!value || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = k === 'texture' && typeof v === 'string' ? textureOf(v) : resolve(v);
    return out;
  };
  for (const material of json.materials ?? []) {
    const extras = material.extras as { decaStudio?: unknown } | undefined;
    if (extras?.decaStudio) material.extras = { ...extras, decaStudio: resolve(extras.decaStudio) };
  }
}
