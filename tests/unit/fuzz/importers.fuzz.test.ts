import { readFileSync } from 'node:fs';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyFlameLandmarkEmbedding, applyFlameMasks, importFlamePickle } from '../../../core/head-model/flame-import';
import { importIctFaceKit, isIctFaceKit, zipSourceFiles } from '../../../core/head-model/ict-facekit-import';
import { readNpy } from '../../../core/head-model/npy-read';
import { parseObj } from '../../../core/head-model/obj-parse';
import { readPickle } from '../../../core/head-model/pickle-read';
import { readZip } from '../../../core/head-model/zip-read';
import { probeImage } from '../../../main/import/probe-image';
import { SHARED_PHOTOS } from '../../helpers/temp-dir';
import { FuzzRandom, fuzzSeed, isClearError } from './fuzz-random';

/** Iterations per input kind: the bound of this suite (not wall-clock). */
const ITERATIONS = { obj: 1000, zip: 600, pickle: 500, npy: 200, masks: 200, image: 200 };
const seed = fuzzSeed();
console.log(`importers fuzz: seed ${seed} (replay with DECA_FUZZ_SEED=${seed}), iterations ${JSON.stringify(ITERATIONS)}`);

const fixture = (name: string) => new Uint8Array(readFileSync(path.join(__dirname, 'fixtures', name)));

const CUBE_OBJ = strToU8(
  [
    '# cube',
    'v -1 -1 -1', 'v 1 -1 -1', 'v 1 1 -1', 'v -1 1 -1', 'v -1 -1 1', 'v 1 -1 1', 'v 1 1 1', 'v -1 1 1',
    'vt 0 0', 'vt 1 0', 'vt 1 1', 'vt 0 1',
    'vn 0 0 1',
    'f 1/1/1 2/2/1 3/3/1 4/4/1', 'f 5/1 6/2 7/3 8/4', 'f -8 -7 -3', 'f 2//1 3//1 7//1 6//1',
    'g rest', 's off', 'o thing', 'v 1.5e-3 -2.25E+1 +3.', '',
  ].join('\n'),
);

/** An archive shaped like ICT-FaceKit (too small to be it): the importer reads it up to its first real check. */
function ictLikeZip(): Uint8Array {
  const dir = 'ICT-FaceKit-master/FaceXModel/';
  return zipSync({
    [`${dir}generic_neutral_mesh.obj`]: [CUBE_OBJ, { level: 6 }],
    [`${dir}identity000.obj`]: [CUBE_OBJ, { level: 0 }],
    [`${dir}jawOpen.obj`]: [CUBE_OBJ, { level: 9 }],
    [`${dir}vertex_indices.json`]: strToU8(JSON.stringify({ expressions: ['jawOpen'] })),
    [`${dir}empty/`]: new Uint8Array(0),
    'README.md': strToU8('ICT-FaceKit'),
  });
}

interface Tally {
  ok: number;
  refused: number;
  unclear: { input: string; error: string }[];
}

/** Runs `fn`; a throw must be a clear error. Records what happened. */
function attempt(tally: Tally, label: string, fn: () => void): void {
  try {
    fn();
    tally.ok++;
  } catch (error) {
    if (isClearError(error)) tally.refused++;
    else tally.unclear.push({ input: label, error: `${(error as Error)?.constructor?.name}: ${(error as Error)?.message ?? String(error)}` });
  }
}

const newTally = (): Tally => ({ ok: 0, refused: 0, unclear: [] });
const report = (t: Tally) => `seed ${seed}: ${t.unclear.length} unclear errors, first: ${JSON.stringify(t.unclear.slice(0, 3))}`;

describe(`importers fuzz (seed ${seed})`, () => {
  const rng = new FuzzRandom(seed);
  const images: Buffer[] = [];
  beforeAll(async () => {
    const photo = sharp(path.join(SHARED_PHOTOS, 'london_frl/p005/005_03_neutral_front.jpg')).resize(48, 48);
    const base = sharp({ create: { width: 40, height: 30, channels: 3, background: '#a07060' } });
    images.push(await photo.clone().jpeg().toBuffer(), await base.clone().png().toBuffer(), await base.clone().webp().toBuffer(), await base.clone().tiff().toBuffer());
  });

  it('OBJ meshes: every mutated file parses or is refused clearly', () => {
    const t = newTally();
    for (let i = 0; i < ITERATIONS.obj; i++) {
      const input = rng.chance(0.15) ? Buffer.concat([Buffer.from(CUBE_OBJ), Buffer.from(rng.pick(['v 1e999 0 0\n', 'f 1 2\n', 'f 0 1 2\n', 'f 1/99 2/1 3/1\n', 'vt 1\n', `v ${'9'.repeat(400)} 1 1\n`, 'f -99 1 2\n']))]) : rng.mutate(CUBE_OBJ);
      attempt(t, `obj#${i}`, () => {
        const mesh = parseObj(input);
        for (const v of mesh.positions) if (!Number.isFinite(v)) throw new TypeError('non-finite position accepted');
        for (const f of mesh.triangles) if (f >= mesh.positions.length / 3) throw new TypeError('face index out of range accepted');
      });
    }
    expect(t.unclear, report(t)).toEqual([]);
    expect(t.ok + t.refused).toBe(ITERATIONS.obj);
  });

  it('zips: every mutated archive is listed, read and imported, or refused clearly', () => {
    const t = newTally();
    const original = ictLikeZip();
    for (let i = 0; i < ITERATIONS.zip; i++) {
      const input = rng.mutate(original, 1 + rng.int(3));
      attempt(t, `zip#${i}`, () => {
        const zip = readZip(input);
        for (const e of zip.entries) {
          try {
            zip.read(e);
          } catch (error) {
            if (!isClearError(error)) throw error;
          }
        }
        const files = zipSourceFiles(zip);
        if (isIctFaceKit(files)) importIctFaceKit(files);
      });
    }
    expect(t.unclear, report(t)).toEqual([]);
  });

  it('FLAME pickles, landmark embeddings and masks: every mutated file imports or is refused clearly', () => {
    const t = newTally();
    const model = fixture('flame-tiny.pkl');
    const npy = fixture('landmark-embedding-tiny.npy');
    const masks = fixture('flame-masks-tiny.pkl');
    expect(() => importFlamePickle(model)).not.toThrow();
    for (let i = 0; i < ITERATIONS.pickle; i++) {
      const input = rng.mutate(model, 1 + rng.int(3));
      attempt(t, `pickle#${i}`, () => {
        readPickle(input);
        importFlamePickle(input);
      });
    }
    for (let i = 0; i < ITERATIONS.npy; i++) {
      const input = rng.mutate(npy, 1 + rng.int(3));
      attempt(t, `npy#${i}`, () => applyFlameLandmarkEmbedding(importFlamePickle(model), readNpy(input)));
    }
    for (let i = 0; i < ITERATIONS.masks; i++) {
      const input = rng.mutate(masks, 1 + rng.int(3));
      attempt(t, `masks#${i}`, () => applyFlameMasks(importFlamePickle(model), readPickle(input)));
    }
    expect(t.unclear, report(t)).toEqual([]);
  });

  it('inputs the fuzzer once found stay refused quickly', () => {
    // A csc_matrix whose column pointers jump to 4e9: the regressor loop ran for minutes.
    expect(() => importFlamePickle(fixture('regressions/flame-csc-indptr.pkl'))).toThrow(/J_regressor is a damaged csc_matrix/);
  });

  it('images: every mutated JPEG, PNG, WebP and TIFF imports or gets an import error', async () => {
    const t = newTally();
    for (let i = 0; i < ITERATIONS.image; i++) {
      const input = rng.mutate(rng.pick(images), 1 + rng.int(3));
      try {
        await probeImage(input, { maxPixels: 4_000_000 });
        t.ok++;
      } catch (error) {
        if ((error as Error).name === 'ImportError' && isClearError(error)) t.refused++;
        else t.unclear.push({ input: `image#${i}`, error: `${(error as Error)?.name}: ${(error as Error)?.message}` });
      }
    }
    expect(t.unclear, report(t)).toEqual([]);
    expect(t.refused).toBeGreaterThan(0);
  });
});
