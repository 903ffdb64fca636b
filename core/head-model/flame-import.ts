import type { ObjMesh } from './obj-parse';
import { validateHeadModel, type HeadModel } from './head-model';
import { readPickle, type NdArray, type PickledObject, type PickleValue } from './pickle-read';

export interface FlameImportOptions {
  /** Shape modes kept (FLAME 2020/2023: 300 identity modes before the expression modes). */
  shapeCount: number;
  /** Expression modes kept (FLAME: 100, after the shape modes). */
  expressionCount: number;
  /** Used for the pack id and name: `generic_model.pkl` → `flame-generic-model`. */
  fileName: string;
}

export const FLAME_IMPORT_DEFAULTS: FlameImportOptions = { shapeCount: 300, expressionCount: 100, fileName: 'flame.pkl' };

/**
 * Imports a FLAME model pickle (`generic_model.pkl`, `flame2023.pkl`, `flame2023_Open.pkl`) without
 * executing it (see {@link readPickle}). Values are copied to float32 (FLAME ships float64);
 * shapedirs (V, 3, 300+100) split into shape and expression bases, posedirs (V, 3, 36) become the
 * pose-corrective basis, the sparse J_regressor becomes COO. Landmarks and masks live in other
 * FLAME files, so the pack has none until those are imported.
 *
 * ```ts
 * const model = importFlamePickle(bytes, { fileName: 'generic_model.pkl' });
 * ```
 */
export function importFlamePickle(bytes: Uint8Array, options: Partial<FlameImportOptions> = {}): HeadModel {
  const o = { ...FLAME_IMPORT_DEFAULTS, ...options };
  const root = readPickle(bytes);
  if (!(root instanceof Map)) throw new Error('Not a FLAME model: the pickle does not hold a dictionary');
  const get = (k: string): NdArray => {
    const v = root.get(k);
    if (v === undefined) throw new Error(`Not a FLAME model: "${k}" is missing`);
    return asArray(v, k);
  };
  const vt = get('v_template');
  const V = vt.shape[0]!;
  if (vt.shape.length !== 2 || vt.shape[1] !== 3) throw new Error(`v_template has shape ${JSON.stringify(vt.shape)}, expected (V, 3)`);
  const f = get('f');
  const sd = get('shapedirs');
  if (sd.shape[0] !== V || sd.shape[1] !== 3) throw new Error(`shapedirs has shape ${JSON.stringify(sd.shape)}, expected (${V}, 3, K)`);
  const K = sd.shape[2]!;
  const nShape = Math.min(o.shapeCount, K);
  const nExpr = Math.max(0, Math.min(o.expressionCount, K - nShape));
  const pd = get('posedirs');
  const W = get('weights');
  const kin = get('kintree_table');
  const J = kin.shape[1]!;
  if (pd.shape[0] !== V || pd.shape[2] !== 9 * (J - 1)) throw new Error(`posedirs has shape ${JSON.stringify(pd.shape)}, expected (${V}, 3, ${9 * (J - 1)})`);
  if (W.shape[0] !== V || W.shape[1] !== J) throw new Error(`weights has shape ${JSON.stringify(W.shape)}, expected (${V}, ${J})`);

  const n = V * 3;
  // (V, 3, K) → component-major [K][V·3].
  const basis = (src: NdArray, from: number, count: number) => {
    const k0 = src.shape[2]!;
    const out = new Float32Array(count * n);
    for (let k = 0; k < count; k++) for (let i = 0; i < n; i++) out[k * n + i] = src.data[i * k0 + from + k]!;
    return out;
  };
  const parents = Int32Array.from({ length: J }, (_, j) => (j === 0 ? -1 : kin.data[j]!));
  const regressor = sparseRegressor(root.get('J_regressor'), J, V);

  const model: HeadModel = {
    id: slug(o.fileName),
    name: `FLAME (${o.fileName})`,
    source: `FLAME model file ${o.fileName} (flame.is.tue.mpg.de)`,
    license: 'FLAME licence (non-commercial research; see flame.is.tue.mpg.de)',
    vertexCount: V,
    template: Float32Array.from(vt.data),
    triangles: Uint32Array.from(f.data),
    uv: null,
    shape: { count: nShape, data: basis(sd, 0, nShape), names: [] },
    expression: { count: nExpr, data: basis(sd, nShape, nExpr), names: [] },
    pose: { count: 9 * (J - 1), data: basis(pd, 0, 9 * (J - 1)), names: [] },
    joints: { names: [], parents, regressor },
    skinWeights: Float32Array.from(W.data),
    landmarks: { faces: new Uint32Array(0), barycentric: new Float32Array(0), dynamicContour: null },
    regions: {},
  };
  model.joints.names = flameJointNames(model);
  validateHeadModel(model);
  return model;
}

/** numpy arrays as they are; chumpy `Ch` through its `x` value. */
function asArray(v: PickleValue, name: string): NdArray {
  if (v && typeof v === 'object' && 'kind' in v) {
    if (v.kind === 'ndarray') return v;
    if (v.kind === 'object' && v.cls.endsWith('chumpy.ch.Ch')) {
      const state = v.state;
      const x = state instanceof Map ? state.get('x') : undefined;
      if (x && typeof x === 'object' && 'kind' in x && x.kind === 'ndarray') return x;
      throw new Error(`"${name}" is a chumpy object without an array value`);
    }
  }
  throw new Error(`"${name}" is not an array`);
}

function sparseRegressor(v: PickleValue | undefined, J: number, V: number): HeadModel['joints']['regressor'] {
  if (v === undefined) throw new Error('Not a FLAME model: "J_regressor" is missing');
  if (v && typeof v === 'object' && 'kind' in v && v.kind === 'ndarray') {
    // dense (some conversions store it so)
    const row: number[] = [], col: number[] = [], value: number[] = [];
    v.data.forEach((w, i) => w !== 0 && (row.push(Math.floor(i / V)), col.push(i % V), value.push(w)));
    return { rows: J, cols: V, row: Uint32Array.from(row), col: Uint32Array.from(col), value: Float32Array.from(value) };
  }
  const obj = v as PickledObject;
  if (!obj || obj.kind !== 'object' || !obj.cls.endsWith('csc_matrix') || !(obj.state instanceof Map)) throw new Error('"J_regressor" is neither an array nor a csc_matrix');
  const s = obj.state;
  const shape = (s.get('_shape') ?? s.get('shape')) as number[] | undefined;
  if (!shape || shape[0] !== J || shape[1] !== V) throw new Error(`J_regressor has shape ${shape ? JSON.stringify(shape) : '(none)'}, expected (${J}, ${V})`);
  const indptr = asArray(s.get('indptr')!, 'J_regressor.indptr').data;
  const indices = asArray(s.get('indices')!, 'J_regressor.indices').data;
  const data = asArray(s.get('data')!, 'J_regressor.data').data;
  // Column pointers must rise from 0 to the number of values, one per column: a damaged file could
  // otherwise send the loop below through billions of entries.
  if (indptr.length !== V + 1 || indices.length !== data.length || indptr[0] !== 0 || indptr[V] !== data.length) {
    throw new Error('J_regressor is a damaged csc_matrix (its column pointers do not match its values)');
  }
  for (let c = 0; c < V; c++) if (!(indptr[c + 1]! >= indptr[c]!)) throw new Error('J_regressor is a damaged csc_matrix (its column pointers go backwards)');
  const row = new Uint32Array(data.length), col = new Uint32Array(data.length);
  for (let c = 0; c < V; c++) for (let p = indptr[c]!; p < indptr[c + 1]!; p++) (row[p] = indices[p]!), (col[p] = c);
  return { rows: J, cols: V, row, col, value: Float32Array.from(data) };
}

/** FLAME's joints: global, neck, jaw and the two eyes, told apart by side (+X is the subject's left). */
function flameJointNames(m: HeadModel): string[] {
  const J = m.joints.parents.length;
  if (J !== 5) return Array.from({ length: J }, (_, j) => (j === 0 ? 'root' : `joint${j}`));
  const x = [0, 0, 0, 0, 0];
  const r = m.joints.regressor;
  for (let i = 0; i < r.value.length; i++) x[r.row[i]!] += r.value[i]! * m.template[r.col[i]! * 3]!;
  return ['root', 'neck', 'jaw', x[3]! >= x[4]! ? 'eye_L' : 'eye_R', x[3]! >= x[4]! ? 'eye_R' : 'eye_L'];
}

function slug(fileName: string): string {
  const base = fileName.replace(/\.pkl$/i, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  const s = base.startsWith('flame') ? base : `flame-${base}`;
  return s.slice(0, 63) || 'flame';
}

/**
 * Adds FLAME's landmark embedding (DECA's `landmark_embedding.npy`, a pickled dict inside a .npy):
 * the 68 `full_lmk_*` landmarks (or the 51 static ones when absent) and the dynamic jaw contour
 * (`dynamic_lmk_*`: 79 yaw bins × 17). Read without executing anything.
 *
 * ```ts
 * applyFlameLandmarkEmbedding(model, readNpy(npyBytes));
 * ```
 */
export function applyFlameLandmarkEmbedding(model: HeadModel, embedding: NdArray): void {
  const dict = embedding.objects?.[0];
  if (!(dict instanceof Map)) throw new Error('Not a FLAME landmark embedding: expected a dictionary inside the .npy');
  const arr = (k: string) => (dict.has(k) ? asArray(dict.get(k)!, k) : null);
  const faces = arr('full_lmk_faces_idx') ?? arr('static_lmk_faces_idx');
  const bary = arr('full_lmk_bary_coords') ?? arr('static_lmk_bary_coords');
  if (!faces || !bary) throw new Error('Landmark embedding has neither full_lmk_* nor static_lmk_* arrays');
  const L = faces.data.length;
  if (bary.data.length !== L * 3) throw new Error(`Landmark embedding: ${L} faces but ${bary.data.length / 3} barycentric triples`);
  const F = model.triangles.length / 3;
  const checkFaces = (d: Float64Array) => d.forEach((f) => {
    if (!(f >= 0 && f < F)) throw new Error(`Landmark embedding refers to triangle ${f} of ${F}: is it for another FLAME version?`);
  });
  checkFaces(faces.data);
  model.landmarks = { faces: Uint32Array.from(faces.data), barycentric: Float32Array.from(bary.data), dynamicContour: null };
  const dynFaces = arr('dynamic_lmk_faces_idx'), dynBary = arr('dynamic_lmk_bary_coords');
  if (dynFaces && dynBary) {
    checkFaces(dynFaces.data);
    model.landmarks.dynamicContour = { faces: Uint32Array.from(dynFaces.data), barycentric: Float32Array.from(dynBary.data), bins: dynFaces.shape[0]! };
  }
  validateHeadModel(model);
}

/**
 * Gives a FLAME model the UV layout of an OBJ with FLAME's topology — DECA's `head_template.obj`,
 * whose UVs DECA's detail maps and textures use — so textures, the detail stage and exports work on
 * the pack. The OBJ's faces must be the model's, in order (that is what makes its UVs FLAME's).
 *
 * ```ts
 * applyFlameUvLayout(model, parseObj(readFileSync('head_template.obj')));
 * ```
 */
export function applyFlameUvLayout(model: HeadModel, obj: Pick<ObjMesh, 'positions' | 'triangles' | 'uvs' | 'uvTriangles'>): void {
  if (obj.positions.length !== model.vertexCount * 3) throw new Error(`The UV template has ${obj.positions.length / 3} vertices; the model has ${model.vertexCount}`);
  if (!obj.uvTriangles || obj.uvs.length === 0) throw new Error('The UV template has no texture coordinates on its faces (f v/vt …)');
  if (obj.triangles.length !== model.triangles.length || obj.triangles.some((v, i) => v !== model.triangles[i])) {
    throw new Error("The UV template's faces are not the model's (it must have FLAME's topology, e.g. DECA's head_template.obj)");
  }
  for (const u of obj.uvs) if (!Number.isFinite(u)) throw new Error('The UV template has a texture coordinate that is not a finite number');
  model.uv = { coords: Float32Array.from(obj.uvs), triangles: Uint32Array.from(obj.uvTriangles) };
  validateHeadModel(model);
}

/**
 * Adds FLAME's vertex masks (`FLAME_masks.pkl`: region name → vertex indices) as regions, keeping
 * FLAME's names and filling the common ones: `face`, `eyes` (both eyeballs), `neck`.
 *
 * ```ts
 * applyFlameMasks(model, readPickle(masksBytes));
 * ```
 */
export function applyFlameMasks(model: HeadModel, masks: PickleValue): void {
  if (!(masks instanceof Map)) throw new Error('Not FLAME masks: expected a dictionary of vertex index arrays');
  const regions: Record<string, Uint32Array> = {};
  for (const [k, v] of masks) {
    if (typeof k !== 'string' || !/^[A-Za-z0-9_]{1,40}$/.test(k)) continue;
    regions[k] = Uint32Array.from(asArray(v, `mask ${k}`).data);
  }
  const union = (...names: string[]) => Uint32Array.from(new Set(names.flatMap((n) => [...(regions[n] ?? [])])));
  if (regions.face) regions.face = regions.face.slice();
  if (regions.left_eyeball || regions.right_eyeball) regions.eyes = union('left_eyeball', 'right_eyeball');
  model.regions = { ...model.regions, ...regions };
  validateHeadModel(model);
}
