import { upgradeIctPack } from './ict-facekit-import';
import { decodeFloat16, encodeFloat16 } from './float16';
import { validateHeadModel, type HeadModel } from './head-model';

export const HEAD_PACK_FORMAT = 'deca-head-pack';
export const HEAD_PACK_VERSION = 1;

export type PackDtype = 'float32' | 'float16' | 'uint32' | 'int32';

export interface PackArray {
  file: string;
  dtype: PackDtype;
  /** Element count. */
  length: number;
  /** Hex SHA-256 of the file, filled in by whoever writes the files. */
  sha256: string;
  /** For float16 arrays: largest absolute rounding error against the float32 source. */
  maxAbsError?: number;
}

/** `manifest.json` of a pack folder: everything but the arrays, which are little-endian `.bin` files. */
export interface HeadPackManifest {
  format: typeof HEAD_PACK_FORMAT;
  formatVersion: number;
  id: string;
  name: string;
  source: string;
  license: string;
  vertexCount: number;
  triangleCount: number;
  shapeNames: string[];
  shapeCount: number;
  expressionNames: string[];
  expressionCount: number;
  poseCount: number;
  jointNames: string[];
  jointParents: number[];
  landmarkCount: number;
  contourBins: number;
  regions: string[];
  arrays: Record<string, PackArray>;
}

export interface HeadPackEncodeOptions {
  /** Bases are stored as float16 when no value moves by more than this (metres): 0.05 mm is far below a pixel. */
  float16Tolerance: number;
}

export const HEAD_PACK_ENCODE_DEFAULTS: HeadPackEncodeOptions = { float16Tolerance: 5e-5 };

type Typed = Float32Array | Uint32Array | Int32Array;

/**
 * Splits a head model into a manifest and little-endian binary files (`sha256` left empty for the
 * writer to fill). Bases go to float16 only where that stays within `float16Tolerance`.
 *
 * ```ts
 * const { manifest, files } = encodeHeadPack(model);
 * for (const [name, bytes] of files) write(name, bytes);
 * ```
 */
export function encodeHeadPack(model: HeadModel, options: Partial<HeadPackEncodeOptions> = {}): { manifest: HeadPackManifest; files: Map<string, Uint8Array> } {
  assertLittleEndian();
  validateHeadModel(model);
  const o = { ...HEAD_PACK_ENCODE_DEFAULTS, ...options };
  const files = new Map<string, Uint8Array>();
  const arrays: Record<string, PackArray> = {};
  const put = (key: string, data: Typed, allowHalf = false) => {
    const file = `${key}.bin`;
    if (allowHalf && data instanceof Float32Array) {
      const { bits, maxError } = encodeFloat16(data);
      if (maxError <= o.float16Tolerance) {
        files.set(file, new Uint8Array(bits.buffer, bits.byteOffset, bits.byteLength));
        arrays[key] = { file, dtype: 'float16', length: data.length, sha256: '', maxAbsError: maxError };
        return;
      }
    }
    const dtype: PackDtype = data instanceof Float32Array ? 'float32' : data instanceof Uint32Array ? 'uint32' : 'int32';
    files.set(file, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    arrays[key] = { file, dtype, length: data.length, sha256: '' };
  };
  put('template', model.template);
  put('triangles', model.triangles);
  if (model.uv) {
    put('uvCoords', model.uv.coords);
    put('uvTriangles', model.uv.triangles);
  }
  put('shape', model.shape.data, true);
  put('expression', model.expression.data, true);
  if (model.pose) put('pose', model.pose.data, true);
  put('regressorRow', model.joints.regressor.row);
  put('regressorCol', model.joints.regressor.col);
  put('regressorValue', model.joints.regressor.value);
  put('skinWeights', model.skinWeights);
  put('landmarkFaces', model.landmarks.faces);
  put('landmarkBarycentric', model.landmarks.barycentric);
  const contour = model.landmarks.dynamicContour;
  if (contour) {
    put('contourFaces', contour.faces);
    put('contourBarycentric', contour.barycentric);
  }
  const candidates = model.landmarks.contourCandidates;
  if (candidates) {
    put('contourCandidateFaces', candidates.faces);
    put('contourCandidateBarycentric', candidates.barycentric);
    put('contourCandidateLandmark', candidates.landmark);
  }
  const regions = Object.keys(model.regions).sort();
  for (const r of regions) put(`region-${r}`, model.regions[r]!);
  const manifest: HeadPackManifest = {
    format: HEAD_PACK_FORMAT,
    formatVersion: HEAD_PACK_VERSION,
    id: model.id,
    name: model.name,
    source: model.source,
    license: model.license,
    vertexCount: model.vertexCount,
    triangleCount: model.triangles.length / 3,
    shapeNames: model.shape.names,
    shapeCount: model.shape.count,
    expressionNames: model.expression.names,
    expressionCount: model.expression.count,
    poseCount: model.pose?.count ?? 0,
    jointNames: model.joints.names,
    jointParents: [...model.joints.parents],
    landmarkCount: model.landmarks.faces.length,
    contourBins: contour?.bins ?? 0,
    regions,
    arrays,
  };
  return { manifest, files };
}

/**
 * Rebuilds a head model from a manifest and its files (already hash-checked by the caller).
 * Throws a clear error for another format, a newer version, or a file of the wrong size.
 *
 * ```ts
 * const model = decodeHeadPack(manifest, (file) => verifiedBytes.get(file)!);
 * ```
 */
export function decodeHeadPack(manifestValue: unknown, read: (file: string) => Uint8Array): HeadModel {
  assertLittleEndian();
  const m = manifestValue as HeadPackManifest;
  if (!m || typeof m !== 'object' || m.format !== HEAD_PACK_FORMAT) throw new Error('Not a DECA Studio head pack (manifest format field)');
  if (m.formatVersion > HEAD_PACK_VERSION) throw new Error(`Head pack format ${m.formatVersion} is newer than this app understands (${HEAD_PACK_VERSION}); update DECA Studio`);
  const get = <T extends Typed>(key: string, want: 'float' | 'uint32' | 'int32'): T => {
    const a = m.arrays[key];
    if (!a) throw new Error(`Head pack ${m.id}: array "${key}" is missing`);
    const size = a.dtype === 'float16' ? 2 : 4;
    const raw = read(a.file);
    if (raw.byteLength !== a.length * size) throw new Error(`Head pack ${m.id}: ${a.file} has ${raw.byteLength} bytes, expected ${a.length * size}`);
    // Typed views need aligned offsets; copy only when the bytes are not aligned.
    const aligned = raw.byteOffset % size === 0 ? raw : raw.slice();
    if (a.dtype === 'float16') {
      if (want !== 'float') throw new Error(`Head pack ${m.id}: ${key} cannot be float16`);
      return decodeFloat16(new Uint16Array(aligned.buffer, aligned.byteOffset, a.length)) as T;
    }
    const expected = want === 'float' ? 'float32' : want;
    if (a.dtype !== expected) throw new Error(`Head pack ${m.id}: ${key} is ${a.dtype}, expected ${expected}`);
    const Ctor = a.dtype === 'float32' ? Float32Array : a.dtype === 'uint32' ? Uint32Array : Int32Array;
    return new Ctor(aligned.buffer as ArrayBuffer, aligned.byteOffset, a.length) as T;
  };
  const has = (key: string) => key in m.arrays;
  const J = m.jointNames.length;
  const model: HeadModel = {
    id: m.id,
    name: m.name,
    source: m.source,
    license: m.license,
    vertexCount: m.vertexCount,
    template: get('template', 'float'),
    triangles: get('triangles', 'uint32'),
    uv: has('uvCoords') ? { coords: get('uvCoords', 'float'), triangles: get('uvTriangles', 'uint32') } : null,
    shape: { count: m.shapeCount, data: get('shape', 'float'), names: m.shapeNames },
    expression: { count: m.expressionCount, data: get('expression', 'float'), names: m.expressionNames },
    pose: m.poseCount ? { count: m.poseCount, data: get('pose', 'float'), names: [] } : null,
    joints: {
      names: m.jointNames,
      parents: Int32Array.from(m.jointParents),
      regressor: { rows: J, cols: m.vertexCount, row: get('regressorRow', 'uint32'), col: get('regressorCol', 'uint32'), value: get('regressorValue', 'float') },
    },
    skinWeights: get('skinWeights', 'float'),
    landmarks: {
      faces: get('landmarkFaces', 'uint32'),
      barycentric: get('landmarkBarycentric', 'float'),
      dynamicContour: m.contourBins ? { faces: get('contourFaces', 'uint32'), barycentric: get('contourBarycentric', 'float'), bins: m.contourBins } : null,
      contourCandidates: has('contourCandidateFaces')
        ? { faces: get('contourCandidateFaces', 'uint32'), barycentric: get('contourCandidateBarycentric', 'float'), landmark: get('contourCandidateLandmark', 'uint32') }
        : null,
    },
    regions: Object.fromEntries(m.regions.map((r) => [r, get<Uint32Array>(`region-${r}`, 'uint32')])),
  };
  validateHeadModel(model);
  // ICT-FaceKit packs installed before the skin atlas: their skin UVs wrap (the skull showed the face).
  return upgradeIctPack(model);
}

function assertLittleEndian(): void {
  if (new Uint8Array(Uint16Array.of(1).buffer)[0] !== 1) throw new Error('Head packs need a little-endian machine');
}
