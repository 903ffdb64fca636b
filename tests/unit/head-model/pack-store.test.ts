import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeFloat16, encodeFloat16, toFloat16Bits } from '../../../core/head-model/float16';
import { HeadModelEvaluator } from '../../../core/head-model/head-model-evaluator';
import { syntheticHeadModel } from '../../../core/head-model/synthetic-head-model';
import { PackStore } from '../../../main/packs/pack-store';
import { makeTempDir } from '../../helpers/temp-dir';

const temps: Array<() => void> = [];
afterEach(() => temps.splice(0).forEach((c) => c()));
const store = () => {
  const t = makeTempDir('deca-packs-');
  temps.push(t.cleanup);
  return new PackStore(path.join(t.dir, 'packs'));
};

describe('float16', () => {
  it('encodes reference values exactly and rounds to nearest even', () => {
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(-2)).toBe(0xc000);
    expect(toFloat16Bits(65504)).toBe(0x7bff);
    expect(toFloat16Bits(1e6)).toBe(0x7c00);
    expect(toFloat16Bits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(toFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie → even
    expect(toFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect([...decodeFloat16(Uint16Array.of(0x3c00, 0xc000, 0x7bff, 0x0001, 0x3555))]).toEqual([1, -2, 65504, 2 ** -24, Math.fround(0.333251953125)]);
  });
  it('reports the largest rounding error', () => {
    const { maxError } = encodeFloat16(Float32Array.of(0.1, 0.01, 1));
    expect(maxError).toBeCloseTo(Math.abs(0.0999755859375 - Math.fround(0.1)), 10);
  });
});

describe('PackStore', () => {
  it('saves, lists, loads (bit-exact float32 arrays, float16 bases within tolerance) and removes', async () => {
    const s = store();
    const m = syntheticHeadModel({ vertices: 700, shapeCount: 9, expressionCount: 5, seed: 11 });
    m.id = 'toy-head';
    await s.save(m);
    const manifest = JSON.parse(readFileSync(path.join(s.dir, 'toy-head', 'manifest.json'), 'utf8'));
    expect(manifest.format).toBe('deca-head-pack');
    expect(manifest.arrays.template.dtype).toBe('float32');
    expect(manifest.arrays.shape.dtype).toBe('float16');
    expect(manifest.arrays.shape.maxAbsError).toBeLessThanOrEqual(5e-5);
    // the manifest's hashes are the files' hashes
    for (const a of Object.values(manifest.arrays) as { file: string; sha256: string }[])
      expect(createHash('sha256').update(readFileSync(path.join(s.dir, 'toy-head', a.file))).digest('hex')).toBe(a.sha256);
    const list = await s.list();
    expect(list.map((p) => [p.id, p.vertexCount, p.shapeCount, p.expressionCount])).toEqual([['toy-head', 700, 9, 5]]);
    const back = await s.load('toy-head');
    expect(back.template).toEqual(m.template);
    expect(back.triangles).toEqual(m.triangles);
    expect(back.skinWeights).toEqual(m.skinWeights);
    expect(back.joints.names).toEqual(m.joints.names);
    let worst = 0;
    for (let i = 0; i < m.shape.data.length; i++) worst = Math.max(worst, Math.abs(back.shape.data[i]! - m.shape.data[i]!));
    expect(worst).toBeLessThanOrEqual(manifest.arrays.shape.maxAbsError);
    expect(worst).toBeGreaterThan(0);
    // the evaluated heads agree within the float16 tolerance per basis
    const a = new HeadModelEvaluator(m).evaluate({ shape: [1, -1, 0.5] }).vertices;
    const b = new HeadModelEvaluator(back).evaluate({ shape: [1, -1, 0.5] }).vertices;
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(3 * 5e-5);
    await s.remove('toy-head');
    expect(await s.list()).toEqual([]);
    await expect(s.load('toy-head')).rejects.toThrow(/No model pack "toy-head"/);
  });

  it('refuses a damaged file by its SHA-256', async () => {
    const s = store();
    const m = syntheticHeadModel({ vertices: 300, shapeCount: 4, expressionCount: 4 });
    m.id = 'toy';
    await s.save(m);
    const file = path.join(s.dir, 'toy', 'template.bin');
    const bytes = readFileSync(file);
    bytes[5] ^= 1;
    writeFileSync(file, bytes);
    await expect(s.load('toy')).rejects.toThrow(/toy: template.bin is damaged \(SHA-256 mismatch\)/);
  });

  it('refuses a newer format and bad ids clearly', async () => {
    const s = store();
    const m = syntheticHeadModel({ vertices: 300, shapeCount: 4, expressionCount: 4 });
    m.id = 'toy';
    await s.save(m);
    const mf = path.join(s.dir, 'toy', 'manifest.json');
    writeFileSync(mf, readFileSync(mf, 'utf8').replace('"formatVersion": 1', '"formatVersion": 99'));
    await expect(s.load('toy')).rejects.toThrow(/format 99 is newer than this app understands/);
    await expect(s.load('../etc')).rejects.toThrow(/is not a pack id/);
  });

  it('replaces an existing pack atomically', async () => {
    const s = store();
    const m = syntheticHeadModel({ vertices: 300, shapeCount: 4, expressionCount: 4 });
    m.id = 'toy';
    await s.save(m);
    m.name = 'second';
    await s.save(m);
    expect((await s.list()).map((p) => p.name)).toEqual(['second']);
  });
});
