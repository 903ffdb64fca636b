import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFlamePickle } from '../../../core/head-model/flame-import';
import { HeadModelEvaluator } from '../../../core/head-model/head-model-evaluator';
import { readPickle, type NdArray } from '../../../core/head-model/pickle-read';
import { readModelSource } from '../../../main/packs/import-model-source';
import { PackStore } from '../../../main/packs/pack-store';
import { ensureBuilt, runCli } from '../../helpers/cli';
import { makeTempDir } from '../../helpers/temp-dir';

const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
const f8 = (file: string) => new Float64Array(new Uint8Array(readFileSync(file)).buffer);

describe.skipIf(!hasNumpy)('FLAME pickle import (fixture written like the real Python 2 file)', () => {
  const { dir, cleanup } = makeTempDir('deca-flame-');
  const V = 5023, F = 9976, K = 20;
  let bytes: Uint8Array;
  beforeAll(() => {
    execFileSync('python3', [path.join(__dirname, 'fixtures/make_flame_pickle.py'), dir, String(V), String(F), String(K)]);
    bytes = new Uint8Array(readFileSync(path.join(dir, 'model.pkl')));
  }, 60_000);
  afterAll(cleanup);

  it('reads numpy arrays, chumpy Ch and csc_matrix bit-exact as float64', () => {
    const root = readPickle(bytes) as Map<string, unknown>;
    expect([...root.keys()].sort()).toEqual(['J', 'J_regressor', 'bs_style', 'bs_type', 'f', 'kintree_table', 'posedirs', 'shapedirs', 'v_template', 'weights']);
    const vt = root.get('v_template') as NdArray;
    expect(vt.shape).toEqual([V, 3]);
    expect(vt.dtype).toBe('<f8');
    expect(vt.data).toEqual(f8(path.join(dir, 'v_template.f8')));
    const sd = root.get('shapedirs') as { kind: string; cls: string; state: Map<string, NdArray> };
    expect(sd.cls).toBe('chumpy.ch.Ch');
    expect(sd.state.get('x')!.shape).toEqual([V, 3, K]);
    expect(sd.state.get('x')!.data).toEqual(f8(path.join(dir, 'shapedirs.f8')));
    // chumpy's own __getstate__ keys, the set among them, come through as plain values
    expect(sd.state.get('_dirty_vars')).toEqual([new TextEncoder().encode('x')]);
    expect(sd.state.get('_make_dense')).toBe(false);
    expect((root.get('kintree_table') as NdArray).data).toEqual(Float64Array.from([4294967295, 0, 1, 1, 1, 0, 1, 2, 3, 4]));
    expect((root.get('kintree_table') as NdArray).dtype).toBe('<i8');
    expect(new TextDecoder().decode(root.get('bs_style') as Uint8Array)).toBe('lbs');
  });

  it('reads what numpy itself pickles (protocol 3): Fortran order, float32, int64, uint8, big-endian', () => {
    const py = [
      'import numpy as np, pickle, sys',
      'a = np.asfortranarray(np.arange(24, dtype=np.float64).reshape(2, 3, 4) / 7)',
      "d = {'f': a, 'g': np.arange(6, dtype=np.float32).reshape(2, 3) / 3, 'i': np.array([-5, 2**40], np.int64), 'u': np.arange(5, dtype=np.uint8), 'b': np.array([1.5, -2.25], '>f8')}",
      'sys.stdout.buffer.write(pickle.dumps(d, protocol=3))',
    ].join('\n');
    const root = readPickle(new Uint8Array(execFileSync('python3', ['-c', py]))) as Map<string, NdArray>;
    const f = root.get('f')!;
    expect(f.shape).toEqual([2, 3, 4]);
    expect([...f.data]).toEqual(Array.from({ length: 24 }, (_, i) => i / 7)); // C order after reading F order
    expect([...root.get('g')!.data]).toEqual([0, 1, 2, 3, 4, 5].map((x) => Math.fround(x / 3)));
    expect([...root.get('i')!.data]).toEqual([-5, 2 ** 40]);
    expect([...root.get('u')!.data]).toEqual([0, 1, 2, 3, 4]);
    expect([...root.get('b')!.data]).toEqual([1.5, -2.25]);
  });

  it('imports a head model whose arrays equal the float32 of the originals', () => {
    const m = importFlamePickle(bytes, { shapeCount: 12, expressionCount: 8, fileName: 'generic_model.pkl' });
    expect(m.id).toBe('flame-generic-model');
    expect(m.vertexCount).toBe(V);
    expect(m.triangles).toEqual(new Uint32Array(new Uint8Array(readFileSync(path.join(dir, 'f.u4'))).buffer));
    expect(m.template).toEqual(Float32Array.from(f8(path.join(dir, 'v_template.f8'))));
    const sd = f8(path.join(dir, 'shapedirs.f8')), pd = f8(path.join(dir, 'posedirs.f8'));
    const n = V * 3;
    for (const [k, i] of [[0, 0], [11, 5000], [5, n - 1]] as const) expect(m.shape.data[k * n + i]).toBe(Math.fround(sd[i * K + k]!));
    for (const [k, i] of [[0, 7], [7, 12345]] as const) expect(m.expression.data[k * n + i]).toBe(Math.fround(sd[i * K + 12 + k]!));
    for (const [k, i] of [[0, 1], [35, 15068]] as const) expect(m.pose!.data[k * n + i]).toBe(Math.fround(pd[i * 36 + k]!));
    expect(m.skinWeights).toEqual(Float32Array.from(f8(path.join(dir, 'weights.f8'))));
    const dense = f8(path.join(dir, 'J_regressor.f8'));
    const rebuilt = new Float64Array(5 * V);
    m.joints.regressor.row.forEach((r, i) => (rebuilt[r * V + m.joints.regressor.col[i]!] = m.joints.regressor.value[i]!));
    expect(rebuilt).toEqual(Float64Array.from(dense, (x) => Math.fround(x)));
    expect(m.joints.names).toEqual(['root', 'neck', 'jaw', 'eye_L', 'eye_R']);
    expect([...m.joints.parents]).toEqual([-1, 0, 1, 1, 1]);
    // and it evaluates
    const out = new HeadModelEvaluator(m).evaluate({ pose: new Float64Array(15).fill(0.1) });
    expect(out.vertices.every(Number.isFinite)).toBe(true);
  });

  it('adds DECA\'s landmark embedding (.npy with a pickled dict) and FLAME\'s masks', async () => {
    const m = await readModelSource(path.join(dir, 'model.pkl'), { flameLandmarks: path.join(dir, 'landmark_embedding.npy'), flameMasks: path.join(dir, 'FLAME_masks.pkl') });
    expect(m.landmarks.faces).toEqual(Uint32Array.from(f8(path.join(dir, 'full_lmk_faces_idx.f8'))));
    expect(m.landmarks.barycentric).toEqual(Float32Array.from(f8(path.join(dir, 'full_lmk_bary_coords.f8'))));
    const contour = m.landmarks.dynamicContour!;
    expect(contour.bins).toBe(79);
    expect(contour.faces).toEqual(Uint32Array.from(f8(path.join(dir, 'dynamic_lmk_faces_idx.f8'))));
    expect(contour.barycentric).toEqual(Float32Array.from(f8(path.join(dir, 'dynamic_lmk_bary_coords.f8'))));
    expect(Object.keys(m.regions).sort()).toEqual(['eyes', 'face', 'left_eyeball', 'lips', 'neck', 'right_eyeball']);
    expect(m.regions.eyes!.length).toBe(40);
    expect(m.regions.neck![0]).toBe(Math.floor(V / 2));
    // landmarks evaluate on the posed surface and survive a pack round trip
    expect(new HeadModelEvaluator(m).evaluate({}).landmarks.length).toBe(68 * 3);
    const store = new PackStore(path.join(dir, 'packs2'));
    await store.save(m);
    const back = await store.load(m.id);
    expect(back.landmarks.dynamicContour!.faces).toEqual(contour.faces);
    expect(back.regions.lips).toEqual(m.regions.lips);
  });

  it("takes DECA's UV layout from an OBJ with FLAME's faces (head_template.obj) and refuses one with other faces", async () => {
    const tri = new Uint32Array(new Uint8Array(readFileSync(path.join(dir, 'f.u4'))).buffer);
    const vt = f8(path.join(dir, 'v_template.f8'));
    const obj = (faces: Uint32Array) => {
      const lines: string[] = [];
      for (let v = 0; v < V; v++) lines.push(`v ${vt[v * 3]} ${vt[v * 3 + 1]} ${vt[v * 3 + 2]}`);
      // One UV per corner (seams split, as FLAME's are), distinct per face.
      for (let c = 0; c < faces.length; c++) lines.push(`vt ${((c % 97) + 0.5) / 97} ${((Math.floor(c / 97) % 89) + 0.5) / 89}`);
      for (let f = 0; f < faces.length; f += 3) lines.push(`f ${[0, 1, 2].map((k) => `${faces[f + k]! + 1}/${f + k + 1}`).join(' ')}`);
      return `${lines.join('\n')}\n`;
    };
    writeFileSync(path.join(dir, 'head_template.obj'), obj(tri));
    const m = await readModelSource(path.join(dir, 'model.pkl'), { flameUv: path.join(dir, 'head_template.obj') });
    expect(m.uv!.triangles).toEqual(Uint32Array.from({ length: F * 3 }, (_, c) => c));
    expect(m.uv!.coords[2 * 100]).toBeCloseTo((3 + 0.5) / 97, 6);
    const shuffled = Uint32Array.from(tri);
    [shuffled[0], shuffled[3]] = [shuffled[3]!, shuffled[0]!];
    writeFileSync(path.join(dir, 'other.obj'), obj(shuffled));
    await expect(readModelSource(path.join(dir, 'model.pkl'), { flameUv: path.join(dir, 'other.obj') })).rejects.toThrow(/faces are not the model's/);
  });

  it('refuses a landmark embedding for another topology', async () => {
    await expect(readModelSource(path.join(dir, 'model.pkl'), { flameLandmarks: path.join(dir, 'landmark_embedding.npy') }).then(() => 'ok')).resolves.toBe('ok');
    const small = path.join(dir, 'small');
    mkdirSync(small, { recursive: true });
    execFileSync('python3', [path.join(__dirname, 'fixtures/make_flame_pickle.py'), small, '600', '500', '20']);
    await expect(readModelSource(path.join(small, 'model.pkl'), { flameLandmarks: path.join(dir, 'landmark_embedding.npy') })).rejects.toThrow(/refers to triangle \d+ of 500: is it for another FLAME version\?/);
  });

  it('survives a pack round trip through the store bit-exact', async () => {
    const m = importFlamePickle(bytes, { shapeCount: 12, expressionCount: 8, fileName: 'flame2023.pkl' });
    const store = new PackStore(path.join(dir, 'packs'));
    await store.save(m, { float16Tolerance: 0 });
    const back = await store.load('flame2023');
    expect(back.template).toEqual(m.template);
    expect(back.shape.data).toEqual(m.shape.data);
    expect(back.pose!.data).toEqual(m.pose!.data);
    expect(back.joints.regressor.value).toEqual(m.joints.regressor.value);
  });
});

describe('malicious pickles', () => {
  const { dir, cleanup } = makeTempDir('deca-evil-');
  afterAll(cleanup);
  const marker = path.join(dir, 'PWNED');
  // protocol 0 and protocol 2 spellings of os.system('touch …') through REDUCE
  const evil: Record<string, Uint8Array> = {
    'os.system (protocol 0)': Buffer.from(`cos\nsystem\n(S'touch ${marker}'\ntR.`, 'latin1'),
    'posix.system (protocol 2)': Buffer.concat([Buffer.from('\x80\x02cposix\nsystem\nq\x00U', 'latin1'), Buffer.from([`touch ${marker}`.length]), Buffer.from(`touch ${marker}`), Buffer.from('\x85R.', 'latin1')]),
    '__builtin__.eval': Buffer.from(`c__builtin__\neval\n(S'1'\ntR.`, 'latin1'),
  };
  for (const [name, data] of Object.entries(evil)) {
    it(`refuses ${name} without running it`, () => {
      expect(() => readPickle(data)).toThrow(/Refusing pickle global "(os|posix|__builtin__)\.(system|eval)": not part of a head model file \(nothing was executed\)/);
      expect(existsSync(marker)).toBe(false);
    });
  }

  it.skipIf(!hasNumpy)('a pickle python itself would run is refused by `packs import` and nothing is written', () => {
    ensureBuilt();
    const pkl = path.join(dir, 'generic_model.pkl');
    execFileSync('python3', ['-c', `import os,pickle\nclass E:\n  def __reduce__(self): return (os.system, (${JSON.stringify(`touch ${marker}`)},))\nopen(${JSON.stringify(pkl)},'wb').write(pickle.dumps({'v_template': E()}, protocol=2))`]);
    const home = path.join(dir, 'home');
    mkdirSync(home);
    const r = runCli(['packs', 'import', pkl], { DECA_STUDIO_HOME: home });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Refusing pickle global "posix\.system"/);
    expect(readdirSync(home)).toEqual([]);
    expect(existsSync(marker)).toBe(false);
    writeFileSync(path.join(dir, 'ok'), ''); // the folder is writable: the marker's absence means something
    expect(existsSync(path.join(dir, 'ok'))).toBe(true);
  });
});
