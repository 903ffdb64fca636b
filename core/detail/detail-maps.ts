/**
 * A subject's detail layer as it leaves the detail stage for exports and viewers: full square maps
 * in the pack's UV layout (row-major, row 0 at v = 1, the albedo's convention), 0 outside the detail
 * region. Displacements are metres along the coarse surface's normal (outwards positive).
 */
export interface DetailMaps {
  /** Texels per side (256 by default, 512 as an option). */
  size: number;
  /** The person's static displacement (the consensus of their photos' detail codes), size². */
  displacement: Float32Array;
  /** 1 where the map carries detail (the detail region), size². */
  mask: Uint8Array;
  /** Wrinkles per expression group: added to the static displacement at the group's activation. */
  wrinkles: WrinkleMap[];
}

/** One expression group's wrinkle map and what drives it. */
export interface WrinkleMap {
  /** The group's name (forehead, frown, crowsFeet, nasolabial, …; mode0… for PCA expressions). */
  group: string;
  /** Displacement (metres) at activation 1, size². */
  displacement: Float32Array;
  /**
   * Activation = Σ weight × the pack's expression coefficient of that name (capped at 1.5 for named
   * shapes) + max(0, jaw opening) / jawOpening when jawOpening > 0 (radians about x).
   */
  drivers: { shape: string; weight: number }[];
  jawOpening: number;
}

/**
 * The largest displacement magnitude of a detail layer with its wrinkles at activation 1 (metres):
 * what a 16-bit map's scale must cover.
 *
 * ```ts
 * const range = detailRange(maps); // e.g. 0.0012
 * ```
 */
export function detailRange(maps: DetailMaps): number {
  let m = 0;
  for (const v of maps.displacement) m = Math.max(m, Math.abs(v));
  for (const w of maps.wrinkles) for (let i = 0; i < w.displacement.length; i++) m = Math.max(m, Math.abs(maps.displacement[i]! + w.displacement[i]!));
  return m;
}
