import { ApiError } from './api-error';
import type { ApiMethod, ApiMethods, ApiRequest, ClipEditRequest } from './contract';

/** A check turns an unknown value into a typed one, or throws a `bad-request` ApiError. */
type Check<T> = (value: unknown, where: string) => T;

function fail(where: string, what: string): never {
  throw new ApiError('bad-request', `${where}: ${what}`);
}

// Control characters have no place in names or paths and would hide text in logs and UI.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

const text =
  (min: number, max: number, opts: { allowNewlines?: boolean } = {}): Check<string> =>
  (value, where) => {
    if (typeof value !== 'string') fail(where, 'must be a string');
    const trimmed = value.trim();
    if (trimmed.length < min) fail(where, min === 1 ? 'must not be empty' : `must have at least ${min} characters`);
    if (value.length > max) fail(where, `must have at most ${max} characters`);
    const probe = opts.allowNewlines ? value.replace(/[\r\n\t]/g, '') : value;
    if (CONTROL_CHARS.test(probe)) fail(where, 'must not contain control characters');
    return trimmed;
  };

const path: Check<string> = (value, where) => {
  if (typeof value !== 'string' || value.length === 0) fail(where, 'must be a non-empty path');
  if (value.length > 4096) fail(where, 'is longer than 4096 characters');
  if (value.includes('\u0000')) fail(where, 'must not contain NUL');
  return value;
};

const id: Check<number> = (value, where) => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) fail(where, 'must be a positive integer id');
  return value;
};

const stagedId: Check<string> = (value, where) => {
  if (typeof value !== 'string' || !/^[0-9a-f]{32}$/.test(value)) fail(where, 'must be a staged upload id');
  return value;
};

const list =
  <T>(item: Check<T>, max: number): Check<T[]> =>
  (value, where) => {
    if (!Array.isArray(value)) fail(where, 'must be an array');
    if (value.length > max) fail(where, `must have at most ${max} items`);
    return value.map((v, i) => item(v, `${where}[${i}]`));
  };

type Shape = Record<string, { check: Check<unknown>; optional?: boolean }>;

function object<T>(shape: Shape): Check<T> {
  return (value, where) => {
    if (value === undefined || value === null) value = {};
    if (typeof value !== 'object' || Array.isArray(value)) fail(where, 'must be an object');
    const input = value as Record<string, unknown>;
    // Own keys only: `in` would let `constructor`, `toString` or `__proto__` through from the prototype.
    for (const key of Object.keys(input)) {
      if (!Object.prototype.hasOwnProperty.call(shape, key)) fail(where, `unknown field "${key.slice(0, 100)}"`);
    }
    const out: Record<string, unknown> = {};
    for (const [key, { check, optional }] of Object.entries(shape)) {
      if (input[key] === undefined) {
        if (!optional) fail(`${where}.${key}`, 'is required');
        continue;
      }
      out[key] = check(input[key], `${where}.${key}`);
    }
    return out as T;
  };
}

const empty = object<Record<string, never>>({});

const oneOf =
  <T extends string>(...allowed: T[]): Check<T> =>
  (value, where) => {
    if (typeof value !== 'string' || !(allowed as string[]).includes(value)) fail(where, `must be one of ${allowed.join(', ')}`);
    return value as T;
  };

const coefficients: Check<number[]> = (value, where) =>
  list((v, w) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) > 100) fail(w, 'must be a finite number within ±100');
    return v;
  }, 1000)(value, where);

const bool: Check<boolean> = (value, where) => {
  if (typeof value !== 'boolean') fail(where, 'must be true or false');
  return value;
};

const textureSize: Check<number> = (value, where) => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 16 || value > 8192) fail(where, 'must be an integer from 16 to 8192');
  return value;
};

const packId: Check<string> = (value, where) => {
  if (typeof value !== 'string' || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(value)) fail(where, 'must be a pack id (lowercase slug)');
  return value;
};
const subjectName = text(1, 200);

const pixel: Check<number> = (value, where) => {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1_000_000) fail(where, 'must be a pixel coordinate (a finite number ≥ 0)');
  return value;
};

const plainObject: Check<never> = (value, where) => {
  if (!value || typeof value !== 'object' || Array.isArray(value)) fail(where, 'must be an object');
  return value as never;
};
const numbers =
  (count: number, min: number, max: number, what: string): Check<number[]> =>
  (value, where) => {
    if (!Array.isArray(value) || value.length !== count) fail(where, `must be an array of ${count} numbers`);
    return value.map((v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) fail(`${where}[${i}]`, `must be ${what}`);
      return v;
    });
  };
/** ARKit's 52 blendshape weights, each 0…1. */
const arkitWeights = numbers(52, 0, 1, 'a weight from 0 to 1');
/** A joint's axis-angle: three finite numbers of at most π radians each. */
const axisAngle = numbers(3, -Math.PI, Math.PI, 'a finite angle within ±π radians') as Check<[number, number, number]>;
const fps: Check<number> = (value, where) => {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 240) fail(where, 'must be a frame rate above 0 and at most 240');
  return value;
};

const smoothRadius: Check<number> = (value, where) => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 30) fail(where, 'must be an integer from 0 to 30');
  return value;
};

const keyIndex: Check<number> = (value, where) => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 36_000) fail(where, 'must be a key index');
  return value;
};

const seconds: Check<number> = (value, where) => {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 86_400) fail(where, 'must be seconds from 0 to 86400');
  return value;
};

const clipEdit: Check<ClipEditRequest> = (value, where) => {
  const op = (value as { op?: unknown } | null)?.op;
  if (op === 'drop') return object<ClipEditRequest>({ op: { check: oneOf('drop') }, index: { check: keyIndex } })(value, where);
  if (op === 'retime') return object<ClipEditRequest>({ op: { check: oneOf('retime') }, index: { check: keyIndex }, time: { check: seconds } })(value, where);
  if (op === 'respace') return object<ClipEditRequest>({ op: { check: oneOf('respace') }, fps: { check: fps } })(value, where);
  if (op === 'smooth') return object<ClipEditRequest>({ op: { check: oneOf('smooth') }, radius: { check: smoothRadius } })(value, where);
  return fail(`${where}.op`, 'must be one of drop, retime, respace, smooth');
};

const exportShape = object<ApiRequest<'export.start'>>({
  packId: { check: packId },
  subjectId: { check: id, optional: true },
  format: { check: oneOf('glb', 'fbx', 'arkit-csv') },
  shape: { check: coefficients, optional: true },
  expression: { check: coefficients, optional: true },
  blendshapes: { check: bool, optional: true },
  animation: { check: oneOf('none', 'demo'), optional: true },
  clip: { check: text(1, 200), optional: true },
  expressionFromPhotoId: { check: id, optional: true },
  savedExpression: { check: subjectName, optional: true },
  textures: { check: bool, optional: true },
  textureSize: { check: textureSize, optional: true },
  outPath: { check: path, optional: true },
  outDir: { check: path, optional: true },
});

/** An export carries at most one motion: a clip, a photo's expression or a saved expression. */
const exportStart: Check<ApiRequest<'export.start'>> = (value, where) => {
  const req = exportShape(value, where);
  const given = (['clip', 'expressionFromPhotoId', 'savedExpression'] as const).filter((k) => req[k] !== undefined);
  if (given.length > 1) fail(where, `give one of clip, expressionFromPhotoId, savedExpression, not ${given.join(' and ')}`);
  return req;
};

const REQUEST_CHECKS: { [M in ApiMethod]: Check<ApiMethods[M]['req']> } = {
  'app.info': empty,
  'project.create': object({ path: { check: path }, name: { check: subjectName } }),
  'project.open': object({ path: { check: path } }),
  'project.close': empty,
  'subjects.list': empty,
  'subjects.create': object({
    name: { check: subjectName },
    notes: { check: text(0, 10_000, { allowNewlines: true }), optional: true },
  }),
  'subjects.rename': object({ id: { check: id }, name: { check: subjectName } }),
  'subjects.delete': object({ id: { check: id } }),
  'photos.list': object({ subjectId: { check: id, optional: true } }),
  'photos.delete': object({ id: { check: id } }),
  'import.start': object({
    subjectId: { check: id },
    paths: { check: list(path, 100_000), optional: true },
    stagedIds: { check: list(stagedId, 100_000), optional: true },
  }),
  'analyze.start': object({ subjectId: { check: id, optional: true }, force: { check: bool, optional: true } }),
  'photos.faces': object({ photoId: { check: id } }),
  'photos.selectFace': object({
    photoId: { check: id },
    face: {
      check: (value, where) => {
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 1000) fail(where, 'must be a face index');
        return value;
      },
    },
  }),
  'perception.meshTriangles': empty,
  'reconstruct.start': object({ subjectId: { check: id, optional: true }, packId: { check: packId }, force: { check: bool, optional: true } }),
  'detail.start': object({ subjectId: { check: id, optional: true }, packId: { check: packId }, force: { check: bool, optional: true }, method: { check: oneOf('fitted', 'deca'), optional: true } }),
  'photos.reconstruction': object({ photoId: { check: id }, packId: { check: packId, optional: true } }),
  'photos.head': object({ photoId: { check: id }, packId: { check: packId, optional: true } }),
  'subjects.review': object({ subjectId: { check: id }, packId: { check: packId, optional: true } }),
  'detail.swap': object({ photoId: { check: id }, fromPhotoId: { check: id }, packId: { check: packId, optional: true } }),
  'pins.get': object({ photoId: { check: id } }),
  // Pins are checked whole by the handler (core/reconstruct/photo-pins.ts), against the photo's size and the pack's mesh.
  'pins.set': object({ photoId: { check: id }, pins: { check: list(plainObject, 4096) }, pack: { check: packId, optional: true } }),
  'pins.undo': object({ photoId: { check: id } }),
  'pins.pick': object({ photoId: { check: id }, x: { check: pixel }, y: { check: pixel }, packId: { check: packId, optional: true } }),
  'pins.refit': object({ photoId: { check: id }, packId: { check: packId, optional: true }, pins: { check: list(plainObject, 4096), optional: true }, pack: { check: packId, optional: true } }),
  'subjects.head': object({ subjectId: { check: id }, packId: { check: packId, optional: true } }),
  'subjects.rig': object({ subjectId: { check: id }, packId: { check: packId, optional: true } }),
  'subjects.reconstructions': object({ subjectId: { check: id } }),
  'packs.list': empty,
  'packs.install': object({ path: { check: path }, flameLandmarks: { check: path, optional: true }, flameMasks: { check: path, optional: true }, flameUv: { check: path, optional: true } }),
  'packs.remove': object({ id: { check: packId } }),
  'packs.evaluate': object({
    packId: { check: packId },
    shape: { check: coefficients, optional: true },
    expression: { check: coefficients, optional: true },
    pose: { check: coefficients, optional: true },
    topology: { check: bool, optional: true },
  }),
  'export.start': exportStart,
  'settings.get': empty,
  'settings.set': object({
    executionProvider: { check: oneOf('auto', 'cuda', 'dml', 'coreml', 'cpu'), optional: true },
    defaultPackId: { check: (v, w) => (v === null ? null : packId(v, w)), optional: true },
    textureSize: { check: (v, w) => (v === 512 || v === 1024 || v === 2048 ? v : fail(w, 'must be 512, 1024 or 2048')), optional: true },
  }),
  'expressions.list': object({ subjectId: { check: id, optional: true } }),
  'expressions.save': object({
    name: { check: subjectName },
    arkit: { check: arkitWeights },
    jawPose: { check: axisAngle },
    eyePose: { check: object({ left: { check: axisAngle }, right: { check: axisAngle } }), optional: true },
    sourcePhotoId: { check: id, optional: true },
  }),
  'expressions.delete': object({ id: { check: id } }),
  'clips.list': empty,
  'clips.get': object({ id: { check: id } }),
  'clips.create': object({ name: { check: text(1, 200) }, photoIds: { check: list(id, 36_000) }, fps: { check: fps, optional: true }, smooth: { check: smoothRadius, optional: true } }),
  'clips.update': object({ id: { check: id }, name: { check: text(1, 200), optional: true }, edits: { check: list(clipEdit, 1000), optional: true } }),
  'clips.delete': object({ id: { check: id } }),
  'clips.createFromFrames': object({
    name: { check: text(1, 200) },
    subjectId: { check: id },
    packId: { check: packId, optional: true },
    stagedIds: { check: list(stagedId, 36_000) },
    everyMs: {
      check: (value, where) => {
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 1 || value > 60_000) fail(where, 'must be milliseconds from 1 to 60000');
        return value;
      },
    },
  }),
  'jobs.list': empty,
  'jobs.get': object({ id: { check: id } }),
  'jobs.cancel': object({ id: { check: id } }),
};

/** True when `method` names a method of the contract. */
export function isApiMethod(method: unknown): method is ApiMethod {
  return typeof method === 'string' && Object.prototype.hasOwnProperty.call(REQUEST_CHECKS, method);
}

/**
 * Validates an untrusted request (from IPC or HTTP) against the contract.
 *
 * ```ts
 * const req = validateRequest('subjects.rename', JSON.parse(body)); // typed, or throws ApiError
 * ```
 */
export function validateRequest<M extends ApiMethod>(method: M, raw: unknown): ApiRequest<M> {
  if (!isApiMethod(method)) throw new ApiError('not-found', `Unknown API method "${String(method).slice(0, 100)}"`);
  const check = REQUEST_CHECKS[method] as Check<ApiRequest<M>>;
  return check(raw, method);
}
