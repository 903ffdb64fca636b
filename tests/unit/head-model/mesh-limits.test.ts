import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DECA_CODE_LENGTH } from '../../../core/deca/deca-code';
import { validateHeadModel } from '../../../core/head-model/head-model';
import { parseObj } from '../../../core/head-model/obj-parse';
import { syntheticHeadModel } from '../../../core/head-model/synthetic-head-model';
import { LimitError } from '../../../core/limits/input-limits';
import { runCli } from '../../../main/cli/run-cli';
import { DecaEncoder } from '../../../main/deca/deca-encoder';
import { installedEncoderPath, installEncoder } from '../../../main/deca/encoder-store';
import { PackStore } from '../../../main/packs/pack-store';
import { useTempStudioHome } from '../../helpers/temp-dir';
import { tinyEncoder } from '../../helpers/tiny-encoder';

const tmp = useTempStudioHome('deca-mesh-limits-');

const small = () => syntheticHeadModel({ vertices: 200, shapeCount: 2, expressionCount: 2 });

describe('mesh limits', () => {
  it('an OBJ with a coordinate that is not finite is refused at its line', () => {
    expect(() => parseObj(strToU8('v 0 0 0\nv 1e999 0 0\nf 1 2 1\n'))).toThrow(/OBJ line 2: a number is out of range \(not finite\).*\[limit meshCoordinate\]/);
    expect(() => parseObj(strToU8(`v ${'9'.repeat(400)} 0 0\n`))).toThrow(LimitError);
  });

  it('vertex and triangle counts are held to the limits while parsing', () => {
    const obj = strToU8('v 0 0 0\nv 1 0 0\nv 0 1 0\nv 1 1 0\nf 1 2 3 4\n');
    expect(parseObj(obj).triangles.length).toBe(6);
    expect(() => parseObj(obj, { meshVertices: 3 })).toThrow(/OBJ line 4: more than 3 vertices, over the limit of 3 \[limit meshVertices\]/);
    expect(() => parseObj(obj, { meshTriangles: 1 })).toThrow(/\[limit meshTriangles\]/);
  });

  it('a head model with a non-finite or absurd value is refused, naming the array and the limit', () => {
    const inf = small();
    inf.template[3] = Infinity;
    expect(() => validateHeadModel(inf)).toThrow(/template value 3 is Infinity, over the limit of 1000 m \[limit meshCoordinate\]/);
    const nan = small();
    nan.expression.data[7] = NaN;
    expect(() => validateHeadModel(nan)).toThrow(/expression basis value 7 is NaN/);
    const huge = small();
    huge.shape.data[0] = 1e30;
    expect(() => validateHeadModel(huge)).toThrow(/shape basis value 0 is 1\.00e\+30 m/);
  });

  it('packs import of an ICT-FaceKit zip with "v 1e999 0 0" installs nothing and keeps the existing pack', async () => {
    const store = new PackStore(path.join(tmp.dir, 'home', 'packs'));
    await store.save({ ...small(), id: 'ict-facekit' });
    const bad = { ...small(), id: 'ict-facekit' };
    bad.template[0] = Infinity;
    await expect(store.save(bad)).rejects.toThrow(/\[limit meshCoordinate\]/);
    const file = path.join(tmp.dir, 'ict.zip');
    writeFileSync(file, zipSync({ 'ICT-FaceKit-master/FaceXModel/generic_neutral_mesh.obj': strToU8('v 1e999 0 0\nv 0 0 0\nv 1 0 0\nf 1 2 3\n') }));
    const err: string[] = [];
    const code = await runCli(['packs', 'import', file], { out: () => undefined, err: (l) => err.push(l) });
    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(/^Error: OBJ line 1: a number is out of range \(not finite\), over the limit of 1000 m \[limit meshCoordinate\]$/);
    expect((await store.load('ict-facekit')).template[0]).toBe(small().template[0]);
  });
});

describe('user-supplied ONNX encoder', () => {
  it('an encoder with the right signature but garbage weights is refused at install, and its outputs never pass as a code', async () => {
    const dataDir = path.join(tmp.dir, 'data');
    const garbage = path.join(tmp.dir, 'garbage.onnx');
    writeFileSync(garbage, tinyEncoder(new Float32Array(3 * DECA_CODE_LENGTH).fill(3e30), new Float32Array(DECA_CODE_LENGTH)));
    await expect(installEncoder(garbage, dataDir)).rejects.toThrow(/output value 0 is \d\.\d+e\+30: the model's weights look broken, over the limit of 10,000 \[limit onnxOutputMagnitude\]/);
    const nan = path.join(tmp.dir, 'nan.onnx');
    writeFileSync(nan, tinyEncoder(new Float32Array(3 * DECA_CODE_LENGTH), new Float32Array(DECA_CODE_LENGTH).fill(NaN)));
    await expect(installEncoder(nan, dataDir)).rejects.toThrow(/is NaN.*\[limit onnxOutputMagnitude\]/);
    expect(existsSync(installedEncoderPath(dataDir))).toBe(false);

    const encoder = await DecaEncoder.open(garbage);
    try {
      await expect(encoder.encodeTensor(new Float32Array(3 * 224 * 224).fill(0.5))).rejects.toThrow(/\[limit onnxOutputMagnitude\]/);
    } finally {
      await encoder.dispose();
    }
    const wide = path.join(tmp.dir, 'wide.onnx');
    writeFileSync(wide, tinyEncoder(new Float32Array(3 * 5000), new Float32Array(5000), 224, 5000));
    await expect(installEncoder(wide, dataDir)).rejects.toThrow(/output params \[batch, 5000\] has 5000 values per image, over the limit of 4,096 \[limit onnxOutputValues\]/);
    const good = path.join(tmp.dir, 'good.onnx');
    writeFileSync(good, tinyEncoder(new Float32Array(3 * DECA_CODE_LENGTH).fill(0.1), new Float32Array(DECA_CODE_LENGTH)));
    expect(await installEncoder(good, dataDir)).toBe(installedEncoderPath(dataDir));
  });
});
