import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { displaceAlongNormals } from '../../core/deca/deca-displacement-on-pack';
import { syntheticHeadModel } from '../../core/head-model/synthetic-head-model';
import { vertexNormals } from '../../core/head-model/vertex-normals';
import { decaCropTensor } from '../../main/deca/deca-encoder';
import { installedDetailDir } from '../../main/deca/detail-store';
import { PackStore } from '../../main/packs/pack-store';
import { Studio } from '../../main/services/studio';
import { discMask, maskPng, npyFloat64, predictUvZ, sphereTemplateObj, tinyDetailDecoder, tinyDetailEncoder, UV, uvPattern } from '../helpers/deca-detail-fixtures';
import { ensureBuilt, runCli } from '../helpers/cli';
import { makeTempDir, SHARED_PHOTOS } from '../helpers/temp-dir';

const PHOTO = path.join(SHARED_PHOTOS, 'london_frl/p002/002_03_neutral_front.jpg');
const N = UV * UV;
const W = Float32Array.from({ length: 3 * 128 }, (_, i) => 0.8 * Math.cos(i * 0.3));
const B = Float32Array.from({ length: 128 }, (_, i) => 0.002 * i - 0.1);
const PATTERN = uvPattern();
/** The coarse code's expression and jaw the detail decoder is conditioned on. */
const EXP = Float32Array.from({ length: 50 }, (_, i) => 0.3 * Math.sin(i + 1));
const JAW = [0.15, 0.01, -0.02];
const FIXED = Float64Array.from({ length: N }, (_, k) => 0.0008 * Math.sin(k / 1000));

/**
 * An independent bilinear read of DECA's UV image (row 0 = v = 1, texel centres at (j + ½)/256),
 * written out from grid_sample's definition rather than calling the code under test.
 */
function gridSample(map: Float32Array, u: number, v: number): number {
  // grid_sample(align_corners=False): grid g ∈ [−1, 1] → pixel ((g + 1)·size − 1)/2, clamped at the border.
  const x = Math.min(UV - 1, Math.max(0, ((2 * u - 1 + 1) * UV - 1) / 2)), y = Math.min(UV - 1, Math.max(0, ((1 - 2 * v + 1) * UV - 1) / 2));
  const x0 = Math.floor(x), y0 = Math.floor(y), fx = x - x0, fy = y - y0;
  const at = (r: number, c: number) => map[Math.min(UV - 1, r) * UV + Math.min(UV - 1, c)]!;
  return (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) + fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
}

describe.skipIf(!existsSync(PHOTO))("DECA's detail networks on a FLAME-structured pack (stand-in networks, a real photo)", () => {
  const tmp = makeTempDir('deca-detail-pack-');
  const home = path.join(tmp.dir, 'home');
  const env = { DECA_STUDIO_HOME: home };
  const file = (name: string) => path.join(tmp.dir, name);
  const pack = syntheticHeadModel({ seed: 5 }); // FLAME-sized: 5023 vertices, 100 shape and 50 expression modes
  pack.id = 'flame-fixture';
  const template = sphereTemplateObj(pack);
  const install = (...extra: string[]) => runCli(['detail', 'install', file('E.onnx'), file('D.onnx'), '--uv', file('head_template.obj'), '--mask', file('mask.png'), ...extra], env);

  beforeAll(async () => {
    ensureBuilt();
    writeFileSync(file('E.onnx'), tinyDetailEncoder(W, B));
    writeFileSync(file('D.onnx'), tinyDetailDecoder(PATTERN));
    writeFileSync(file('D-nan.onnx'), tinyDetailDecoder(PATTERN, { nan: true }));
    writeFileSync(file('head_template.obj'), template.text);
    writeFileSync(file('mask.png'), await maskPng((r, c) => discMask(r, c)));
    writeFileSync(file('fixed.npy'), npyFloat64([UV, UV], FIXED));
    await new PackStore(path.join(home, 'packs')).save(pack);
    const other = syntheticHeadModel({ vertices: 1200, seed: 2 });
    other.id = 'not-flame';
    await new PackStore(path.join(home, 'packs')).save(other);
  }, 120_000);
  afterAll(() => tmp.cleanup());

  it('detail install checks its inputs and refuses a decoder with non-finite outputs', () => {
    expect(runCli(['detail', 'install', file('E.onnx'), file('D.onnx'), '--uv', file('head_template.obj')], env).code).toBe(64);
    const nan = runCli(['detail', 'install', file('E.onnx'), file('D-nan.onnx'), '--uv', file('head_template.obj'), '--mask', file('mask.png')], env);
    expect(nan.code).toBe(1);
    expect(nan.stderr).toMatch(/D_detail gives a non-finite displacement on a probe code/);
    expect(existsSync(installedDetailDir(home))).toBe(false);
    const ok = install();
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/Installed DECA's detail networks at .*no fixed displacement/);
  });

  it("runs on a photo's face crop in the inference worker and lands on the pack", async () => {
    const studio = new Studio({ mode: 'cli', version: 'test', settingsDir: home });
    try {
      const { image } = await studio.pool.run('photo.decode', { path: PHOTO, maxSide: null });
      const faces = await studio.pool.run('face.analyze', { image, mesh: false }, { lane: 'inference' });
      const toCrop = faces.faces[faces.selected!]!.decaCrop!.toCrop;
      const ref = await studio.models.pack('flame-fixture');
      const run = async () => (await studio.pool.run('deca.detail', { detailDir: installedDetailDir(home), pack: ref, crops: [{ image, toCrop, exp: EXP, jaw: JAW }] }, { lane: 'inference' }))[0]!;
      const r = await run();

      // E_detail saw the face crop: the stand-in's code is the crop's mean colour through W and b.
      const crop = decaCropTensor(image, toCrop);
      const mean = [0, 1, 2].map((c) => crop.subarray(c * 224 * 224, (c + 1) * 224 * 224).reduce((a, b) => a + b, 0) / (224 * 224));
      expect(mean[0]).toBeGreaterThan(mean[2]!); // skin: more red than blue
      const code = Float32Array.from({ length: 128 }, (_, j) => mean[0]! * W[j]! + mean[1]! * W[128 + j]! + mean[2]! * W[256 + j]! + B[j]!);
      for (let j = 0; j < 128; j++) expect(r.code[j]).toBeCloseTo(code[j]!, 4);
      const uvZ = predictUvZ(PATTERN, JAW, EXP, code);
      expect(Math.max(...r.uvZ.map((v, k) => Math.abs(v - uvZ[k]!)))).toBeLessThan(1e-6);

      // The UV map: uv_z where the mask is (scaled by it), exactly zero outside (no fixed map installed).
      let inside = 0, nonZeroInside = 0;
      for (let k = 0; k < N; k++) {
        const m = discMask(Math.floor(k / UV), k % UV) / 255;
        expect(Number.isFinite(r.displacement[k]!)).toBe(true);
        if (m === 0) expect(r.displacement[k]).toBe(0);
        else {
          inside++;
          if (r.displacement[k] !== 0) nonZeroInside++;
          expect(r.displacement[k]).toBeCloseTo(uvZ[k]! * m, 7);
        }
      }
      expect(nonZeroInside / inside).toBeGreaterThan(0.99);

      // On the pack: each vertex has the bilinear sample of the map at its template UV(s).
      const d = r.vertexDisplacement!;
      expect(d).toHaveLength(5023);
      const uvsOf = Array.from({ length: 5023 }, () => new Set<number>());
      for (let f = 0; f < pack.triangles.length; f += 3) {
        const c = [0, 1, 2].map((i) => pack.triangles[f + i]!), us = c.map((v) => template.uvOf(v)[0]);
        const wraps = Math.max(...us) - Math.min(...us) > 0.5;
        c.forEach((v, i) => uvsOf[v]!.add(wraps && us[i]! < 0.5 ? 1 : 0));
      }
      let landed = 0, outside = 0;
      for (let v = 0; v < 5023; v++) {
        expect(Number.isFinite(d[v]!)).toBe(true);
        const [u, w] = template.uvOf(v);
        const samples = [...uvsOf[v]!].map((shift) => gridSample(r.displacement, u + shift, w));
        const want = samples.length ? samples.reduce((a, b) => a + b, 0) / samples.length : 0;
        expect(d[v]).toBeCloseTo(want, 7); // the OBJ's UVs are read as float32
        const dist = Math.hypot(u - 0.5, w - 0.5);
        if (dist < 0.24 && Math.abs(d[v]!) > 1e-6) landed++;
        if (dist > 0.31 && samples.length) (expect(d[v]).toBe(0), outside++);
      }
      expect(landed).toBeGreaterThan(500); // the face's vertices carry detail
      expect(outside).toBeGreaterThan(1500); // the back of the head carries none
      // Applied along the normals, each vertex moves by its displacement.
      const moved = displaceAlongNormals(pack.template, pack.triangles, d);
      const normals = new Float32Array(pack.template.length);
      vertexNormals(pack.template, pack.triangles, normals);
      for (const v of [100, 2500, 4000]) for (let a = 0; a < 3; a++) expect(moved[v * 3 + a]! - pack.template[v * 3 + a]!).toBeCloseTo(normals[v * 3 + a]! * d[v]!, 7);

      // With DECA's fixed displacement installed it is added everywhere, as displacement2normal adds it.
      expect(install('--fixed', file('fixed.npy')).code).toBe(0);
      const withFixed = await run();
      for (let k = 0; k < N; k += 97) {
        const m = discMask(Math.floor(k / UV), k % UV) / 255;
        expect(withFixed.displacement[k]).toBeCloseTo(uvZ[k]! * m + FIXED[k]!, 7);
      }
      const masked = (await studio.pool.run('deca.detail', { detailDir: installedDetailDir(home), pack: null, crops: [{ image, toCrop, exp: EXP, jaw: JAW }], options: { fixed: 'mask' } }, { lane: 'inference' }))[0]!;
      expect(masked.vertexDisplacement).toBeNull();
      expect(masked.displacement[0]).toBe(0); // corner texel: outside the mask

      // A pack without FLAME's topology is refused, not given someone else's displacement. (One studio per
      // test process: onnxruntime-node's binding cannot be loaded by a second inference worker thread.)
      const other = await studio.models.pack('not-flame');
      await expect(studio.pool.run('deca.detail', { detailDir: installedDetailDir(home), pack: other, crops: [{ image, toCrop, exp: EXP, jaw: JAW }] }, { lane: 'inference' })).rejects.toThrow(
        /pack "not-flame" does not have the topology of DECA's head_template.obj .*1200 vertices/,
      );
    } finally {
      await studio.dispose();
    }
  }, 120_000);
});
