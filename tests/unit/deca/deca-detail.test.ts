import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticHeadModel } from '../../../core/head-model/synthetic-head-model';
import { DecaDetail } from '../../../main/deca/deca-detail';
import { decaCropTensor } from '../../../main/deca/deca-encoder';
import { installDetail, installedDetailDir, readDetailInstall } from '../../../main/deca/detail-store';
import { discMask, maskPng, npyFloat64, predictUvZ, sphereTemplateObj, tinyDetailDecoder, tinyDetailEncoder, UV, uvPattern } from '../../helpers/deca-detail-fixtures';
import { makeTempDir } from '../../helpers/temp-dir';

const S = UV, N = S * S;
const model = syntheticHeadModel({ seed: 3 }); // FLAME-sized: 5023 vertices
const W = Float32Array.from({ length: 3 * 128 }, (_, i) => Math.sin(i * 0.7));
const B = Float32Array.from({ length: 128 }, (_, i) => 0.01 * i - 0.5);
const PATTERN = uvPattern();

let tmp: ReturnType<typeof makeTempDir>;
const f = (name: string) => path.join(tmp.dir, name);
beforeAll(async () => {
  tmp = makeTempDir('deca-detail-');
  writeFileSync(f('E.onnx'), tinyDetailEncoder(W, B));
  writeFileSync(f('D.onnx'), tinyDetailDecoder(PATTERN));
  writeFileSync(f('D-latent.onnx'), tinyDetailDecoder(PATTERN, { latent: true }));
  writeFileSync(f('D-nan.onnx'), tinyDetailDecoder(PATTERN, { nan: true }));
  writeFileSync(f('D-128.onnx'), tinyDetailDecoder(new Float32Array(128 * 128), { outSize: 128 }));
  writeFileSync(f('E-236.onnx'), tinyDetailEncoder(new Float32Array(3 * 236), new Float32Array(236), { outputs: 236 }));
  writeFileSync(f('head_template.obj'), sphereTemplateObj(model).text);
  writeFileSync(f('mask.png'), await maskPng((r, c) => discMask(r, c)));
  writeFileSync(f('fixed.npy'), npyFloat64([S, S], Float64Array.from({ length: N }, (_, k) => 1e-4 * Math.cos(k / 300))));
});
afterAll(() => tmp.cleanup());

describe("DECA's detail networks (onnxruntime-node, stand-ins)", () => {
  it('crops a face, runs E_detail and D_detail and returns the code and uv_z; a single 181-value input works too', async () => {
    const image = { width: 300, height: 200, data: Uint8Array.from({ length: 300 * 200 * 3 }, (_, i) => (i * 7) % 251) };
    const crop = decaCropTensor(image);
    const mean = [0, 1, 2].map((c) => crop.subarray(c * 224 * 224, (c + 1) * 224 * 224).reduce((a, b) => a + b, 0) / (224 * 224));
    const code = Float32Array.from({ length: 128 }, (_, j) => mean[0]! * W[j]! + mean[1]! * W[128 + j]! + mean[2]! * W[256 + j]! + B[j]!);
    const exp = Float32Array.from({ length: 50 }, (_, i) => Math.cos(i)), jaw = [0.12, 0.01, -0.02];
    const want = predictUvZ(PATTERN, jaw, exp, code);
    for (const decoder of ['D.onnx', 'D-latent.onnx']) {
      const nets = await DecaDetail.open({ encoder: f('E.onnx'), decoder: f(decoder) });
      try {
        const out = await nets.run(image, undefined, { exp, jaw });
        for (let j = 0; j < 128; j++) expect(out.code[j]).toBeCloseTo(code[j]!, 4);
        expect(out.uvZ).toHaveLength(N);
        expect(Math.max(...out.uvZ.map((v, k) => Math.abs(v - want[k]!)))).toBeLessThan(1e-6);
        await nets.probe();
        const two = await nets.decode([{ code, exp, jaw }, { code: new Float32Array(128), exp: new Float32Array(50), jaw: [0, 0, 0] }]);
        expect(Array.from(two[0]!.subarray(0, 5))).toEqual(Array.from(out.uvZ.subarray(0, 5)));
        expect(two[1]!.every((v) => v === 0)).toBe(true);
      } finally {
        await nets.dispose();
      }
    }
  });

  it('refuses wrong signatures and non-finite outputs with clear errors', async () => {
    await expect(DecaDetail.open({ encoder: f('E-236.onnx'), decoder: f('D.onnx') })).rejects.toThrow(/E-236.onnx is not DECA's detail encoder \(E_detail\): must output \[batch, 128\]/);
    await expect(DecaDetail.open({ encoder: f('E.onnx'), decoder: f('E.onnx') })).rejects.toThrow(/E.onnx is not DECA's detail decoder \(D_detail\): expects jaw \[batch, 3\], exp \[batch, 50\] and detail \[batch, 128\]/);
    await expect(DecaDetail.open({ encoder: f('E.onnx'), decoder: f('D-128.onnx') })).rejects.toThrow(/must output \[batch, 1, 256, 256\]/);
    await expect(DecaDetail.open({ encoder: f('missing.onnx'), decoder: f('D.onnx') })).rejects.toThrow(/missing.onnx is not DECA's detail encoder .*is missing/);
    const nan = await DecaDetail.open({ encoder: f('E.onnx'), decoder: f('D-nan.onnx') });
    try {
      await expect(nan.probe()).rejects.toThrow(/D_detail gives a non-finite displacement on a probe code/);
    } finally {
      await nan.dispose();
    }
  });
});

describe('detail install', () => {
  const src = (over: Record<string, string | null> = {}) => ({ encoder: f('E.onnx'), decoder: f('D.onnx'), uvTemplate: f('head_template.obj'), mask: f('mask.png'), fixed: f('fixed.npy'), ...over });

  it('installs the networks with the UV data and reads them back', async () => {
    const home = f('home-ok');
    const dir = await installDetail(src(), home);
    expect(dir).toBe(installedDetailDir(home));
    const back = await readDetailInstall(dir);
    expect(readFileSync(back.files.encoder)).toEqual(readFileSync(f('E.onnx')));
    expect(back.maps.mask[128 * S + 128]).toBe(1);
    expect(back.maps.mask[0]).toBe(0);
    expect(back.maps.fixed![300]).toBeCloseTo(1e-4 * Math.cos(1), 9);
    expect(back.template.vertexCount).toBe(5023);
    await installDetail(src({ fixed: null }), home);
    expect((await readDetailInstall(dir)).maps.fixed).toBeNull();
    await expect(readDetailInstall(f('nowhere'))).rejects.toThrow(/No DECA detail networks are installed .*detail install/);
  });

  it('leaves the earlier install as it was when a file is bad, and no temporary folder behind', async () => {
    const home = f('home-bad');
    await installDetail(src(), home);
    const before = readFileSync(path.join(installedDetailDir(home), 'manifest.json'), 'utf8');
    writeFileSync(f('small.obj'), 'v 0 0 0\nv 1 0 0\nv 0 1 0\nvt 0 0\nf 1/1 2/1 3/1\n');
    writeFileSync(f('not-a-mask.png'), 'nope');
    const cases: [Record<string, string | null>, RegExp][] = [
      [{ decoder: f('D-nan.onnx') }, /non-finite displacement/],
      [{ encoder: f('E-236.onnx') }, /not DECA's detail encoder/],
      [{ uvTemplate: f('small.obj') }, /small.obj: has 3 vertices/],
      [{ uvTemplate: f('none.obj') }, /none.obj: does not exist/],
      [{ mask: f('not-a-mask.png') }, /not-a-mask.png: not a readable image/],
      [{ fixed: f('head_template.obj') }, /head_template.obj: not a readable .npy/],
    ];
    for (const [over, error] of cases) await expect(installDetail(src({ ...over, decoder: over.decoder ?? f('D-latent.onnx') }), home)).rejects.toThrow(error);
    expect(readFileSync(path.join(installedDetailDir(home), 'manifest.json'), 'utf8')).toBe(before);
    expect(readdirSync(path.dirname(installedDetailDir(home)))).toEqual(['detail']);
    expect(existsSync(path.join(installedDetailDir(home), 'D_detail.onnx'))).toBe(true);
    expect(readFileSync(path.join(installedDetailDir(home), 'D_detail.onnx'))).toEqual(readFileSync(f('D.onnx')));
  });
});
