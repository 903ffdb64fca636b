import type { HeadModel } from './head-model';
import { validateHeadModel } from './head-model';
import { ICT_MEDIAPIPE_468 } from './ict-mediapipe468';
import { skinUvAtlas, skinUvNeedsAtlas } from './skin-uv-atlas';
import { buildIctRig, ICT_FIT_LIP_LANDMARKS, ICT_LANDMARKS_68, ICT_RANGES, type IctRig } from './ict-skeleton';
import { parseObj } from './obj-parse';
import { decodeUtf8 } from './text-bytes';
import type { ZipArchive } from './zip-read';

/** Files of a model source, by `/`-separated relative name: a ZIP archive or a folder (injected I/O). */
export interface SourceFiles {
  names: readonly string[];
  read(name: string): Uint8Array;
}

export interface IctImportOptions {
  /** Metres per OBJ unit (ICT-FaceKit is modelled in centimetres). */
  unitScale: number;
  /** Called with a 0…1 fraction while the 154 OBJ files are read. */
  onProgress?: (fraction: number) => void;
}

export const ICT_IMPORT_DEFAULTS: IctImportOptions = { unitScale: 0.01 };

const ICT_VERTEX_COUNT = 26719;

/**
 * Wraps a listed ZIP archive as {@link SourceFiles}.
 *
 * ```ts
 * const model = importIctFaceKit(zipSourceFiles(readZip(bytes)));
 * ```
 */
export function zipSourceFiles(zip: ZipArchive): SourceFiles {
  const byName = new Map(zip.entries.map((e) => [e.name, e]));
  return {
    names: [...byName.keys()],
    read(name) {
      const e = byName.get(name);
      if (!e) throw new Error(`No "${name}" in the archive`);
      return zip.read(e);
    },
  };
}

/**
 * True when the files look like ICT-FaceKit (a `generic_neutral_mesh.obj` somewhere).
 *
 * ```ts
 * if (isIctFaceKit(files)) model = importIctFaceKit(files).model;
 * ```
 */
export function isIctFaceKit(files: SourceFiles): boolean {
  return files.names.some((n) => n === 'generic_neutral_mesh.obj' || n.endsWith('/generic_neutral_mesh.obj'));
}

/**
 * Builds the `ict-facekit` head model from ICT-FaceKit as downloaded (zip or unpacked folder):
 * neutral mesh (quads split, UV seams kept per corner), 100 identity modes, 53 expressions in the
 * order of `vertex_indices.json`, the 68 Multi-PIE landmarks and part ranges from the README, and a
 * skeleton fitted to the geometry (see {@link buildIctRig}). Offsets are target − neutral, in metres.
 *
 * ```ts
 * const { model, rig } = importIctFaceKit(zipSourceFiles(readZip(bytes)));
 * ```
 */
export function importIctFaceKit(files: SourceFiles, options: Partial<IctImportOptions> = {}): { model: HeadModel; rig: IctRig } {
  const o = { ...ICT_IMPORT_DEFAULTS, ...options };
  const neutralName = files.names.find((n) => n === 'generic_neutral_mesh.obj' || n.endsWith('/generic_neutral_mesh.obj'));
  if (!neutralName) throw new Error('Not ICT-FaceKit: no generic_neutral_mesh.obj found');
  const dir = neutralName.slice(0, neutralName.length - 'generic_neutral_mesh.obj'.length);
  const at = (file: string) => `${dir}${file}`;
  const has = new Set(files.names);

  const neutral = parseObj(files.read(neutralName));
  const V = neutral.positions.length / 3;
  if (V !== ICT_VERTEX_COUNT) throw new Error(`ICT-FaceKit neutral has ${V} vertices, expected ${ICT_VERTEX_COUNT}`);
  const template = Float32Array.from(neutral.positions, (x) => x * o.unitScale);

  let expressionNames: string[];
  if (has.has(at('vertex_indices.json'))) {
    const meta = JSON.parse(decodeUtf8(files.read(at('vertex_indices.json')))) as { expressions?: unknown; idx_to_landmark_verts?: unknown };
    if (!Array.isArray(meta.expressions) || !meta.expressions.every((e) => typeof e === 'string')) throw new Error('vertex_indices.json has no expression list');
    expressionNames = meta.expressions as string[];
    const lm = meta.idx_to_landmark_verts;
    if (Array.isArray(lm) && lm.some((v, i) => v !== ICT_LANDMARKS_68[i])) throw new Error('vertex_indices.json landmarks differ from the README ones: unknown ICT-FaceKit version');
  } else {
    const known = new Set(['generic_neutral_mesh.obj']);
    expressionNames = files.names
      .filter((n) => n.startsWith(dir) && n.endsWith('.obj') && !known.has(n.slice(dir.length)) && !/^identity\d+\.obj$/.test(n.slice(dir.length)))
      .map((n) => n.slice(dir.length, -4))
      .sort();
  }
  const identityFiles = files.names.filter((n) => n.startsWith(dir) && /^identity\d{3}\.obj$/.test(n.slice(dir.length))).sort();
  if (identityFiles.length === 0) throw new Error('ICT-FaceKit: no identityNNN.obj files');
  for (const e of expressionNames) if (!has.has(at(`${e}.obj`))) throw new Error(`ICT-FaceKit: expression ${e}.obj is missing`);

  const n = V * 3;
  const total = identityFiles.length + expressionNames.length;
  let done = 0;
  const readDeltas = (names: string[]) => {
    const data = new Float32Array(names.length * n);
    names.forEach((name, k) => {
      const p = parseObj(files.read(name), { positionsOnly: true }).positions;
      if (p.length !== n) throw new Error(`${name} has ${p.length / 3} vertices, expected ${V}`);
      const off = k * n;
      // Differences in OBJ units first (exact where the target equals the neutral), then scaled.
      for (let i = 0; i < n; i++) data[off + i] = (p[i]! - neutral.positions[i]!) * o.unitScale;
      o.onProgress?.(++done / total);
    });
    return data;
  };
  const shape = readDeltas(identityFiles);
  const expression = readDeltas(expressionNames.map((e) => at(`${e}.obj`)));

  const jawIdx = expressionNames.indexOf('jawOpen');
  if (jawIdx < 0) throw new Error('ICT-FaceKit: jawOpen expression is needed to rig the jaw');
  const rig = buildIctRig(template, expression.subarray(jawIdx * n, (jawIdx + 1) * n));

  // Landmarks as (triangle, barycentric) on a triangle that has the landmark vertex as a corner;
  // the lips where a detector marks them (ICT_FIT_LIP_LANDMARKS).
  const F = neutral.triangles.length / 3;
  const faces = new Uint32Array(68), barycentric = new Float32Array(68 * 3);
  ICT_LANDMARKS_68.map((v, l) => ICT_FIT_LIP_LANDMARKS[l] ?? v).forEach((v, l) => {
    for (let f = 0; f < F; f++) {
      const c = [0, 1, 2].findIndex((k) => neutral.triangles[f * 3 + k] === v);
      if (c >= 0) {
        faces[l] = f;
        barycentric[l * 3 + c] = 1;
        return;
      }
    }
    throw new Error(`landmark vertex ${v} is on no triangle`);
  });
  const span = ([a, b]: readonly [number, number]) => Uint32Array.from({ length: b - a + 1 }, (_, i) => a + i);
  const concat = (...parts: Uint32Array[]) => Uint32Array.from(parts.flatMap((p) => [...p]));

  const model: HeadModel = {
    id: 'ict-facekit',
    name: 'ICT-FaceKit (Light)',
    source: 'ICT-FaceKit, USC Institute for Creative Technologies (github.com/ICT-VGL/ICT-FaceKit)',
    license: 'MIT',
    vertexCount: V,
    template,
    triangles: neutral.triangles,
    uv: neutral.uvTriangles ? { coords: neutral.uvs, triangles: neutral.uvTriangles } : null,
    shape: { count: identityFiles.length, data: shape, names: identityFiles.map((f) => f.slice(dir.length, -4)) },
    expression: { count: expressionNames.length, data: expression, names: expressionNames },
    pose: null,
    joints: rig.joints,
    skinWeights: rig.skinWeights,
    landmarks: { faces, barycentric, dynamicContour: null },
    regions: {
      face: span(ICT_RANGES.face),
      neck: Uint32Array.from({ length: V }, (_, v) => v).filter((v) => rig.skinWeights[v * 6]! + rig.skinWeights[v * 6 + 1]! > 0.5),
      mouthInterior: concat(span(ICT_RANGES.mouthSocket), span(ICT_RANGES.gumsAndTongue), span(ICT_RANGES.teeth)),
      eyes: concat(span(ICT_RANGES.eyeballLeft), span(ICT_RANGES.eyeballRight)),
      overlays: span(ICT_RANGES.eyeOverlays),
      teeth: span(ICT_RANGES.teeth),
      lashes: span(ICT_RANGES.eyelashes),
      eyeSockets: span(ICT_RANGES.eyeSockets),
      // FaceMesh's 468 points on ICT (derived from photos), for the fitter's dense term.
      mediapipe468: Uint32Array.from(ICT_MEDIAPIPE_468),
    },
  };
  model.uv = model.uv && skinUvNeedsAtlas(model) ? skinUvAtlas(model) : model.uv;
  validateHeadModel(model);
  return { model, rig };
}

/**
 * An ICT-FaceKit pack installed before the parts and the skin atlas existed, brought up to date when
 * it is loaded: the `teeth`, `lashes` and `eyeSockets` regions (materials of their own) and the skin's
 * two UDIM tiles packed into one square (see `skinUvAtlas`). Other models are returned as they are.
 *
 * ```ts
 * const model = upgradeIctPack(decodeHeadPack(manifest, read));
 * ```
 */
export function upgradeIctPack(model: HeadModel): HeadModel {
  if (model.id !== 'ict-facekit' || model.vertexCount !== ICT_VERTEX_COUNT) return model;
  const span = ([a, b]: readonly [number, number]) => Uint32Array.from({ length: b - a + 1 }, (_, i) => a + i);
  const regions = { ...model.regions };
  regions.teeth ??= span(ICT_RANGES.teeth);
  regions.lashes ??= span(ICT_RANGES.eyelashes);
  regions.eyeSockets ??= span(ICT_RANGES.eyeSockets);
  const withParts: HeadModel = { ...model, regions };
  return withParts.uv && skinUvNeedsAtlas(withParts) ? { ...withParts, uv: skinUvAtlas(withParts) } : withParts;
}
