import { headMaterialGroups, type HeadMaterial } from '../../../core/export/head-materials';

/** One material's run of the 3D view's index buffer (a Babylon sub-mesh). */
export interface PartRun {
  material: HeadMaterial;
  indexStart: number;
  indexCount: number;
}

/**
 * The index buffer of a head drawn per corner (corner i is vertex i) with its triangles grouped by
 * part, and each part's run and material: the exports' grouping (`headMaterialGroups`), so the views
 * give eyes, teeth and mouth the same materials as a GLB does and leave out what exports leave out.
 * The corners themselves keep their order, so a posed rig still updates them in place.
 *
 * ```ts
 * const { indices, runs } = partRuns(decodeBase64(mesh.parts, Uint8Array));
 * for (const r of runs) new SubMesh(k, 0, vertexCount, r.indexStart, r.indexCount, head);
 * ```
 */
export function partRuns(parts: Uint8Array): { indices: Uint32Array; runs: PartRun[] } {
  const corners = Uint32Array.from({ length: parts.length * 3 }, (_, i) => i);
  const groups = headMaterialGroups({ indices: corners, parts });
  const indices = new Uint32Array(groups.reduce((n, g) => n + g.indices.length, 0));
  const runs: PartRun[] = [];
  let at = 0;
  for (const g of groups) {
    indices.set(g.indices, at);
    runs.push({ material: g.material, indexStart: at, indexCount: g.indices.length });
    at += g.indices.length;
  }
  return { indices, runs };
}

/** How a Blinn-Phong material (Babylon's StandardMaterial) shows one of the exports' PBR materials. */
export interface StandardLook {
  /** sRGB diffuse colour (the base colour factor; it multiplies the texture). */
  diffuse: [number, number, number];
  /** Grey specular colour and Phong exponent from the roughness. */
  specular: number;
  specularPower: number;
  alpha: number;
}

/**
 * The exports' material as the views' Blinn-Phong material: the linear base colour to sRGB, and the
 * roughness r to a Phong exponent 2/α² − 2 (α = r², the usual GGX–Blinn match) with a dielectric's
 * 4 % reflectance scaled by Blinn-Phong's normalisation (n + 8)/8, capped below 1: moist eyes get a
 * small bright glint, teeth a softer one, the mouth's inside a dull sheen (the skin would get ≈ 0.1).
 *
 * ```ts
 * const look = standardLook(HEAD_MATERIALS.eyes); // { specularPower: ≈1248, specular: 0.9, … }
 * ```
 */
export function standardLook(material: HeadMaterial): StandardLook {
  const [r, g, b, a] = material.baseColor;
  const alpha = Math.max(1e-3, material.roughness ** 2);
  const specularPower = Math.min(2048, 2 / (alpha * alpha) - 2);
  const toSrgb = (c: number) => (c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055);
  return { diffuse: [toSrgb(r), toSrgb(g), toSrgb(b)], specular: Math.min(0.9, (0.04 * (specularPower + 8)) / 8), specularPower, alpha: a };
}

