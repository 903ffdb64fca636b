import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DECA_CODE_LENGTH, splitDecaCode } from '../../../core/deca/deca-code';
import { squareCrop, warpToTensor } from '../../../core/perception/image-warp';
import { DecaEncoder } from '../../../main/deca/deca-encoder';
import { decodePhoto } from '../../../main/perception/decode-photo';
import { ensureBuilt, runCli } from '../../helpers/cli';
import { makeTempDir, SHARED_PHOTOS } from '../../helpers/temp-dir';
import { tinyEncoder } from '../../helpers/tiny-encoder';

let tmp: ReturnType<typeof makeTempDir>;
const W = Float32Array.from({ length: 3 * DECA_CODE_LENGTH }, (_, i) => Math.sin(i) * 0.5);
const B = Float32Array.from({ length: DECA_CODE_LENGTH }, (_, i) => i / 100);
let modelFile: string;
beforeAll(() => {
  tmp = makeTempDir('deca-encoder-');
  modelFile = path.join(tmp.dir, 'tiny.onnx');
  writeFileSync(modelFile, tinyEncoder(W, B));
});
afterAll(() => tmp.cleanup());

describe('DECA coarse code', () => {
  it('splits 236 values in DECA param_list order', () => {
    const code = splitDecaCode(Float32Array.from({ length: 236 }, (_, i) => i));
    expect([code.shape[0], code.shape[99], code.tex[0], code.exp[0], code.exp[49]]).toEqual([0, 99, 100, 150, 199]);
    expect([...code.pose.global, ...code.pose.jaw]).toEqual([200, 201, 202, 203, 204, 205]);
    expect(code.cam).toEqual({ scale: 206, tx: 207, ty: 208 });
    expect([code.light[0], code.light[26]]).toEqual([209, 235]);
    expect(() => splitDecaCode(new Float32Array(100))).toThrow(/236 values/);
  });
});

describe('DECA encoder wiring (onnxruntime-node)', () => {
  it('crops a real photo, runs the model and returns the split code', async () => {
    const encoder = await DecaEncoder.open(modelFile);
    try {
      const image = await decodePhoto(path.join(SHARED_PHOTOS, 'london_frl/p005/005_03_neutral_front.jpg'));
      const toCrop = squareCrop(675, 640, 700, 224);
      const code = await encoder.encodeCrop(image, toCrop);
      // Predict the output from the same crop: per-channel means in [0, 1], then W and b.
      const crop = warpToTensor(image, toCrop, 224, 224, { scale: 1 / 255 });
      const mean = [0, 1, 2].map((c) => {
        let s = 0;
        for (let p = 0; p < 224 * 224; p++) s += crop[p * 3 + c]!;
        return s / (224 * 224);
      });
      const expected = Float32Array.from({ length: DECA_CODE_LENGTH }, (_, j) => mean[0]! * W[j]! + mean[1]! * W[DECA_CODE_LENGTH + j]! + mean[2]! * W[2 * DECA_CODE_LENGTH + j]! + B[j]!);
      const want = splitDecaCode(expected);
      expect(mean[0]).toBeGreaterThan(mean[2]!); // a face: more red than blue
      for (let k = 0; k < 100; k++) expect(code.shape[k]).toBeCloseTo(want.shape[k]!, 4);
      for (let k = 0; k < 50; k++) expect(code.exp[k]).toBeCloseTo(want.exp[k]!, 4);
      expect(code.cam.scale).toBeCloseTo(want.cam.scale, 4);
      expect(code.light[26]).toBeCloseTo(want.light[26]!, 4);
      // Batches give the same numbers per item.
      const two = new Float32Array(2 * 3 * 224 * 224).fill(0.5);
      const [a, b] = await encoder.encodeTensor(two, 2);
      expect(Array.from(a!.shape)).toEqual(Array.from(b!.shape));
    } finally {
      await encoder.dispose();
    }
  });

  it('refuses models without DECA signature, and missing or corrupt files, with clear errors', async () => {
    const small = path.join(tmp.dir, 'small.onnx');
    writeFileSync(small, tinyEncoder(new Float32Array(3 * 236), new Float32Array(236), 112));
    await expect(DecaEncoder.open(small)).rejects.toThrow(/not a DECA coarse encoder: expects one input of shape \[batch, 3, 224, 224\]/);
    const narrow = path.join(tmp.dir, 'narrow.onnx');
    writeFileSync(narrow, tinyEncoder(new Float32Array(3 * 100), new Float32Array(100), 224, 100));
    await expect(DecaEncoder.open(narrow)).rejects.toThrow(/must output 236 values per image/);
    await expect(DecaEncoder.open(path.join(tmp.dir, 'missing.onnx'))).rejects.toThrow(/is missing/);
    const junk = path.join(tmp.dir, 'junk.onnx');
    writeFileSync(junk, 'this is not a model');
    await expect(DecaEncoder.open(junk)).rejects.toThrow(/not a DECA coarse encoder: .*could not be loaded/);
  });
});

describe('deca-studio encoder (CLI)', () => {
  it('installs a converted encoder after checking it, then encodes the face crop of each photo', () => {
    ensureBuilt();
    const env = { DECA_STUDIO_HOME: path.join(tmp.dir, 'home') };
    const junk = path.join(tmp.dir, 'junk-cli.onnx');
    writeFileSync(junk, 'nope');
    const refused = runCli(['encoder', 'install', junk], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/not a DECA coarse encoder/);
    expect(runCli(['encoder', 'install', modelFile], env)).toMatchObject({ code: 0, stdout: expect.stringMatching(/Installed the DECA coarse encoder/) });
    const front = path.join(SHARED_PHOTOS, 'london_frl/p002/002_03_neutral_front.jpg');
    const profile = path.join(SHARED_PHOTOS, 'london_frl/p002/002_01_neutral_left_profile.jpg');
    const run = runCli(['encoder', 'encode', front, profile, '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    const [a, b] = JSON.parse(run.stdout) as { status: string; code: { shape: number[]; exp: number[]; light: number[] } | null }[];
    expect(a!.status).toBe('ok');
    expect([a!.code!.shape.length, a!.code!.exp.length, a!.code!.light.length]).toEqual([100, 50, 27]);
    expect(b!.code).toBeNull();
    expect(b!.status).toMatch(/profile|no face/);
  });
});
