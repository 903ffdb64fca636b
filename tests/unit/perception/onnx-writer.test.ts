import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { OnnxGraph } from '../../../native-models/onnx/onnx-graph';
import { ProtoWriter } from '../../../native-models/onnx/protobuf-writer';
import { float16ToFloat32, readTfjsWeights } from '../../../native-models/tfjs-weights';
import { convertTfjsGraph } from '../../../native-models/converters/tfjs-graph-net';
import { makeTempDir } from '../../helpers/temp-dir';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { convFilterToOnnx, conv2d, toNchw, toNhwc } from '../../../native-models/converters/tf-layers';

describe('protobuf writer', () => {
  it('encodes varints, negative int64 and strings as the wire format specifies', () => {
    expect(Array.from(new ProtoWriter().varint(1, 150).finish())).toEqual([0x08, 0x96, 0x01]);
    // -1 as int64: ten bytes, 0xff… 0x01.
    expect(Array.from(new ProtoWriter().varint(2, -1).finish())).toEqual([0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect(Array.from(new ProtoWriter().string(3, 'ab').finish())).toEqual([0x1a, 2, 0x61, 0x62]);
    expect(Array.from(new ProtoWriter().float(4, 1).finish())).toEqual([0x25, 0, 0, 0x80, 0x3f]);
  });

  it('decodes float16 like IEEE 754', () => {
    expect(float16ToFloat32(0x3c00)).toBe(1);
    expect(float16ToFloat32(0xc000)).toBe(-2);
    expect(float16ToFloat32(0x3555)).toBeCloseTo(0.333251953125, 12);
    expect(float16ToFloat32(0x0001)).toBeCloseTo(5.960464477539063e-8, 20);
  });
});

describe('OnnxGraph', () => {
  it('writes a graph onnxruntime runs with the expected numbers', async () => {
    const g = new OnnxGraph('affine');
    const x = g.input('x', ['batch', 3]);
    const w = g.constFloat('w', [3, 2], [1, 2, 3, 4, 5, 6]);
    const y = g.node('Add', [g.node('MatMul', [x, w]), g.constFloat('b', [2], [0.5, -0.5])]);
    g.output(g.node('Relu', [y]), 'y', ['batch', 2]);
    const session = await ort.InferenceSession.create(g.toBytes());
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([1, 0, -1, -1, -1, -1]), [2, 3]) });
    // Row 1: [1-5, 2-6] + b = [-3.5, -4.5] → relu 0; row 2: [-9, -12] + b → 0. Then a positive check.
    expect(Array.from(out.y!.data as Float32Array)).toEqual([0, 0, 0, 0]);
    const out2 = await session.run({ x: new ort.Tensor('float32', Float32Array.from([1, 1, 1, 0, 0, 2]), [2, 3]) });
    expect(Array.from(out2.y!.data as Float32Array)).toEqual([9.5, 11.5, 10.5, 11.5]);
    await session.release();
  });

  it('gives identical bytes for the same construction', () => {
    const build = () => {
      const g = new OnnxGraph('same');
      g.output(g.node('Relu', [g.input('x', [1])]), 'y', [1]);
      return Buffer.from(g.toBytes()).toString('hex');
    };
    expect(build()).toBe(build());
  });

  it('converts a TF conv (NHWC, HWIO filter, SAME padding) to match a direct computation', async () => {
    // 1×3×3×2 input, 2×2 filter 2→1 channels, stride 1, SAME: TF pads the end (bottom/right) only.
    const input = Float32Array.from({ length: 18 }, (_, i) => i - 6);
    const filter = { shape: [2, 2, 2, 1], dtype: 'float32' as const, data: Float32Array.from([1, -1, 2, 0.5, -2, 1, 0, 3]) };
    const g = new OnnxGraph('conv');
    const x = toNchw(g, g.input('x', [1, 3, 3, 2]));
    g.output(toNhwc(g, conv2d(g, x, filter, { shape: [1], dtype: 'float32', data: Float32Array.from([0.25]) }, 1, 'same')), 'y', [1, 3, 3, 1]);
    const session = await ort.InferenceSession.create(g.toBytes());
    const out = (await session.run({ x: new ort.Tensor('float32', input, [1, 3, 3, 2]) })).y!.data as Float32Array;
    const at = (y: number, x: number, c: number) => (y < 3 && x < 3 ? input[(y * 3 + x) * 2 + c]! : 0);
    const expected: number[] = [];
    for (let y = 0; y < 3; y++)
      for (let x = 0; x < 3; x++) {
        let s = 0.25;
        for (let ky = 0; ky < 2; ky++) for (let kx = 0; kx < 2; kx++) for (let c = 0; c < 2; c++) s += at(y + ky, x + kx, c) * filter.data[(ky * 2 + kx) * 2 + c]!;
        expected.push(s);
      }
    expect(Array.from(out)).toEqual(expected);
    expect(convFilterToOnnx(filter).dims).toEqual([1, 2, 2, 2]);
    await session.release();
  });
});

describe('converter input errors', () => {
  it('reads 8-bit weights as tfjs does and names a truncated shard', () => {
    const tmp = makeTempDir('deca-weights-');
    try {
      writeFileSync(path.join(tmp.dir, 'w.bin'), Buffer.from([0, 10, 255, 7]));
      const manifest = [{ paths: ['w.bin'], weights: [{ name: 'a', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } }] }];
      expect(Array.from(readTfjsWeights(manifest, tmp.dir).get('a')!.data)).toEqual([-1, 4, 126.5]);
      const tooMuch = [{ paths: ['w.bin'], weights: [{ name: 'big', shape: [2], dtype: 'float32' }] }];
      expect(() => readTfjsWeights(tooMuch, tmp.dir)).toThrow(/weight big: shard data ends at 4 bytes, need 8/);
    } finally {
      tmp.cleanup();
    }
  });

  it('refuses a TF op it does not know, naming it', () => {
    const nodes = [
      { name: 'x', op: 'Placeholder', attr: { shape: { shape: { dim: [{ size: '1' }, { size: '4' }, { size: '4' }, { size: '3' }] } } } },
      { name: 'y', op: 'Softplus', input: ['x'] },
    ];
    expect(() => convertTfjsGraph('m', nodes, new Map(), { y: { name: 'y', shape: [1, 4, 4, 3] } })).toThrow(/TF op Softplus \(y\) is not supported/);
  });
});
