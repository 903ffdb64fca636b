import { Document, type GLTF, type Node as GltfNode, type Texture } from '@gltf-transform/core';
import { morphTracks } from './animation-clip';
import type { HeadTextures } from './default-textures';
import type { ExportHead } from './export-head';
import { writeGlbWithExtraTextures } from './gltf-extra-textures';
import { headMaterialGroups } from './head-materials';
import { vertexTangents } from './vertex-tangents';

export interface WriteGlbOptions {
  /** Generator string written into the asset. */
  generator?: string;
}

export const WRITE_GLB_DEFAULTS = { generator: 'DECA Studio' };

/**
 * Writes a head as binary glTF: one skinned mesh with morph targets (names in
 * `mesh.extras.targetNames`), the skeleton as a node tree with inverse bind matrices, one primitive
 * per material (see `headMaterials`: the skin's PBR material `head` with albedo and normal textures,
 * and where the model has them eyes, teeth, mouth, lashes and see-through overlays), and animation clips. Metres, +Y up, +Z forward.
 * A detail layer's maps, which glTF has no material slot for, are textures of the file that the
 * material's `extras.decaStudio` lists (see {@link detailExtras}).
 *
 * ```ts
 * const bytes = await writeGlb(buildExportHead(model));
 * ```
 */
export async function writeGlb(head: ExportHead, options: WriteGlbOptions = {}): Promise<Uint8Array> {
  const opts = { ...WRITE_GLB_DEFAULTS, ...options };
  const doc = new Document();
  doc.getRoot().getAsset().generator = opts.generator;
  const buffer = doc.createBuffer();
  const accessor = (type: GLTF.AccessorType, array: Float32Array | Uint32Array | Uint16Array) =>
    doc.createAccessor().setType(type).setArray(array).setBuffer(buffer);

  const attributes: [string, ReturnType<typeof accessor>][] = [
    ['POSITION', accessor('VEC3', head.positions)],
    ['NORMAL', accessor('VEC3', head.normals)],
    ['JOINTS_0', accessor('VEC4', head.skinJoints)],
    ['WEIGHTS_0', accessor('VEC4', head.skinWeights)],
  ];
  if (head.uvs) {
    // glTF puts the UV origin at the top left: flip v.
    const uv = new Float32Array(head.uvs.length);
    for (let i = 0; i < uv.length; i += 2) {
      uv[i] = head.uvs[i]!;
      uv[i + 1] = 1 - head.uvs[i + 1]!;
    }
    attributes.push(['TEXCOORD_0', accessor('VEC2', uv)]);
    // Tangents from the unflipped UVs: the bitangent then points up the image (+v), glTF's +Y. With
    // the flipped ones it would point down, and a normal map's green channel would light upside down.
    if (head.textures.normal) attributes.push(['TANGENT', accessor('VEC4', vertexTangents(head.positions, head.normals, head.uvs, head.indices))]);
  }
  const targets = head.morphs.map((m) => [m.name, accessor('VEC3', m.deltas)] as const);

  // One primitive per material (skin first), all on the same vertex accessors: the skin's albedo,
  // normal and detail maps; the eyes' own texture; constant teeth, mouth, lashes and see-through overlays.
  const textures = new Map<string, Texture>();
  const texture = (name: 'albedo' | 'normal' | 'eye', png: Uint8Array) => {
    let t = textures.get(name);
    if (!t) textures.set(name, (t = doc.createTexture(name).setImage(png).setMimeType('image/png').setURI(`${name}.png`)));
    return t;
  };
  const primitives = headMaterialGroups(head).map(({ material: m, indices }) => {
    const material = doc.createMaterial(m.name).setBaseColorFactor(m.baseColor).setRoughnessFactor(m.roughness).setMetallicFactor(0);
    if (m.blend) material.setAlphaMode('BLEND');
    if (head.uvs && m.texture && head.textures[m.texture]) material.setBaseColorTexture(texture(m.texture, head.textures[m.texture]!));
    if (m.part === 'skin' && head.uvs && head.textures.normal) material.setNormalTexture(texture('normal', head.textures.normal));
    const decaStudio = m.part === 'skin' && head.uvs ? detailExtras(doc, head.textures) : null;
    if (decaStudio) material.setExtras({ decaStudio });
    const primitive = doc.createPrimitive().setIndices(accessor('SCALAR', indices)).setMaterial(material);
    // Tangents only where a normal map uses them (the skin): the validator flags unused ones.
    for (const [name, a] of attributes) if (name !== 'TANGENT' || m.part === 'skin') primitive.setAttribute(name, a);
    for (const [name, a] of targets) primitive.addTarget(doc.createPrimitiveTarget(name).setAttribute('POSITION', a));
    return primitive;
  });

  const mesh = doc.createMesh(head.name);
  for (const primitive of primitives) mesh.addPrimitive(primitive);
  mesh
    .setWeights(head.morphs.map((m) => m.weight))
    .setExtras({ targetNames: head.morphs.map((m) => m.name) });

  // Joints as nodes with local translations; the rest pose has no rotation.
  const jointNodes: GltfNode[] = head.joints.map((j) => doc.createNode(j.name));
  head.joints.forEach((j, i) => {
    const parent = j.parent >= 0 ? head.joints[j.parent]!.position : [0, 0, 0];
    jointNodes[i]!.setTranslation([j.position[0] - parent[0]!, j.position[1] - parent[1]!, j.position[2] - parent[2]!]);
    // A posed joint (an applied expression's jaw); the inverse bind matrices stay those of the rest pose.
    if (j.rotation) jointNodes[i]!.setRotation(j.rotation);
    if (j.parent >= 0) jointNodes[j.parent]!.addChild(jointNodes[i]!);
  });
  const inverseBind = new Float32Array(head.joints.length * 16);
  head.joints.forEach((j, i) => {
    inverseBind.set([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, -j.position[0], -j.position[1], -j.position[2], 1], i * 16);
  });
  const skin = doc.createSkin('head_rig').setInverseBindMatrices(accessor('MAT4', inverseBind));
  const root = jointNodes[head.joints.findIndex((j) => j.parent < 0)]!;
  skin.setSkeleton(root);
  for (const node of jointNodes) skin.addJoint(node);

  const meshNode = doc.createNode(head.name).setMesh(mesh).setSkin(skin);
  const scene = doc.createScene('head').addChild(root).addChild(meshNode);
  doc.getRoot().setDefaultScene(scene);

  for (const clip of head.animations) {
    const animation = doc.createAnimation(clip.name);
    const input = accessor('SCALAR', clip.times);
    if (head.morphs.length) {
      const K = head.morphs.length;
      const values = new Float32Array(clip.times.length * K);
      morphTracks(clip, head.morphs).forEach(({ weights }, k) => {
        for (let t = 0; t < clip.times.length; t++) values[t * K + k] = weights[t]!;
      });
      const sampler = doc.createAnimationSampler().setInput(input).setOutput(accessor('SCALAR', values)).setInterpolation('LINEAR');
      animation.addSampler(sampler).addChannel(doc.createAnimationChannel().setTargetNode(meshNode).setTargetPath('weights').setSampler(sampler));
    }
    for (const [jointName, quats] of Object.entries(clip.jointRotations)) {
      const index = head.joints.findIndex((j) => j.name === jointName);
      if (index < 0) continue;
      const sampler = doc.createAnimationSampler().setInput(input).setOutput(accessor('VEC4', quats)).setInterpolation('LINEAR');
      animation.addSampler(sampler).addChannel(doc.createAnimationChannel().setTargetNode(jointNodes[index]!).setTargetPath('rotation').setSampler(sampler));
    }
  }
  return writeGlbWithExtraTextures(doc);
}

/**
 * The material's `extras.decaStudio` for a head's detail maps, null without any: the displacement
 * map `{ texture, scaleMm, neutral: 0.5 }` (D = (V − 32768) / 32767 × scaleMm for a 16-bit value V)
 * and `wrinkleMaps: [{ group, texture, drivers: [{ morph, weight }], jawOpening, jawJoint }]`, each
 * `texture` an index into the file's `textures` once written (see `writeGlbWithExtraTextures`).
 *
 * ```ts
 * const extras = detailExtras(doc, head.textures); // { displacement: {…}, wrinkleMaps: […] }
 * ```
 */
export function detailExtras(doc: Document, textures: HeadTextures): Record<string, unknown> | null {
  const texture = (name: string, png: Uint8Array) => {
    doc.createTexture(name).setImage(png).setMimeType('image/png').setURI(`${name}.png`);
    return name;
  };
  const out: Record<string, unknown> = {};
  if (textures.displacement) {
    const scale = textures.displacementScaleMm === undefined ? {} : { scaleMm: textures.displacementScaleMm };
    out.displacement = { texture: texture('displacement', textures.displacement), ...scale, neutral: 0.5 };
  }
  if (textures.wrinkles?.length) {
    out.wrinkleMaps = textures.wrinkles.map((w) => ({
      group: w.group,
      texture: texture(`wrinkle_${w.group}`, w.normal),
      drivers: w.drivers,
      jawOpening: w.jawOpening,
      jawJoint: w.jawJoint,
    }));
  }
  return Object.keys(out).length ? out : null;
}
