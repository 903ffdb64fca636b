import { MultiMaterial } from '@babylonjs/core/Materials/multiMaterial';
import { StandardMaterial } from '@babylonjs/core/Materials/standardMaterial';
import { Texture } from '@babylonjs/core/Materials/Textures/texture';
import { Color3 } from '@babylonjs/core/Maths/math.color';
import { Mesh } from '@babylonjs/core/Meshes/mesh';
import { VertexData } from '@babylonjs/core/Meshes/mesh.vertexData';
import { SubMesh } from '@babylonjs/core/Meshes/subMesh';
import type { Scene } from '@babylonjs/core/scene';
import type { ReconstructedHeadMesh } from '../../../core/api/contract';
import type { HeadMaterial } from '../../../core/export/head-materials';
import { decodeBase64 } from './base64';
import { partRuns, standardLook, type PartRun } from './head-parts';

/**
 * The index buffer of a head drawn per corner: 0…n−1, grouped by part (skin, eyes, teeth, mouth)
 * when the mesh says which triangle is which, with each part's run.
 *
 * ```ts
 * const { indices, runs } = headIndices(mesh);
 * vertexData.indices = indices;
 * ```
 */
export function headIndices(mesh: ReconstructedHeadMesh): { indices: Uint32Array; runs: PartRun[] | null } {
  const grouped = mesh.parts ? partRuns(decodeBase64(mesh.parts, Uint8Array)) : null;
  if (grouped) return grouped;
  return { indices: Uint32Array.from({ length: mesh.triangleCount * 3 }, (_, i) => i), runs: null };
}

/**
 * Gives a head's eyes, teeth and mouth the exports' materials (`HEAD_MATERIALS`: colour, sheen, the
 * eyes' own texture), one sub-mesh per part, the skin keeping `skin`. Every view of a head (the
 * reconstruction's, the posed rig's) draws its parts through this, so they look alike and like the
 * GLB. Returns every material made (the caller disposes them) and the multi-material, if any.
 *
 * ```ts
 * const { materials, multi } = applyPartMaterials(scene, head, mesh, runs, skin);
 * ```
 */
export function applyPartMaterials(
  scene: Scene,
  head: Mesh,
  mesh: ReconstructedHeadMesh,
  runs: PartRun[] | null,
  skin: StandardMaterial,
): { materials: StandardMaterial[]; multi: MultiMaterial | null } {
  const materials = [skin];
  if (!runs || runs.length <= 1) {
    head.material = skin;
    return { materials, multi: null };
  }
  const multi = new MultiMaterial('head-parts', scene);
  head.subMeshes = [];
  const vertices = mesh.triangleCount * 3;
  runs.forEach((r, k) => {
    const mat = r.material.part === 'skin' ? skin : partMaterial(scene, r.material, mesh);
    if (mat !== skin) materials.push(mat);
    multi.subMaterials.push(mat);
    new SubMesh(k, 0, vertices, r.indexStart, r.indexCount, head);
  });
  head.material = multi;
  return { materials, multi };
}

/** A part's material as the exports make it: its colour and sheen, and the eyes' own texture. */
function partMaterial(scene: Scene, spec: HeadMaterial, m: ReconstructedHeadMesh): StandardMaterial {
  const look = standardLook(spec);
  const mat = new StandardMaterial(spec.name, scene);
  mat.diffuseColor = new Color3(...look.diffuse);
  mat.specularColor = new Color3(look.specular, look.specular, look.specular);
  mat.specularPower = look.specularPower;
  mat.alpha = look.alpha;
  mat.backFaceCulling = false;
  if (spec.texture === 'eye' && m.eyeTexture && m.uvs) {
    const texture = new Texture(`data:image/png;base64,${m.eyeTexture}`, scene, false, true, Texture.TRILINEAR_SAMPLINGMODE, null, () => {
      // A material waits for its texture forever: without it the eyes keep their plain colour.
      if (mat.diffuseTexture === texture) mat.diffuseTexture = null;
      texture.dispose();
    });
    mat.diffuseTexture = texture;
  }
  return mat;
}

/** A head drawn per corner: its mesh (updatable, so a pose can move the corners) and its part runs. */
export function headMeshOf(scene: Scene, mesh: ReconstructedHeadMesh, name: string): { head: Mesh; runs: PartRun[] | null } {
  const data = new VertexData();
  data.positions = decodeBase64(mesh.positions, Float32Array);
  data.normals = decodeBase64(mesh.normals, Float32Array);
  // Corners come unindexed (UV seams need no split): the index buffer is 0…n−1, grouped by part;
  // the corners keep their order, so a posed rig still updates them in place.
  const { indices, runs } = headIndices(mesh);
  data.indices = indices;
  if (mesh.uvs) data.uvs = decodeBase64(mesh.uvs, Float32Array);
  // The frame the detail normal maps were baked in (see HeadViewport.loadDetail for the convention).
  if (mesh.uvs && mesh.tangents) data.tangents = decodeBase64(mesh.tangents, Float32Array);
  const head = new Mesh(name, scene);
  data.applyToMesh(head, true);
  return { head, runs };
}

/**
 * The skin's material: the albedo texture when there is one (our UVs have v up with image row 0 at
 * v = 1, Babylon's default invertY), else — or when it fails to load — the plain skin colour.
 * `drawn` is called once the head can be drawn with it.
 *
 * ```ts
 * const skin = skinMaterial(scene, textureUrl, !!mesh.uvs, () => emit('drawn'));
 * ```
 */
export function skinMaterial(scene: Scene, textureUrl: string | null, hasUvs: boolean, drawn: () => void): StandardMaterial {
  const skin = new StandardMaterial('skin', scene);
  skin.specularColor = new Color3(0.06, 0.06, 0.06);
  skin.backFaceCulling = false;
  const untextured = () => {
    skin.diffuseColor = new Color3(0.86, 0.72, 0.62);
    scene.executeWhenReady(drawn);
  };
  if (!textureUrl || !hasUvs) {
    untextured();
    return skin;
  }
  const texture = new Texture(textureUrl, scene, false, true, Texture.TRILINEAR_SAMPLINGMODE, drawn, () => {
    // A material waits for its texture forever: without this the head would not be drawn at all.
    if (skin.diffuseTexture !== texture) return;
    skin.diffuseTexture = null;
    texture.dispose();
    untextured();
  });
  skin.diffuseTexture = texture;
  skin.diffuseColor = new Color3(1, 1, 1);
  return skin;
}
