import { encodePng, type RasterImage } from './png-encode';

/** PNG-encoded texture maps of a head. */
export interface HeadTextures {
  albedo?: Uint8Array;
  /** The eyeballs' albedo (sclera, iris, pupil; see `eyeTexture`) in the model's UV layout, for the `eyes` material. */
  eye?: Uint8Array;
  /** Tangent-space normal map (OpenGL convention: +X along +u, +Y along +v, up the image). */
  normal?: Uint8Array;
  /** 16-bit greyscale displacement (0.5 = no offset), when a detail layer exists. */
  displacement?: Uint8Array;
  /**
   * Millimetres of outward displacement per full-scale step of `displacement`: a texel value V (0…65535)
   * is D = (V − 32768) / 32767 × displacementScaleMm.
   */
  displacementScaleMm?: number;
  /** Wrinkle normal maps, one per expression group, with the blendshapes that drive them. */
  wrinkles?: WrinkleTexture[];
}

/**
 * One expression group's wrinkle normal map: the tangent-space normals of the static detail plus the
 * group's wrinkles at activation 1 (same UVs and convention as the head's normal map). A renderer
 * blends it over the normal map by the group's activation, clamped to [0, 1]:
 * activation = Σ weight × the morph's weight + max(0, jaw joint's rotation about +X) / jawOpening.
 */
export interface WrinkleTexture {
  /** Expression group (forehead, frown, crowsFeet, nasolabial, …; mode0… for PCA expressions). */
  group: string;
  /** The wrinkle normal map, PNG (8-bit RGB, the head's texture size). */
  normal: Uint8Array;
  /** Exported morph targets (blendshapes) by name, and their weights in the activation. */
  drivers: { morph: string; weight: number }[];
  /** Radians of jaw opening (rotation about +X) that count as activation 1; 0 when the jaw does not drive it. */
  jawOpening: number;
  /** The rig joint whose opening drives it (`jaw`), or null. */
  jawJoint: string | null;
}

/** A constant map carries no more at 1024² than at this size, and costs a second of encoding there. */
const FLAT_MAP_SIZE = 64;

/**
 * Stand-in textures for a head without a reconstructed albedo: an even, light skin tone and a flat
 * normal map, so every export has the same material layout that a reconstruction later fills. Both
 * are constant, so they are encoded at most 64² whatever `size` asks (a sampler stretches them to
 * the same look).
 *
 * ```ts
 * const { albedo, normal } = defaultTextures(512);
 * ```
 */
export function defaultTextures(size = 1024): HeadTextures {
  return { albedo: flatMap(size, [201, 160, 138]), normal: flatNormalMap(size) };
}

/**
 * The flat tangent-space normal map (+Z everywhere) that goes with any albedo until a detail layer
 * exists.
 *
 * ```ts
 * const normal = flatNormalMap(1024);
 * ```
 */
export function flatNormalMap(size = 1024): Uint8Array {
  return flatMap(size, [128, 128, 255]);
}

function flatMap(size: number, rgb: [number, number, number]): Uint8Array {
  const n = Math.max(1, Math.min(size, FLAT_MAP_SIZE));
  const data = new Uint8Array(n * n * 3);
  for (let i = 0; i < n * n; i++) data.set(rgb, i * 3);
  const image: RasterImage = { width: n, height: n, channels: 3, data };
  return encodePng(image);
}
