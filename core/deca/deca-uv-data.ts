import { readNpy } from '../head-model/npy-read';
import { parseObj } from '../head-model/obj-parse';

/**
 * DECA's UV data files (its `data/` folder), read and checked: the UV layout of `head_template.obj`,
 * `uv_face_eye_mask.png` and `fixed_displacement_256.npy`.
 *
 * DECA's UV images (the displacement map, the mask, the fixed displacement) are `DECA_UV_SIZE`²,
 * row-major; row 0 is the top of the image, v = 1, and column 0 is u = 0. Texel (row i, column j)
 * is centred on u = (j + ½)/S, v = 1 − (i + ½)/S: DECA's `world2uv` rasterises the mesh at UV
 * positions (2u − 1, 1 − 2v) with PyTorch3D's pixel-centre convention.
 */
export const DECA_UV_SIZE = 256;

/** FLAME's vertex count, which DECA's head_template.obj has. */
export const FLAME_VERTEX_COUNT = 5023;

/** head_template.obj's topology and UVs: FLAME's faces, with a UV index per face corner. */
export interface DecaTemplateUv {
  vertexCount: number;
  /** F×3 vertex indices (FLAME's faces). */
  triangles: Uint32Array;
  /** N×2 UV coordinates as the OBJ gives them (v up: v = 0 is the bottom of the UV image). */
  uvs: Float32Array;
  /** F×3 indices into `uvs`, per corner of `triangles`. */
  uvTriangles: Uint32Array;
}

export interface DecaTemplateUvOptions {
  /** The vertex count to demand; null accepts any (tests with smaller FLAME-structured fixtures). */
  vertexCount: number | null;
}

export const DECA_TEMPLATE_UV_DEFAULTS: DecaTemplateUvOptions = { vertexCount: FLAME_VERTEX_COUNT };

/**
 * Reads DECA's `head_template.obj` (FLAME topology with per-corner UVs) with clear errors.
 *
 * ```ts
 * const template = decaTemplateUv(readFileSync('head_template.obj'));
 * ```
 */
export function decaTemplateUv(objBytes: Uint8Array, options: Partial<DecaTemplateUvOptions> = {}): DecaTemplateUv {
  const { vertexCount } = { ...DECA_TEMPLATE_UV_DEFAULTS, ...options };
  let obj;
  try {
    obj = parseObj(objBytes);
  } catch (e) {
    throw new Error(`not a readable OBJ file: ${(e as Error).message}`);
  }
  const V = obj.positions.length / 3;
  if (vertexCount !== null && V !== vertexCount) throw new Error(`has ${V} vertices; DECA's head_template.obj has FLAME's ${vertexCount}`);
  if (obj.triangles.length === 0) throw new Error('has no faces');
  if (!obj.uvTriangles) throw new Error('has no texture coordinates on its faces (f v/vt …)');
  for (let i = 0; i < obj.uvs.length; i++) if (!Number.isFinite(obj.uvs[i]!)) throw new Error(`texture coordinate ${Math.floor(i / 2) + 1} is not finite`);
  return { vertexCount: V, triangles: obj.triangles, uvs: obj.uvs, uvTriangles: obj.uvTriangles };
}

/**
 * DECA's `uv_face_eye_mask.png` as DECA reads it: channel 0 / 255, resized to 256² by nearest
 * neighbour (`F.interpolate`'s default: source index ⌊i·in/out⌋) when the image has another size.
 *
 * ```ts
 * const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
 * const mask = decaUvMask(data, info.width, info.height, info.channels);
 * ```
 */
export function decaUvMask(pixels: Uint8Array, width: number, height: number, channels: number): Float32Array {
  if (!(width > 0 && height > 0 && channels > 0) || pixels.length !== width * height * channels) throw new Error(`image data does not match its ${width}×${height}×${channels} size`);
  const S = DECA_UV_SIZE;
  const out = new Float32Array(S * S);
  let any = false;
  for (let i = 0; i < S; i++) {
    const y = Math.min(height - 1, Math.floor((i * height) / S));
    for (let j = 0; j < S; j++) {
      const x = Math.min(width - 1, Math.floor((j * width) / S));
      const v = pixels[(y * width + x) * channels]! / 255;
      out[i * S + j] = v;
      if (v > 0) any = true;
    }
  }
  if (!any) throw new Error('is empty (no texel of its first channel is above 0): DECA would add no detail anywhere');
  return out;
}

/**
 * DECA's `fixed_displacement_256.npy` (256×256, any float dtype) as float32, checked finite.
 *
 * ```ts
 * const fixed = decaFixedDisplacement(readFileSync('fixed_displacement_256.npy'));
 * ```
 */
export function decaFixedDisplacement(npyBytes: Uint8Array): Float32Array {
  let array;
  try {
    array = readNpy(npyBytes);
  } catch (e) {
    throw new Error(`not a readable .npy file: ${(e as Error).message}`);
  }
  const S = DECA_UV_SIZE;
  if (array.objects || array.shape.length !== 2 || array.shape[0] !== S || array.shape[1] !== S) throw new Error(`has shape (${array.shape.join(', ')}); DECA adds a ${S}×${S} map`);
  const out = Float32Array.from(array.data);
  for (let i = 0; i < out.length; i++) if (!Number.isFinite(out[i]!)) throw new Error(`has a non-finite value at row ${Math.floor(i / S)}, column ${i % S}`);
  return out;
}
