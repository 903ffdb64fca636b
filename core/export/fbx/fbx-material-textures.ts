import type { HeadTextures } from '../default-textures';
import { node, P, type FbxNode } from './fbx-binary';
import { connectOO, connectOP, objectName, prop70, properties70 } from './fbx-scene-helpers';

/** Prefix of the user-defined (Properties70 flag "U") material properties that describe the detail layer. */
export const FBX_DETAIL_PREFIX = 'DecaStudio_';

/**
 * The material's user properties for a head's detail maps (none without them), to append to its
 * Properties70. Blender imports them as the material's custom properties; the FBX SDK as its
 * user-defined properties:
 * - `DecaStudio_DisplacementScaleMm` (double): millimetres per full-scale step of the 16-bit
 *   displacement map, D = (V − 32768) / 32767 × scale; `DecaStudio_DisplacementNeutral` (0.5);
 * - `DecaStudio_WrinkleGroups` (KString): the groups, `;`-separated, e.g. `forehead;crowsFeet`;
 * - per group G: `DecaStudio_WrinkleMap_G` (ColorRGB), the property its wrinkle normal map's
 *   Texture is connected to; `DecaStudio_WrinkleDrivers_G` (KString) `morph:weight;…` with the
 *   FBX blend-shape channel names, e.g. `browInnerUp:2;browOuterUpLeft:1`; and when the jaw drives
 *   it, `DecaStudio_WrinkleJawOpening_G` (double, radians of the jaw joint's rotation about +X that
 *   count as activation 1) and `DecaStudio_WrinkleJawJoint_G` (KString, the joint: `jaw`).
 *
 * ```ts
 * properties70(prop70('DiffuseColor', 'Color', '', 'A', 0.8, 0.8, 0.8), ...detailMaterialProperties(head.textures));
 * ```
 */
export function detailMaterialProperties(textures: HeadTextures): FbxNode[] {
  const out: FbxNode[] = [];
  const user = (name: string, type: string, label: string, ...values: (number | string)[]) => out.push(prop70(FBX_DETAIL_PREFIX + name, type, label, 'U', ...values));
  if (textures.displacement && textures.displacementScaleMm !== undefined) {
    user('DisplacementScaleMm', 'double', 'Number', textures.displacementScaleMm);
    user('DisplacementNeutral', 'double', 'Number', 0.5);
  }
  const wrinkles = textures.wrinkles ?? [];
  if (wrinkles.length) user('WrinkleGroups', 'KString', '', wrinkles.map((w) => w.group).join(';'));
  for (const w of wrinkles) {
    user(`WrinkleMap_${w.group}`, 'ColorRGB', 'Color', 0.5, 0.5, 1);
    user(`WrinkleDrivers_${w.group}`, 'KString', '', w.drivers.map((d) => `${d.morph}:${d.weight}`).join(';'));
    if (w.jawOpening > 0 && w.jawJoint) {
      user(`WrinkleJawOpening_${w.group}`, 'double', 'Number', w.jawOpening);
      user(`WrinkleJawJoint_${w.group}`, 'KString', '', w.jawJoint);
    }
  }
  return out;
}

/** How a writer adds objects and connections while it builds a scene. */
export interface FbxSceneSink {
  newId: () => bigint;
  add: (type: string, n: FbxNode) => void;
  connections: FbxNode[];
}

/**
 * Embeds a head's textures (Video with the PNG as Content, and a Texture) and connects each to the
 * material property that uses it: albedo → DiffuseColor, normal → NormalMap (Blender's importer and
 * the FBX SDK both read it as the normal map), displacement → DisplacementColor (the FBX SDK's
 * standard displacement channel), each wrinkle map → its `DecaStudio_WrinkleMap_<group>` user
 * property (see {@link detailMaterialProperties}). With `only: 'eye'`, just the eyes' texture →
 * DiffuseColor (the eyes' own material).
 *
 * ```ts
 * writeMaterialTextures(head.textures, materialId, { newId, add, connections });
 * ```
 */
export function writeMaterialTextures(textures: HeadTextures, materialId: bigint, sink: FbxSceneSink, only?: 'eye'): void {
  const maps: [string, Uint8Array | undefined, string][] = only === 'eye' ? [['eye', textures.eye, 'DiffuseColor']] : [
    ['albedo', textures.albedo, 'DiffuseColor'],
    ['normal', textures.normal, 'NormalMap'],
    ['displacement', textures.displacement, 'DisplacementColor'],
    ...(textures.wrinkles ?? []).map((w): [string, Uint8Array, string] => [`wrinkle_${w.group}`, w.normal, `${FBX_DETAIL_PREFIX}WrinkleMap_${w.group}`]),
  ];
  for (const [key, png, slot] of maps) {
    if (!png) continue;
    const file = `${key}.png`;
    const textureId = sink.newId();
    const videoId = sink.newId();
    sink.add('Video', node('Video', [P.i64(videoId), objectName(key, 'Video'), P.str('Clip')], [
      node('Type', [P.str('Clip')]),
      properties70(prop70('Path', 'KString', 'XRefUrl', '', file)),
      node('UseMipMap', [P.i32(0)]),
      node('Filename', [P.str(file)]),
      node('RelativeFilename', [P.str(file)]),
      node('Content', [P.raw(png)]),
    ]));
    sink.add('Texture', node('Texture', [P.i64(textureId), objectName(key, 'Texture'), P.str('')], [
      node('Type', [P.str('TextureVideoClip')]),
      node('Version', [P.i32(202)]),
      node('TextureName', [objectName(key, 'Texture')]),
      properties70(prop70('UVSet', 'KString', '', '', 'UVMap'), prop70('UseMaterial', 'bool', '', '', 1)),
      node('Media', [objectName(key, 'Video')]),
      node('FileName', [P.str(file)]),
      node('RelativeFilename', [P.str(file)]),
      node('ModelUVTranslation', [P.f64(0), P.f64(0)]),
      node('ModelUVScaling', [P.f64(1), P.f64(1)]),
      node('Texture_Alpha_Source', [P.str('None')]),
      node('Cropping', [P.i32(0), P.i32(0), P.i32(0), P.i32(0)]),
    ]));
    sink.connections.push(connectOO(videoId, textureId), connectOP(textureId, materialId, slot));
  }
}
