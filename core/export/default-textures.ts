import { encodePng, type RasterImage } from './png-encode';

/** PNG-encoded texture maps of a head. */
export interface HeadTextures {
  albedo?: Uint8Array;
  /** Tangent-space normal map (OpenGL convention, +Y up). */
  normal?: Uint8Array;
  /** 16-bit greyscale displacement (0.5 = no offset), when a detail layer exists. */
  displacement?: Uint8Array;
}

/**
 * Stand-in textures for a head without a reconstructed albedo: an even, light skin tone and a flat
 * normal map, so every export has the same material layout that a reconstruction later fills.
 *
 * ```ts
 * const { albedo, normal } = defaultTextures(512);
 * ```
 */
export function defaultTextures(size = 1024): HeadTextures {
  const fill = (rgb: [number, number, number]): RasterImage => {
    const data = new Uint8Array(size * size * 3);
    for (let i = 0; i < size * size; i++) data.set(rgb, i * 3);
    return { width: size, height: size, channels: 3, data };
  };
  return { albedo: encodePng(fill([201, 160, 138])), normal: encodePng(fill([128, 128, 255])) };
}
