import { ApiError } from '../api/api-error';

/**
 * The one table of limits on untrusted input: archives, meshes, user-supplied ONNX models, browser-mode
 * requests and uploads. Every check that refuses input throws a {@link LimitError} naming the row it
 * broke, so a message can always be traced to this table (and to the README's "Limits" section, which
 * a test keeps in step with it).
 */
export interface InputLimits {
  /** Bytes one archive entry may inflate to. */
  zipEntryBytes: number;
  /** Bytes all the entries of one archive may inflate to together. */
  zipTotalBytes: number;
  /** Largest inflated ÷ compressed ratio of an entry (checked for entries over `zipRatioFloorBytes`). */
  zipRatio: number;
  /** Entries smaller than this are not held to `zipRatio` (a tiny file of zeros compresses very well). */
  zipRatioFloorBytes: number;
  /** Entries one archive may list. */
  zipEntries: number;
  /** Bytes of a model file read into memory (zip, FLAME pickle, .npy). */
  modelFileBytes: number;
  /** Vertices of an imported mesh. */
  meshVertices: number;
  /** Triangles of an imported mesh (after quads are split). */
  meshTriangles: number;
  /** Shape + expression modes of an imported head model. */
  meshModes: number;
  /** Largest |value| of a coordinate or offset, in metres (must also be finite). */
  meshCoordinate: number;
  /** Bytes of a user-supplied ONNX model. */
  onnxModelBytes: number;
  /** Values one user-supplied model may output per image. */
  onnxOutputValues: number;
  /** Largest |value| a user-supplied model may output on the probe input (must also be finite). */
  onnxOutputMagnitude: number;
  /** Bytes of one WebSocket frame (message) sent to browser mode. */
  webSocketFrameBytes: number;
  /** Bytes of one API request body (JSON). */
  requestBytes: number;
  /** Bytes of one upload. */
  uploadBytes: number;
  /** Leading bytes of an upload sniffed for its type before the rest is accepted. */
  uploadSniffBytes: number;
  /** Pins (landmark overrides and surface points) of one photo. */
  pinsPerPhoto: number;
  /** Bytes of a pins.json file. */
  pinsFileBytes: number;
  /** Keys of one animation clip (an expression each; 20 minutes at 30 frames per second). */
  clipKeys: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/**
 * The limits in force. ICT-FaceKit (the largest model we import) is a 115 MiB zip of 164 entries, the
 * largest 2.6 MB, 405 MB in all, at ratios under 5:1; a FLAME pickle is under 200 MB; DECA's coarse
 * encoder is about 90 MB and outputs 236 values of magnitude below 100. Each limit leaves ample room.
 *
 * ```ts
 * if (entry.size > INPUT_LIMITS.zipEntryBytes) throw new LimitError('zipEntryBytes', `…`);
 * ```
 */
export const INPUT_LIMITS: Readonly<InputLimits> = Object.freeze({
  zipEntryBytes: 256 * MiB,
  zipTotalBytes: 2 * GiB,
  zipRatio: 100,
  zipRatioFloorBytes: 1 * MiB,
  zipEntries: 10_000,
  modelFileBytes: 1 * GiB,
  meshVertices: 1_000_000,
  meshTriangles: 2_000_000,
  meshModes: 1_000,
  meshCoordinate: 1_000,
  onnxModelBytes: 1 * GiB,
  onnxOutputValues: 4_096,
  onnxOutputMagnitude: 10_000,
  webSocketFrameBytes: 64 * KiB,
  requestBytes: 1 * MiB,
  uploadBytes: 1 * GiB,
  uploadSniffBytes: 16,
  pinsPerPhoto: 256,
  pinsFileBytes: 1 * MiB,
  clipKeys: 36_000,
});

export type LimitName = keyof InputLimits;

/**
 * Input refused because it broke one of the {@link INPUT_LIMITS}; `limit` names the row, and the
 * message says what was found, the limit, and ends with `[limit <name>]`. It is a `bad-request`
 * {@link ApiError}, so it crosses the API to the UI as it is.
 *
 * ```ts
 * throw new LimitError('meshVertices', `The mesh has ${n} vertices`); // "… over the limit of 1,000,000 [limit meshVertices]"
 * ```
 */
export class LimitError extends ApiError {
  constructor(
    readonly limit: LimitName,
    what: string,
    limits: Readonly<InputLimits> = INPUT_LIMITS,
  ) {
    super('bad-request', `${what}, over the limit of ${formatLimit(limit, limits[limit])} [limit ${limit}]`);
    this.name = 'LimitError';
  }
}

const BYTE_LIMITS = new Set<LimitName>([
  'zipEntryBytes',
  'zipTotalBytes',
  'zipRatioFloorBytes',
  'modelFileBytes',
  'onnxModelBytes',
  'webSocketFrameBytes',
  'requestBytes',
  'uploadBytes',
  'pinsFileBytes',
]);

/**
 * A limit's value as people read it: bytes in KiB/MiB/GiB, ratios as `100:1`, counts with separators.
 *
 * ```ts
 * formatLimit('zipEntryBytes', 256 * 1024 * 1024); // '256 MiB'
 * ```
 */
export function formatLimit(name: LimitName, value: number): string {
  if (BYTE_LIMITS.has(name)) return formatBytes(value);
  if (name === 'zipRatio') return `${value}:1`;
  if (name === 'meshCoordinate') return `${value} m`;
  if (name === 'uploadSniffBytes') return `${value} bytes`;
  return value.toLocaleString('en-US');
}

/**
 * Bytes as people read them, in the largest binary unit that gives a whole or one-decimal number.
 *
 * ```ts
 * formatBytes(2.5 * 1024 ** 3); // '2.5 GiB'
 * ```
 */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) (v /= 1024), u++;
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[u]}`;
}
