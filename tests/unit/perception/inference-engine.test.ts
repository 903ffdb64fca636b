import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  parseProviderPreference,
  providerOrder,
  readProviderSetting,
  writeProviderSetting,
} from '../../../main/inference/execution-providers';
import { InferenceEngine, ModelFileError } from '../../../main/inference/inference-engine';
import { OnnxGraph } from '../../../native-models/onnx/onnx-graph';
import { makeTempDir } from '../../helpers/temp-dir';

const tmp = makeTempDir('deca-inference-');
afterAll(() => tmp.cleanup());

/** y = 2·x + 1 over a [batch, 3] input. */
function writeTinyModel(file: string): void {
  const g = new OnnxGraph('tiny');
  const x = g.input('x', ['batch', 3]);
  g.output(g.node('Add', [g.node('Mul', [x, g.constFloat('two', [], [2])]), g.constFloat('one', [], [1])]), 'y', ['batch', 3]);
  writeFileSync(file, g.toBytes());
}

describe('execution providers', () => {
  it('orders the platform accelerator first and always ends with CPU', () => {
    expect(providerOrder('auto', 'win32', ['cpu', 'dml', 'cuda'])).toEqual(['cuda', 'dml', 'cpu']);
    expect(providerOrder('auto', 'darwin', ['cpu', 'coreml'])).toEqual(['coreml', 'cpu']);
    expect(providerOrder('auto', 'linux', ['cpu'])).toEqual(['cpu']);
    expect(providerOrder('dml', 'win32', ['cpu', 'dml', 'cuda'])).toEqual(['dml', 'cpu']);
    // Asking for a provider the platform lacks falls back to CPU.
    expect(providerOrder('coreml', 'linux', ['cpu', 'cuda'])).toEqual(['cpu']);
    expect(providerOrder('cpu', 'linux', ['cpu', 'cuda'])).toEqual(['cpu']);
  });

  it('reads and writes the user setting, rejecting unknown names', () => {
    const saved = process.env.DECA_EXECUTION_PROVIDER;
    delete process.env.DECA_EXECUTION_PROVIDER;
    try {
      expect(readProviderSetting(tmp.dir)).toBe('auto');
      writeProviderSetting(tmp.dir, 'cpu');
      expect(readProviderSetting(tmp.dir)).toBe('cpu');
      expect(() => parseProviderPreference('tpu')).toThrow(/Unknown execution provider "tpu"; use one of: auto, cuda, dml, coreml, cpu/);
      writeFileSync(path.join(tmp.dir, 'inference.json'), '{ nope');
      expect(() => readProviderSetting(tmp.dir)).toThrow(/inference setting .*inference\.json is unreadable/);
    } finally {
      if (saved !== undefined) process.env.DECA_EXECUTION_PROVIDER = saved;
    }
  });
});

describe('InferenceEngine', () => {
  it('runs a model, shares its session and runs batches that match single runs', async () => {
    const file = path.join(tmp.dir, 'tiny.onnx');
    writeTinyModel(file);
    let opened = 0;
    const engine = new InferenceEngine({ resolveModel: () => (opened++, file), provider: 'auto' });
    const out = await engine.run('tiny', { x: { data: Float32Array.from([1, 2, 3]), dims: [1, 3] } });
    expect(Array.from(out.y!.data)).toEqual([3, 5, 7]);
    expect(out.y!.dims).toEqual([1, 3]);
    expect(await engine.providerOf('tiny')).toBe('cpu'); // no accelerator on this machine
    const items = [Float32Array.from([0, 0, 0]), Float32Array.from([-1, 0.5, 10]), Float32Array.from([4, 4, 4])];
    const batch = await engine.runBatch('tiny', 'x', items, [3]);
    expect(batch.map((b) => Array.from(b.y!))).toEqual([
      [1, 1, 1],
      [-1, 2, 21],
      [9, 9, 9],
    ]);
    await engine.warmUp(['tiny']);
    expect(opened).toBe(1);
    await expect(engine.run('tiny', { nope: { data: new Float32Array(3), dims: [1, 3] } })).rejects.toThrow(/has no input "nope" \(inputs: x\)/);
    await expect(engine.runBatch('tiny', 'x', [new Float32Array(2)], [3])).rejects.toThrow(/item 0 has 2 values, expected 3/);
    await engine.dispose();
    expect(() => engine.load('tiny')).toThrow(/used after dispose/);
  });

  it('names the model and file when it is missing, empty or corrupt', async () => {
    const engine = new InferenceEngine({ resolveModel: (id) => path.join(tmp.dir, `${id}.onnx`) });
    await expect(engine.run('absent', {})).rejects.toThrow(/Model "absent" is missing: .*absent\.onnx does not exist/);
    writeFileSync(path.join(tmp.dir, 'empty.onnx'), '');
    await expect(engine.load('empty')).rejects.toBeInstanceOf(ModelFileError);
    writeFileSync(path.join(tmp.dir, 'corrupt.onnx'), Buffer.from('this is not a protobuf model at all, just text'));
    const error = await engine.load('corrupt').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as Error).message).toMatch(/Model "corrupt" could not be loaded from .*corrupt\.onnx \(corrupt or not an ONNX model\?\)/);
    // The failure is not cached: a repaired file loads.
    writeTinyModel(path.join(tmp.dir, 'corrupt.onnx'));
    expect((await engine.run('corrupt', { x: { data: Float32Array.from([0, 1, 2]), dims: [1, 3] } })).y!.data[2]).toBe(5);
    await engine.dispose();
  });
});
