import type { HeadModel } from '../head-model/head-model';
import { vertexNormals } from '../head-model/vertex-normals';
import { sampleDecaUv } from './deca-displacement';
import { DECA_UV_SIZE, type DecaTemplateUv } from './deca-uv-data';

/**
 * DECA's UV-space displacement (256², row 0 = v = 1; see `decaDisplacement`) carried onto a
 * FLAME-structured pack: one value per vertex, in metres along the vertex normal, positive outwards.
 *
 * Each vertex takes the bilinear sample of the map at its head_template.obj UV (`sampleDecaUv`);
 * a vertex on a UV seam (several UVs) takes the mean of its samples, a vertex on no face 0. The pack must have FLAME's
 * topology: head_template.obj's vertex count and the same faces (any order, corners rotated but not
 * flipped), since DECA's UVs are tied to FLAME's vertex indices. Apply the values with
 * `displaceAlongNormals` on the posed coarse mesh, as DECA's `displacement2normal` moves each point
 * of the coarse surface along its interpolated vertex normal.
 *
 * ```ts
 * const perVertex = decaDisplacementOnPack(model, templateUv, detail.displacement);
 * const detailed = displaceAlongNormals(posedVertices, model.triangles, perVertex);
 * ```
 */
export function decaDisplacementOnPack(model: Pick<HeadModel, 'id' | 'vertexCount' | 'triangles'>, template: DecaTemplateUv, displacement: Float32Array): Float32Array {
  checkFlameTopology(model, template);
  if (displacement.length !== DECA_UV_SIZE * DECA_UV_SIZE) throw new Error(`DECA's displacement map must be ${DECA_UV_SIZE}×${DECA_UV_SIZE}, got ${displacement.length} values`);
  const V = template.vertexCount;
  const N = template.uvs.length / 2;
  const sum = new Float64Array(V), count = new Uint16Array(V);
  const seen = new Set<number>();
  for (let c = 0; c < template.triangles.length; c++) {
    const v = template.triangles[c]!, t = template.uvTriangles[c]!;
    const key = v * N + t;
    if (seen.has(key)) continue;
    seen.add(key);
    sum[v] += sampleDecaUv(displacement, template.uvs[t * 2]!, template.uvs[t * 2 + 1]!);
    count[v]!++;
  }
  const out = new Float32Array(V);
  for (let v = 0; v < V; v++) out[v] = count[v] ? sum[v]! / count[v]! : 0;
  return out;
}

/**
 * Moves each vertex along its unit vertex normal (area-weighted, as DECA's `util.vertex_normals`)
 * by its displacement; returns new positions.
 *
 * ```ts
 * const detailed = displaceAlongNormals(vertices, model.triangles, perVertex);
 * ```
 */
export function displaceAlongNormals(vertices: Float32Array, triangles: Uint32Array, perVertex: Float32Array): Float32Array {
  if (perVertex.length * 3 !== vertices.length) throw new Error(`${perVertex.length} displacements for ${vertices.length / 3} vertices`);
  const normals = new Float32Array(vertices.length);
  vertexNormals(vertices, triangles, normals);
  const out = new Float32Array(vertices.length);
  for (let i = 0; i < vertices.length; i++) out[i] = vertices[i]! + normals[i]! * perVertex[Math.floor(i / 3)]!;
  return out;
}

/** The pack's faces must be the template's (FLAME's), so that vertex i is the same point in both. */
function checkFlameTopology(model: Pick<HeadModel, 'id' | 'vertexCount' | 'triangles'>, template: DecaTemplateUv): void {
  const fail = (why: string): never => {
    throw new Error(`pack "${model.id}" does not have the topology of DECA's head_template.obj (FLAME's): ${why}`);
  };
  const V = template.vertexCount;
  if (model.vertexCount !== V) fail(`it has ${model.vertexCount} vertices, the template ${V}`);
  if (model.triangles.length !== template.triangles.length) fail(`it has ${model.triangles.length / 3} faces, the template ${template.triangles.length / 3}`);
  // A face as a number, rotated so its smallest index comes first (orientation kept): V³ < 2⁵³.
  const key = (a: number, b: number, c: number) => (a < b && a < c ? (a * V + b) * V + c : b < c ? (b * V + c) * V + a : (c * V + a) * V + b);
  const faces = new Set<number>();
  const t = template.triangles;
  for (let i = 0; i < t.length; i += 3) faces.add(key(t[i]!, t[i + 1]!, t[i + 2]!));
  const m = model.triangles;
  for (let i = 0; i < m.length; i += 3) {
    if (!faces.has(key(m[i]!, m[i + 1]!, m[i + 2]!))) fail(`its face ${i / 3} (${m[i]}, ${m[i + 1]}, ${m[i + 2]}) is not one of the template's`);
  }
}
