import type { HeadModel } from '../head-model/head-model';
import { skinAtlasFaceScale } from '../head-model/skin-uv-atlas';

/**
 * The side of a model's detail maps for a nominal size (256 or 512: the texel density of a map whose
 * square is the face's UV square). On a skin atlas (see `skinUvAtlas`: ICT-FaceKit's face tile at 0.8
 * of the side, the rest of the head in the right column) the face keeps that density: the map grows
 * by 1 / 0.8 (256 → 320), so the detail region has as many texels as on the unit face square and the
 * solve costs the same; elsewhere the nominal size is the map's.
 *
 * ```ts
 * detailMapSize(ictModel, 256); // 320
 * detailMapSize(starterHead, 256); // 256
 * ```
 */
export function detailMapSize(model: HeadModel, nominal: number): number {
  return Math.round(nominal / skinAtlasFaceScale(model));
}
