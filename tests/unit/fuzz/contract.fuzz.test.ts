import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../core/api/api-error';
import type { ApiMethod } from '../../../core/api/contract';
import { isApiMethod, validateRequest } from '../../../core/api/validate-request';
import { FuzzRandom, fuzzSeed } from './fuzz-random';

const ITERATIONS = 6000;
const seed = fuzzSeed();
console.log(`contract fuzz: seed ${seed} (replay with DECA_FUZZ_SEED=${seed}), ${ITERATIONS} payloads`);

/** One valid request per method: the fuzzer mutates these as well as sending random values. */
const VALID: Record<ApiMethod, Record<string, unknown>> = {
  'app.info': {},
  'project.create': { path: '/tmp/P.decastudio', name: 'P' },
  'project.open': { path: '/tmp/P.decastudio' },
  'project.close': {},
  'subjects.list': {},
  'subjects.create': { name: 'Ann', notes: 'line one\nline two' },
  'subjects.rename': { id: 1, name: 'Ben' },
  'subjects.delete': { id: 1 },
  'photos.list': { subjectId: 2 },
  'photos.delete': { id: 3 },
  'import.start': { subjectId: 1, paths: ['/photos'], stagedIds: ['0123456789abcdef0123456789abcdef'] },
  'analyze.start': { subjectId: 1, force: true },
  'photos.faces': { photoId: 1 },
  'photos.selectFace': { photoId: 1, face: 0 },
  'perception.meshTriangles': {},
  'reconstruct.start': { subjectId: 1, packId: 'starter-head', force: false },
  'detail.start': { subjectId: 1, packId: 'starter-head', force: false, method: 'deca' },
  'photos.reconstruction': { photoId: 1, packId: 'starter-head' },
  'photos.head': { photoId: 1, packId: 'ict-facekit' },
  'subjects.review': { subjectId: 1, packId: 'starter-head' },
  'detail.swap': { photoId: 1, fromPhotoId: 2, packId: 'starter-head' },
  'pins.get': { photoId: 1 },
  'pins.set': { photoId: 1, pack: 'ict-facekit', pins: [{ landmark: 8, x: 10, y: 20 }, { triangle: 3, barycentric: [0.2, 0.3, 0.5], x: 5, y: 6 }] },
  'pins.undo': { photoId: 1 },
  'pins.pick': { photoId: 1, x: 10.5, y: 20, packId: 'ict-facekit' },
  'pins.refit': { photoId: 1, packId: 'ict-facekit', pins: [{ landmark: 8, x: 10, y: 20 }], pack: 'ict-facekit' },
  'subjects.head': { subjectId: 1, packId: 'ict-facekit' },
  'subjects.rig': { subjectId: 1, packId: 'ict-facekit' },
  'subjects.reconstructions': { subjectId: 1 },
  'packs.list': {},
  'packs.install': { path: '/downloads/ICT-FaceKit-master.zip', flameUv: '/downloads/head_template.obj' },
  'packs.remove': { id: 'ict-facekit' },
  'packs.evaluate': { packId: 'starter-head', shape: [0.5, -1], expression: [0.2], pose: [0, 0, 0.1], topology: true },
  'export.start': { packId: 'starter-head', subjectId: 1, format: 'glb', shape: [1], expression: [0], blendshapes: true, animation: 'demo', textures: true, textureSize: 1024, savedExpression: 'smirk', outPath: '/tmp/h.glb' },
  'settings.get': {},
  'settings.set': { executionProvider: 'cpu', defaultPackId: 'ict-facekit', textureSize: 2048 },
  'expressions.list': { subjectId: 1 },
  'expressions.save': { name: 'smile', arkit: Array.from({ length: 52 }, (_, k) => (k === 23 ? 0.8 : 0)), jawPose: [0.1, 0, 0], eyePose: { left: [0, 0.1, 0], right: [0, 0.1, 0] }, sourcePhotoId: 2 },
  'expressions.delete': { id: 1 },
  'clips.list': {},
  'clips.get': { id: 1 },
  'clips.create': { name: 'talk', photoIds: [1, 2, 3], fps: 4, smooth: 1 },
  'clips.update': { id: 1, name: 'talk 2', edits: [{ op: 'drop', index: 0 }, { op: 'retime', index: 1, time: 0.75 }, { op: 'respace', fps: 8 }, { op: 'smooth', radius: 2 }] },
  'clips.delete': { id: 1 },
  'clips.createFromFrames': { name: 'video', subjectId: 1, packId: 'ict-facekit', stagedIds: ['0123456789abcdef0123456789abcdef'], everyMs: 100 },
  'jobs.list': {},
  'jobs.get': { id: 1 },
  'jobs.cancel': { id: 1 },
};
const METHODS = Object.keys(VALID) as ApiMethod[];
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);

/** A payload as a hostile page or IPC peer could send it (structured clone carries Maps, Dates, typed arrays). */
function payload(rng: FuzzRandom, method: ApiMethod): unknown {
  const valid = Object.prototype.hasOwnProperty.call(VALID, method) ? VALID[method] : {};
  switch (rng.int(6)) {
    case 0:
      return rng.value(3);
    case 1:
      return rng.pick([new Map([['name', 'Ann']]), new Set([1]), new Date(0), new Uint8Array(4), Object.create(null), [], 'x', 7, true, Symbol.iterator === undefined ? null : []]);
    case 2: {
      // One field of a valid request replaced.
      const out: Record<string, unknown> = { ...valid };
      const keys = Object.keys(out);
      if (keys.length) out[rng.pick(keys)] = rng.value(2);
      return out;
    }
    case 3: {
      // A valid request with one extra field, often a prototype name.
      const out = JSON.parse(JSON.stringify(valid)) as Record<string, unknown>;
      const extra = rng.chance(0.6) ? rng.pick(PROTOTYPE_NAMES) : rng.nastyString();
      return JSON.parse(`${JSON.stringify(out).slice(0, -1)}${Object.keys(out).length ? ',' : ''}${JSON.stringify(extra)}:${JSON.stringify(rng.value(1) ?? null)}}`);
    }
    case 4: {
      // A valid request with one field dropped.
      const out: Record<string, unknown> = { ...valid };
      const keys = Object.keys(out);
      if (keys.length) delete out[rng.pick(keys)];
      return out;
    }
    default:
      return valid;
  }
}

describe(`contract validator fuzz (seed ${seed})`, () => {
  it('every random or mutated payload is validated to its shape or refused with a clear bad-request', () => {
    const rng = new FuzzRandom(seed);
    const tally = { accepted: 0, refused: 0 };
    const problems: string[] = [];
    for (let i = 0; i < ITERATIONS && problems.length < 5; i++) {
      const method = rng.chance(0.05) ? (rng.pick(['', '__proto__', 'constructor', 'toString', 'app', 'app.info.', 'APP.INFO', rng.nastyString()]) as ApiMethod) : rng.pick(METHODS);
      const raw = payload(rng, method);
      try {
        const out = validateRequest(method, raw) as Record<string, unknown>;
        tally.accepted++;
        if (!isApiMethod(method)) problems.push(`#${i}: unknown method "${method}" accepted`);
        const keys = Object.keys(out ?? {});
        const allowed = Object.keys(VALID[method] ?? {});
        for (const k of keys) if (!allowed.includes(k)) problems.push(`#${i}: ${method} let field "${k}" through`);
        // What passed is plain data that passes again unchanged.
        const again = JSON.stringify(validateRequest(method, JSON.parse(JSON.stringify(out))));
        if (again !== JSON.stringify(out)) problems.push(`#${i}: ${method} validates differently the second time`);
      } catch (error) {
        tally.refused++;
        const ok = error instanceof ApiError && (error.code === 'bad-request' || (error.code === 'not-found' && !isApiMethod(method))) && error.message.length > 5 && error.message.length < 1000;
        if (!ok) problems.push(`#${i}: ${String(method).slice(0, 60)} ${String(error).slice(0, 300)}`);
      }
    }
    expect(({} as Record<string, unknown>).polluted, 'Object.prototype was changed').toBeUndefined();
    expect(problems, `seed ${seed}`).toEqual([]);
    expect(tally.accepted).toBeGreaterThan(0);
    expect(tally.refused).toBeGreaterThan(0);
  });
});
