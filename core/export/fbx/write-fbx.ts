import { morphTracks } from '../animation-clip';
import type { ExportHead } from '../export-head';
import { detailMaterialProperties, writeMaterialTextures } from './fbx-material-textures';
import { headMaterialGroups } from '../head-materials';
import { encodeFbx, FBX_CREATION_TIME, FBX_FILE_ID, node, P, type FbxNode, type ZlibDeflate } from './fbx-binary';
import {
  animationCurve,
  connectOO,
  connectOP,
  KTIME_PER_SECOND,
  objectName,
  prop70,
  properties70,
  quaternionToEulerXyz,
  translationMatrix,
} from './fbx-scene-helpers';

export interface WriteFbxOptions {
  creator?: string;
  /** File units per metre: 100 writes centimetres (UnitScaleFactor 1), what Unity and Unreal expect. */
  unitsPerMetre?: number;
  /** zlib compressor for large arrays (Node: `zlib.deflateSync`); arrays are stored raw without one. */
  deflate?: ZlibDeflate;
}

export const WRITE_FBX_DEFAULTS = { creator: 'DECA Studio', unitsPerMetre: 100 };

/**
 * Writes a head as binary FBX 7.4: mesh with normals, UVs and material; a LimbNode skeleton with a
 * Skin deformer (one Cluster per joint); a BlendShape with one channel and shape per expression;
 * embedded PNG textures (with a detail layer: the detail normal map, displacement and wrinkle maps,
 * see `writeMaterialTextures` and `detailMaterialProperties`); animation stacks; Y-up, centimetre
 * GlobalSettings.
 *
 * ```ts
 * const bytes = writeFbx(buildExportHead(model, {}, { animations: [demoClip(names)] }));
 * ```
 */
export function writeFbx(head: ExportHead, options: WriteFbxOptions = {}): Uint8Array {
  const opts = { ...WRITE_FBX_DEFAULTS, ...options };
  const s = opts.unitsPerMetre;
  let nextId = 1_000_000n;
  const newId = () => nextId++;
  const objects: FbxNode[] = [];
  const connections: FbxNode[] = [];
  const counts = new Map<string, number>();
  const add = (type: string, n: FbxNode) => {
    objects.push(n);
    counts.set(type, (counts.get(type) ?? 0) + 1);
  };

  // Geometry: positions in file units, polygons as triangles (last index of each stored as ~i).
  const geometryId = newId();
  // Polygons grouped by material (skin first, see `headMaterials`; see-through overlays are not written).
  const groups = headMaterialGroups(head);
  const polygons = new Uint32Array(groups.reduce((n, g) => n + g.indices.length, 0));
  const polygonMaterial = new Int32Array(polygons.length / 3);
  groups.reduce((at, g, k) => (polygons.set(g.indices, at), polygonMaterial.fill(k, at / 3, (at + g.indices.length) / 3), at + g.indices.length), 0);
  const polygonIndex = Int32Array.from(polygons, (v, i) => (i % 3 === 2 ? ~v : v));
  const layers: FbxNode[] = [node('LayerElement', [], [node('Type', [P.str('LayerElementNormal')]), node('TypedIndex', [P.i32(0)])])];
  const geometryChildren: FbxNode[] = [
    node('Vertices', [P.f64s(head.positions.map((v) => v * s))]),
    node('PolygonVertexIndex', [P.i32s(polygonIndex)]),
    node('GeometryVersion', [P.i32(124)]),
    node('LayerElementNormal', [P.i32(0)], [
      node('Version', [P.i32(101)]),
      node('Name', [P.str('')]),
      node('MappingInformationType', [P.str('ByVertice')]),
      node('ReferenceInformationType', [P.str('Direct')]),
      node('Normals', [P.f64s(head.normals)]),
    ]),
  ];
  if (head.uvs) {
    geometryChildren.push(
      node('LayerElementUV', [P.i32(0)], [
        node('Version', [P.i32(101)]),
        node('Name', [P.str('UVMap')]),
        node('MappingInformationType', [P.str('ByPolygonVertex')]),
        node('ReferenceInformationType', [P.str('IndexToDirect')]),
        node('UV', [P.f64s(head.uvs)]),
        node('UVIndex', [P.i32s(polygons)]),
      ]),
    );
    layers.push(node('LayerElement', [], [node('Type', [P.str('LayerElementUV')]), node('TypedIndex', [P.i32(0)])]));
  }
  // One material per part: each polygon's index into the model's materials, in connection order.
  geometryChildren.push(
    node('LayerElementMaterial', [P.i32(0)], [
      node('Version', [P.i32(101)]),
      node('Name', [P.str('')]),
      node('MappingInformationType', [P.str(groups.length > 1 ? 'ByPolygon' : 'AllSame')]),
      node('ReferenceInformationType', [P.str('IndexToDirect')]),
      node('Materials', [P.i32s(groups.length > 1 ? polygonMaterial : [0])]),
    ]),
    node('Layer', [P.i32(0)], [
      node('Version', [P.i32(100)]),
      ...layers,
      node('LayerElement', [], [node('Type', [P.str('LayerElementMaterial')]), node('TypedIndex', [P.i32(0)])]),
    ]),
  );
  add('Geometry', node('Geometry', [P.i64(geometryId), objectName(head.name, 'Geometry'), P.str('Mesh')], geometryChildren));

  const meshModelId = newId();
  add('Model', modelNode(meshModelId, head.name, 'Mesh', [0, 0, 0]));
  connections.push(connectOO(meshModelId, 0n), connectOO(geometryId, meshModelId));

  // Materials: the skin's with embedded textures and a detail layer's scale and wrinkle drivers as its
  // user properties; the eyes' with their own texture; the others constant (overlays fully transparent).
  for (const { material: m } of groups) {
    const materialId = newId();
    const [r, g, b, a] = m.baseColor;
    const skin = m.part === 'skin';
    add('Material', node('Material', [P.i64(materialId), objectName(m.name, 'Material'), P.str('')], [
      node('Version', [P.i32(102)]),
      node('ShadingModel', [P.str('Phong')]),
      node('MultiLayer', [P.i32(0)]),
      properties70(
        prop70('DiffuseColor', 'Color', '', 'A', ...(m.texture ? [0.8, 0.8, 0.8] : [r, g, b])),
        prop70('SpecularFactor', 'Number', '', 'A', skin ? 0.1 : 0.5 * (1 - m.roughness)),
        // Phong exponent from roughness (Blinn–Phong ≈ 2 / α² − 2 with α = roughness²), capped.
        prop70('Shininess', 'Number', '', 'A', Math.min(200, Math.max(2, 2 / m.roughness ** 4 - 2))),
        ...(m.blend ? [prop70('TransparencyFactor', 'Number', '', 'A', 1 - a), prop70('Opacity', 'double', 'Number', '', a)] : []),
        ...(skin && head.uvs ? detailMaterialProperties(head.textures) : []),
      ),
    ]));
    connections.push(connectOO(materialId, meshModelId));
    if (!head.uvs) continue;
    if (skin) writeMaterialTextures(head.textures, materialId, { newId, add, connections });
    else if (m.texture === 'eye' && head.textures.eye) writeMaterialTextures({ eye: head.textures.eye }, materialId, { newId, add, connections }, 'eye');
  }

  // Skeleton: LimbNode models with local translations, a Skin with one Cluster per joint.
  const jointIds = head.joints.map(() => newId());
  const skinId = newId();
  add('Deformer', node('Deformer', [P.i64(skinId), objectName('', 'Deformer'), P.str('Skin')], [
    node('Version', [P.i32(101)]),
    node('Link_DeformAcuracy', [P.f64(50)]),
    node('SkinningType', [P.str('Linear')]),
  ]));
  connections.push(connectOO(skinId, geometryId));
  const poseNodes: FbxNode[] = [node('PoseNode', [], [node('Node', [P.i64(meshModelId)]), node('Matrix', [P.f64s(translationMatrix(0, 0, 0))])])];
  head.joints.forEach((joint, j) => {
    const parent = joint.parent >= 0 ? head.joints[joint.parent]!.position : [0, 0, 0];
    const local: [number, number, number] = [(joint.position[0] - parent[0]!) * s, (joint.position[1] - parent[1]!) * s, (joint.position[2] - parent[2]!) * s];
    const attrId = newId();
    add('NodeAttribute', node('NodeAttribute', [P.i64(attrId), objectName(joint.name, 'NodeAttribute'), P.str('LimbNode')], [
      properties70(prop70('Size', 'double', 'Number', '', 1)),
      node('TypeFlags', [P.str('Skeleton')]),
    ]));
    add('Model', modelNode(jointIds[j]!, joint.name, 'LimbNode', local, joint.rotation && quaternionToEulerXyz(...joint.rotation)));
    connections.push(connectOO(attrId, jointIds[j]!), connectOO(jointIds[j]!, joint.parent >= 0 ? jointIds[joint.parent]! : 0n));

    const indexes: number[] = [];
    const weights: number[] = [];
    for (let v = 0; v < head.skinWeights.length / 4; v++) {
      let w = 0;
      for (let k = 0; k < 4; k++) if (head.skinJoints[v * 4 + k] === j) w += head.skinWeights[v * 4 + k]!;
      if (w > 0) {
        indexes.push(v);
        weights.push(w);
      }
    }
    const world = translationMatrix(joint.position[0] * s, joint.position[1] * s, joint.position[2] * s);
    const clusterId = newId();
    add('Deformer', node('Deformer', [P.i64(clusterId), objectName(joint.name, 'SubDeformer'), P.str('Cluster')], [
      node('Version', [P.i32(100)]),
      node('UserData', [P.str(''), P.str('')]),
      node('Indexes', [P.i32s(indexes)]),
      node('Weights', [P.f64s(weights)]),
      // Transform: mesh → bone space at bind time; TransformLink: the bone's world matrix.
      node('Transform', [P.f64s(translationMatrix(-joint.position[0] * s, -joint.position[1] * s, -joint.position[2] * s))]),
      node('TransformLink', [P.f64s(world)]),
    ]));
    connections.push(connectOO(clusterId, skinId), connectOO(jointIds[j]!, clusterId));
    poseNodes.push(node('PoseNode', [], [node('Node', [P.i64(jointIds[j]!)]), node('Matrix', [P.f64s(world)])]));
  });
  add('Pose', node('Pose', [P.i64(newId()), objectName('BindPose', 'Pose'), P.str('BindPose')], [
    node('Type', [P.str('BindPose')]),
    node('Version', [P.i32(100)]),
    node('NbPoseNodes', [P.i32(poseNodes.length)]),
    ...poseNodes,
  ]));

  // Blendshapes: one channel + shape per expression, sparse deltas.
  const channelIds = new Map<string, bigint>();
  if (head.morphs.length) {
    const blendShapeId = newId();
    add('Deformer', node('Deformer', [P.i64(blendShapeId), objectName('expressions', 'Deformer'), P.str('BlendShape')], [node('Version', [P.i32(100)])]));
    connections.push(connectOO(blendShapeId, geometryId));
    for (const morph of head.morphs) {
      const indexes: number[] = [];
      const deltas: number[] = [];
      for (let v = 0; v < morph.deltas.length / 3; v++) {
        const d = morph.deltas.subarray(v * 3, v * 3 + 3);
        if (d[0] !== 0 || d[1] !== 0 || d[2] !== 0) {
          indexes.push(v);
          deltas.push(d[0]! * s, d[1]! * s, d[2]! * s);
        }
      }
      if (indexes.length === 0) {
        // Readers drop empty shapes: keep one zero offset so every name survives the round trip.
        indexes.push(0);
        deltas.push(0, 0, 0);
      }
      const channelId = newId();
      const shapeId = newId();
      channelIds.set(morph.name, channelId);
      add('Deformer', node('Deformer', [P.i64(channelId), objectName(morph.name, 'SubDeformer'), P.str('BlendShapeChannel')], [
        node('Version', [P.i32(100)]),
        node('DeformPercent', [P.f64(morph.weight * 100)]),
        node('FullWeights', [P.f64s([100])]),
        properties70(prop70('DeformPercent', 'Number', '', 'A', morph.weight * 100)),
      ]));
      add('Geometry', node('Geometry', [P.i64(shapeId), objectName(morph.name, 'Geometry'), P.str('Shape')], [
        node('Version', [P.i32(100)]),
        node('Indexes', [P.i32s(indexes)]),
        node('Vertices', [P.f64s(deltas)]),
      ]));
      connections.push(connectOO(channelId, blendShapeId), connectOO(shapeId, channelId));
    }
  }

  // Animation: one stack + base layer per clip; Euler curves for joints, DeformPercent for shapes.
  let stop = 0;
  for (const clip of head.animations) {
    const end = clip.times[clip.times.length - 1] ?? 0;
    stop = Math.max(stop, end);
    const stackId = newId();
    const layerId = newId();
    const kEnd = Math.round(end * KTIME_PER_SECOND);
    add('AnimationStack', node('AnimationStack', [P.i64(stackId), objectName(clip.name, 'AnimStack'), P.str('')], [
      properties70(prop70('LocalStop', 'KTime', 'Time', '', kEnd), prop70('ReferenceStop', 'KTime', 'Time', '', kEnd)),
    ]));
    // An object node needs its nested list even when it has nothing to say: without one the FBX SDK
    // (as fbx2gltf uses it) drops the layer, and with it every curve of the clip.
    add('AnimationLayer', node('AnimationLayer', [P.i64(layerId), objectName('BaseLayer', 'AnimLayer'), P.str('')], [properties70()]));
    connections.push(connectOO(layerId, stackId));
    for (const [jointName, quats] of Object.entries(clip.jointRotations)) {
      const j = head.joints.findIndex((x) => x.name === jointName);
      if (j < 0) continue;
      const euler = [new Float32Array(clip.times.length), new Float32Array(clip.times.length), new Float32Array(clip.times.length)];
      for (let t = 0; t < clip.times.length; t++) {
        const e = quaternionToEulerXyz(quats[t * 4]!, quats[t * 4 + 1]!, quats[t * 4 + 2]!, quats[t * 4 + 3]!);
        for (let a = 0; a < 3; a++) euler[a]![t] = e[a]!;
      }
      const curveNodeId = newId();
      add('AnimationCurveNode', node('AnimationCurveNode', [P.i64(curveNodeId), objectName('R', 'AnimCurveNode'), P.str('')], [
        properties70(prop70('d|X', 'Number', '', 'A', euler[0]![0]!), prop70('d|Y', 'Number', '', 'A', euler[1]![0]!), prop70('d|Z', 'Number', '', 'A', euler[2]![0]!)),
      ]));
      connections.push(connectOO(curveNodeId, layerId), connectOP(curveNodeId, jointIds[j]!, 'Lcl Rotation'));
      ['d|X', 'd|Y', 'd|Z'].forEach((channel, a) => {
        const curveId = newId();
        add('AnimationCurve', animationCurve(curveId, clip.times, euler[a]!));
        connections.push(connectOP(curveId, curveNodeId, channel));
      });
    }
    for (const { name: morphName, weights } of morphTracks(clip, head.morphs)) {
      const channelId = channelIds.get(morphName);
      if (channelId === undefined) continue;
      const curveNodeId = newId();
      const curveId = newId();
      const percent = Array.from(weights, (w) => w * 100);
      add('AnimationCurveNode', node('AnimationCurveNode', [P.i64(curveNodeId), objectName('DeformPercent', 'AnimCurveNode'), P.str('')], [
        properties70(prop70('d|DeformPercent', 'Number', '', 'A', percent[0] ?? 0)),
      ]));
      add('AnimationCurve', animationCurve(curveId, clip.times, percent));
      connections.push(connectOO(curveNodeId, layerId), connectOP(curveNodeId, channelId, 'DeformPercent'), connectOP(curveId, curveNodeId, 'd|DeformPercent'));
    }
  }

  const definitions = node('Definitions', [], [
    node('Version', [P.i32(100)]),
    node('Count', [P.i32([...counts.values()].reduce((a, b) => a + b, 1))]),
    node('ObjectType', [P.str('GlobalSettings')], [node('Count', [P.i32(1)])]),
    ...[...counts].map(([type, count]) => node('ObjectType', [P.str(type)], [node('Count', [P.i32(count)])])),
  ]);
  return encodeFbx([
    headerExtension(opts.creator),
    node('FileId', [P.raw(FBX_FILE_ID)]),
    node('CreationTime', [P.str(FBX_CREATION_TIME)]),
    node('Creator', [P.str(opts.creator)]),
    globalSettings(s, stop),
    node('Documents', [], [
      node('Count', [P.i32(1)]),
      node('Document', [P.i64(newId()), P.str(''), P.str('Scene')], [
        properties70(prop70('SourceObject', 'object', '', ''), prop70('ActiveAnimStackName', 'KString', '', '', head.animations[0]?.name ?? '')),
        node('RootNode', [P.i64(0)]),
      ]),
    ]),
    node('References'),
    definitions,
    node('Objects', [], objects),
    node('Connections', [], connections),
  ], { deflate: opts.deflate });
}

/** A Model node; `rotationDeg` (XYZ Euler, degrees) poses a joint away from its bind pose. */
function modelNode(id: bigint, name: string, type: 'Mesh' | 'LimbNode', translation: [number, number, number], rotationDeg?: [number, number, number]): FbxNode {
  return node('Model', [P.i64(id), objectName(name, 'Model'), P.str(type)], [
    node('Version', [P.i32(232)]),
    properties70(
      prop70('Lcl Translation', 'Lcl Translation', '', 'A', ...translation),
      ...(rotationDeg ? [prop70('Lcl Rotation', 'Lcl Rotation', '', 'A', ...rotationDeg)] : []),
      prop70('InheritType', 'enum', '', '', 1),
      prop70('DefaultAttributeIndex', 'int', 'Integer', '', 0),
    ),
    node('Shading', [P.bool(true)]),
    node('Culling', [P.str('CullingOff')]),
  ]);
}

function headerExtension(creator: string): FbxNode {
  return node('FBXHeaderExtension', [], [
    node('FBXHeaderVersion', [P.i32(1003)]),
    node('FBXVersion', [P.i32(7400)]),
    node('EncryptionType', [P.i32(0)]),
    node('CreationTimeStamp', [], [
      node('Version', [P.i32(1000)]),
      ...['Year', 'Month', 'Day', 'Hour', 'Minute', 'Second', 'Millisecond'].map((k, i) => node(k, [P.i32([1970, 1, 1, 10, 0, 0, 0][i]!)])),
    ]),
    node('Creator', [P.str(creator)]),
  ]);
}

/** Y up, Z front, X right; one file unit = 100 / unitsPerMetre centimetres. */
function globalSettings(unitsPerMetre: number, stopSeconds: number): FbxNode {
  return node('GlobalSettings', [], [
    node('Version', [P.i32(1000)]),
    properties70(
      prop70('UpAxis', 'int', 'Integer', '', 1),
      prop70('UpAxisSign', 'int', 'Integer', '', 1),
      prop70('FrontAxis', 'int', 'Integer', '', 2),
      prop70('FrontAxisSign', 'int', 'Integer', '', 1),
      prop70('CoordAxis', 'int', 'Integer', '', 0),
      prop70('CoordAxisSign', 'int', 'Integer', '', 1),
      prop70('OriginalUpAxis', 'int', 'Integer', '', 1),
      prop70('OriginalUpAxisSign', 'int', 'Integer', '', 1),
      prop70('UnitScaleFactor', 'double', 'Number', '', 100 / unitsPerMetre),
      prop70('OriginalUnitScaleFactor', 'double', 'Number', '', 100 / unitsPerMetre),
      prop70('TimeMode', 'enum', '', '', 6),
      prop70('TimeSpanStart', 'KTime', 'Time', '', 0),
      prop70('TimeSpanStop', 'KTime', 'Time', '', Math.round(stopSeconds * KTIME_PER_SECOND)),
      prop70('CustomFrameRate', 'double', 'Number', '', 30),
    ),
  ]);
}
