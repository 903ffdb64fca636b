import { validateHeadModel, type HeadModel } from './head-model';
import { affineWeights } from './small-linalg';

/** The canonical face mesh of MediaPipe Face Mesh (468 vertices), as stored in its packed assets. */
export interface CanonicalFaceMesh {
  /** V×3 positions in centimetres, +Y up, +Z toward the viewer. */
  positions: Float32Array;
  /** V×2 texture coordinates as stored (v grows downward). */
  uvs: Float32Array;
  triangles: Uint32Array;
}

/** MediaPipe 468 → iBUG 68 (jaw 0–16, brows, nose, eyes, mouth); mirror pairs check out exactly. */
export const MEDIAPIPE_TO_IBUG68: readonly number[] = [
  162, 234, 93, 58, 172, 136, 149, 148, 152, 377, 378, 365, 397, 288, 323, 454, 389, 71, 63, 105, 66, 107, 336, 296, 334, 293, 301, 168, 197,
  5, 4, 75, 97, 2, 326, 305, 33, 160, 158, 133, 153, 144, 362, 385, 387, 263, 373, 380, 61, 39, 37, 0, 267, 269, 291, 405, 314, 17, 84, 181,
  78, 82, 13, 312, 308, 317, 14, 87,
];

const METADATA_FILE = 'geometry_pipeline_metadata_landmarks.binarypb';

/**
 * Finds the canonical face mesh inside `@mediapipe/face_mesh`: the Emscripten loader script lists
 * each packed file's byte range in `face_mesh_solution_packed_assets.data`; the geometry-pipeline
 * metadata there is a protobuf whose field 1 is the mesh (vertex_buffer: x, y, z, u, v floats;
 * index_buffer: triangle indices; packed or not).
 *
 * ```ts
 * const mesh = readCanonicalFaceMesh(loaderJsText, packedAssetBytes);
 * ```
 */
export function readCanonicalFaceMesh(loaderJs: string, packed: Uint8Array): CanonicalFaceMesh {
  const m = new RegExp(`"filename":\\s*"[^"]*${METADATA_FILE.replace(/\./g, '\\.')}",\\s*"start":\\s*(\\d+),\\s*"end":\\s*(\\d+)`).exec(loaderJs);
  if (!m) throw new Error(`The MediaPipe loader script lists no ${METADATA_FILE}`);
  const start = Number(m[1]), end = Number(m[2]);
  if (end > packed.length || start >= end) throw new Error('The MediaPipe packed assets are shorter than the loader says');
  const top = protoFields(packed.subarray(start, end));
  const mesh = top.find((f) => f.field === 1 && f.bytes);
  if (!mesh?.bytes) throw new Error('No canonical mesh in the MediaPipe geometry metadata');
  const floats: number[] = [], indices: number[] = [];
  for (const f of protoFields(mesh.bytes)) {
    if (f.field === 3 && f.float !== undefined) floats.push(f.float);
    else if (f.field === 3 && f.bytes) {
      const dv = new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength);
      for (let i = 0; i + 4 <= f.bytes.length; i += 4) floats.push(dv.getFloat32(i, true));
    } else if (f.field === 4 && f.varint !== undefined) indices.push(f.varint);
    else if (f.field === 4 && f.bytes) for (let i = 0; i < f.bytes.length; ) {
      const [v, next] = varint(f.bytes, i);
      indices.push(v);
      i = next;
    }
  }
  if (floats.length % 5 !== 0 || indices.length % 3 !== 0) throw new Error('Unexpected MediaPipe canonical mesh layout');
  const V = floats.length / 5;
  const positions = new Float32Array(V * 3), uvs = new Float32Array(V * 2);
  for (let v = 0; v < V; v++) {
    positions.set(floats.slice(v * 5, v * 5 + 3), v * 3);
    uvs.set(floats.slice(v * 5 + 3, v * 5 + 5), v * 2);
  }
  const triangles = Uint32Array.from(indices);
  for (const i of triangles) if (i >= V) throw new Error('MediaPipe canonical mesh index out of range');
  return { positions, uvs, triangles };
}

/**
 * The starter head: MediaPipe's canonical face (metres, UV v flipped to point up as in OBJ) with
 * the 68 iBUG landmarks, a rig (root, neck, head, jaw, eye_L, eye_R) placed from its landmarks,
 * and no identity or expression modes. Available offline to every user, before any model pack.
 *
 * ```ts
 * const model = starterHeadModel(readCanonicalFaceMesh(loaderJs, packed));
 * ```
 */
export function starterHeadModel(mesh: CanonicalFaceMesh): HeadModel {
  const V = mesh.positions.length / 3;
  if (V !== 468) throw new Error(`MediaPipe canonical mesh has ${V} vertices, expected 468`);
  const template = Float32Array.from(mesh.positions, (x) => x * 0.01);
  const at = (v: number) => [template[v * 3]!, template[v * 3 + 1]!, template[v * 3 + 2]!];
  const lm = (i: number) => at(MEDIAPIPE_TO_IBUG68[i]!);
  const mean = (ids: number[]) => [0, 1, 2].map((d) => ids.reduce((s, i) => s + lm(i)[d]!, 0) / ids.length);
  let zBack = Infinity;
  for (let v = 0; v < V; v++) zBack = Math.min(zBack, template[v * 3 + 2]!);
  // Eyes: 1.2 cm (an eyeball radius) behind the middle of each eye's six contour landmarks.
  const eyeR = mean([36, 37, 38, 39, 40, 41]), eyeL = mean([42, 43, 44, 45, 46, 47]);
  eyeR[2] -= 0.012;
  eyeL[2] -= 0.012;
  const chin = lm(8);
  const jaw = [0, (lm(0)[1]! + lm(16)[1]!) / 2 - 0.01, zBack];
  const head = [0, jaw[1]! - 0.01, zBack - 0.01];
  const neck = [0, chin[1]! - 0.02, zBack - 0.01];
  const root = [0, chin[1]! - 0.05, zBack - 0.01];
  const rest = [root, neck, head, jaw, eyeL, eyeR];
  const names = ['root', 'neck', 'head', 'jaw', 'eye_L', 'eye_R'];
  const row: number[] = [], col: number[] = [], value: number[] = [];
  rest.forEach((p, j) => {
    const { vertices, weights } = affineWeights(template, p, 64);
    vertices.forEach((v, i) => (row.push(j), col.push(v), value.push(weights[i]!)));
  });
  // Jaw: none above the gap between the inner lips, full 5 mm below it (lower lip, chin); the
  // rest follows the head.
  const lipGapY = mean([62, 66])[1]!;
  const W = new Float32Array(V * 6);
  for (let v = 0; v < V; v++) {
    const t = Math.min(1, Math.max(0, (lipGapY - template[v * 3 + 1]!) / 0.005));
    const jawW = t * t * (3 - 2 * t);
    W[v * 6 + 2] = 1 - jawW;
    W[v * 6 + 3] = jawW;
  }
  const F = mesh.triangles.length / 3;
  const faces = new Uint32Array(68), barycentric = new Float32Array(68 * 3);
  MEDIAPIPE_TO_IBUG68.forEach((v, l) => {
    for (let f = 0; f < F; f++) {
      const c = [0, 1, 2].findIndex((k) => mesh.triangles[f * 3 + k] === v);
      if (c >= 0) {
        faces[l] = f;
        barycentric[l * 3 + c] = 1;
        return;
      }
    }
    throw new Error(`landmark vertex ${v} is on no triangle`);
  });
  const model: HeadModel = {
    id: 'starter-head',
    name: 'Starter head (MediaPipe canonical face)',
    source: 'MediaPipe Face Mesh canonical face model (@mediapipe/face_mesh)',
    license: 'Apache-2.0',
    vertexCount: V,
    template,
    triangles: Uint32Array.from(mesh.triangles),
    uv: { coords: Float32Array.from(mesh.uvs, (x, i) => (i % 2 ? 1 - x : x)), triangles: Uint32Array.from(mesh.triangles) },
    shape: { count: 0, data: new Float32Array(0), names: [] },
    expression: { count: 0, data: new Float32Array(0), names: [] },
    pose: null,
    joints: { names, parents: Int32Array.from([-1, 0, 1, 2, 2, 2]), regressor: { rows: 6, cols: V, row: Uint32Array.from(row), col: Uint32Array.from(col), value: Float32Array.from(value) } },
    skinWeights: W,
    landmarks: { faces, barycentric, dynamicContour: null },
    regions: { face: Uint32Array.from({ length: V }, (_, i) => i) },
  };
  validateHeadModel(model);
  return model;
}

interface ProtoField {
  field: number;
  varint?: number;
  float?: number;
  bytes?: Uint8Array;
}

function varint(b: Uint8Array, i: number): [number, number] {
  let v = 0, mul = 1;
  for (;;) {
    if (i >= b.length) throw new Error('Truncated protobuf');
    const c = b[i++]!;
    v += (c & 0x7f) * mul;
    mul *= 128;
    if (c < 0x80) return [v, i];
  }
}

function protoFields(b: Uint8Array): ProtoField[] {
  const out: ProtoField[] = [];
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < b.length; ) {
    const [key, next] = varint(b, i);
    i = next;
    const field = Math.floor(key / 8), type = key & 7;
    if (type === 0) {
      const [v, n] = varint(b, i);
      out.push({ field, varint: v });
      i = n;
    } else if (type === 2) {
      const [len, n] = varint(b, i);
      out.push({ field, bytes: b.subarray(n, n + len) });
      i = n + len;
    } else if (type === 5) {
      out.push({ field, float: dv.getFloat32(i, true) });
      i += 4;
    } else if (type === 1) i += 8;
    else throw new Error(`Unsupported protobuf wire type ${type}`);
  }
  return out;
}
