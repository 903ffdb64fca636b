import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFlameUvLayout } from '../../core/head-model/flame-import';
import { parseObj } from '../../core/head-model/obj-parse';
import { syntheticHeadModel } from '../../core/head-model/synthetic-head-model';
import type { MetricsReport } from '../../main/cli/commands/metrics';
import { decaCropTensor } from '../../main/deca/deca-encoder';
import { loadDetail } from '../../main/detail/stored-detail';
import { PackStore } from '../../main/packs/pack-store';
import { Studio } from '../../main/services/studio';
import { maskPng, npyFloat64, predictUvZ, sphereTemplateObj, tinyDetailDecoder, tinyDetailEncoder, UV, uvPattern } from '../helpers/deca-detail-fixtures';
import { ensureBuilt, runCli } from '../helpers/cli';
import { makeTempDir, SHARED_DIR, SHARED_PHOTOS } from '../helpers/temp-dir';

const DIR = path.join(SHARED_PHOTOS, 'london_frl/p002');
const ICT = path.join(SHARED_DIR, 'models/ICT-FaceKit-master.zip');
const N = UV * UV;
// E_detail's stand-in: red minus green carries the code's mean (which is what the D stand-in reads), so two photos give two displacements.
const W = Float32Array.from({ length: 3 * 128 }, (_, i) => [8, -8, 0][Math.floor(i / 128)]! + 0.3 * Math.cos(i * 0.3));
const B = Float32Array.from({ length: 128 }, (_, i) => 0.002 * i - 0.1);
const PATTERN = uvPattern();
const FIXED = Float64Array.from({ length: N }, (_, k) => 0.0008 * Math.sin(k / 1000));
/**
 * The fixture's detail mask: the sphere head above its chin (the fitted sphere shows its upper half in
 * the photos), with a half-weight band below, as DECA's mask has soft edges.
 */
const faceMask = (row: number, col: number) => (col < 8 || col >= 248 ? 0 : row < 200 ? 255 : row < 220 ? 128 : 0);

/**
 * DECA's detail method through the CLI on a FLAME-structured pack with DECA's UV layout, with
 * stand-in detail networks whose outputs the test computes on its own (`predictUvZ`: D's formula
 * written out, not run through ONNX): the job, its stored maps, metrics, swap and the refusals.
 */
describe.skipIf(!existsSync(DIR))('deca-studio detail --method deca (stand-in DECA networks, FLAME-structured pack with DECA UVs)', () => {
  const tmp = makeTempDir('deca-method-');
  const home = path.join(tmp.dir, 'home');
  const env = { DECA_STUDIO_HOME: home };
  const proj = path.join(tmp.dir, 'P.decastudio');
  const file = (name: string) => path.join(tmp.dir, name);
  const cli = (...args: string[]) => runCli(args, env);
  const pack = syntheticHeadModel({ seed: 5 }); // FLAME-sized: 5023 vertices, 100 shape and 50 expression modes, a jaw
  pack.id = 'flame-deca';
  const template = sphereTemplateObj(pack);

  beforeAll(async () => {
    ensureBuilt();
    writeFileSync(file('E.onnx'), tinyDetailEncoder(W, B));
    writeFileSync(file('D.onnx'), tinyDetailDecoder(PATTERN));
    writeFileSync(file('head_template.obj'), template.text);
    writeFileSync(file('mask.png'), await maskPng(faceMask));
    writeFileSync(file('fixed.npy'), npyFloat64([UV, UV], FIXED));
    const store = new PackStore(path.join(home, 'packs'));
    // The same model without a UV layout: FLAME-compatible, but DECA's maps are not its maps.
    const bare = syntheticHeadModel({ seed: 5 });
    bare.id = 'flame-bare';
    await store.save(bare);
    applyFlameUvLayout(pack, parseObj(Buffer.from(template.text)));
    await store.save(pack);
    expect(cli('project', 'create', proj, '--name', 'P').code).toBe(0);
    const photos = ['002_03_neutral_front.jpg', '002_08_smiling_front.jpg'].map((f) => path.join(DIR, f));
    expect(cli('import', proj, '--subject', 'p002', ...photos).code).toBe(0);
  }, 120_000);
  afterAll(() => tmp.cleanup());

  it('refuses --method deca where it cannot run, saying what is missing', () => {
    expect(cli('detail', proj, '--pack', 'flame-deca', '--method', 'dreams').code).toBe(64);
    const none = cli('detail', proj, '--pack', 'flame-deca', '--method', 'deca');
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/The DECA detail method cannot run on pack "flame-deca": No DECA detail networks are installed .*detail install/);
    const install = cli('detail', 'install', file('E.onnx'), file('D.onnx'), '--uv', file('head_template.obj'), '--mask', file('mask.png'), '--fixed', file('fixed.npy'));
    expect(install.code, install.stderr).toBe(0);
    const bare = cli('detail', proj, '--pack', 'flame-bare', '--method', 'deca');
    expect(bare.code).toBe(1);
    expect(bare.stderr).toMatch(/pack "flame-bare" has no UV layout \(import FLAME with --uv head_template.obj/);
    expect(cli('detail', proj, '--pack', 'flame-deca', '--method', 'deca', '--size', '512').stderr).toMatch(/makes 256² maps/);
  });

  it.skipIf(!existsSync(ICT))('refuses --method deca on ICT-FaceKit', () => {
    expect(cli('packs', 'import', ICT).code).toBe(0);
    const ict = cli('detail', proj, '--pack', 'ict-facekit', '--method', 'deca');
    expect(ict.code).toBe(1);
    expect(ict.stderr).toMatch(/The DECA detail method cannot run on pack "ict-facekit": pack "ict-facekit" does not have FLAME's topology: it has 26719 vertices, DECA's head_template.obj 5023/);
    expect(ict.stdout).toBe('');
  });

  it("stores D(mean code, 0, 0) as the static map, wrinkles per group, each photo's error; swap uses D(δ_j, ψ_i, jaw_i)", async () => {
    const run = cli('detail', proj, '--pack', 'flame-deca', '--method', 'deca');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^p002: detail solved for 2 photos in [\d.]+ s, photometric RMS 0\.\d+ coarse → 0\.\d+ with detail .*code length 128, method deca$/m);
    expect(run.stdout).toMatch(/detail: done .*DECA's detail networks/);

    // Without --method the pack (FLAME, DECA's UVs, networks installed) takes DECA's: the stored layer is current.
    const again = cli('detail', proj, '--pack', 'flame-deca');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^p002: detail reused for 2 photos .*method deca$/m);

    const mask = Float32Array.from({ length: N }, (_, k) => faceMask(Math.floor(k / UV), k % UV) / 255);
    const studio = new Studio({ mode: 'cli', version: 'test', settingsDir: home });
    let photoIds: number[] = [];
    let fits: { photoId: number; expression: number[]; jaw: number[] }[] = [];
    try {
      const project = await studio.openProject(proj, { readonly: true });
      const library = project.library;
      const rec = library.reconstructions.latestForSubject(library.reads.findSubjectByName('p002')!.id, 'flame-deca')!;
      fits = library.reconstructions.fitsOf(rec.id).map((f) => ({ photoId: f.photoId, expression: f.fit.expression, jaw: f.fit.jaw }));
      photoIds = fits.map((f) => f.photoId);
      expect(photoIds).toHaveLength(2);
      const detail = loadDetail(project, rec.id)!;
      expect(detail.meta).toMatchObject({ version: 'detail-deca-1', method: 'deca', size: 256, codeLength: 128, iterations: 0 });
      expect(detail.meta.networks).toMatch(/^[0-9a-f]{64}$/);

      // Each photo's code is E_detail's on the photo's DECA crop: the stand-in's mean crop colour through W and b.
      const codes = photoIds.map((id) => detail.meta.codes[String(id)]!);
      for (const [i, f] of library.reconstructions.fitsOf(rec.id).entries()) {
        const toCrop = library.faces.get(f.photoId)!.faces[f.faceIndex]!.decaCrop!.toCrop;
        const crop = decaCropTensor((await studio.photoCache.get(project, library.reads.getPhoto(f.photoId)!, null)).image, toCrop);
        const colour = [0, 1, 2].map((c) => crop.subarray(c * 224 * 224, (c + 1) * 224 * 224).reduce((x, y) => x + y, 0) / (224 * 224));
        expect(colour[0]).toBeGreaterThan(colour[2]!); // skin: more red than blue
        for (let j = 0; j < 128; j++) expect(codes[i]![j]).toBeCloseTo(colour[0]! * W[j]! + colour[1]! * W[128 + j]! + colour[2]! * W[256 + j]! + B[j]!, 3); // float32 sums over 224² pixels in ONNX
      }
      expect(Math.max(...codes[0]!.map((v, j) => Math.abs(v - codes[1]![j]!)))).toBeGreaterThan(1e-3); // two photos, two codes
      const mean = codes[0]!.map((v, j) => (v + codes[1]![j]!) / 2);
      detail.meta.subjectCode.forEach((v, j) => expect(v).toBeCloseTo(mean[j]!, 5));

      // The static map is D(δ̄, ψ = 0, jaw = 0) with DECA's fixed displacement, masked: (uv_z + fixed)·mask.
      const zero50 = new Array<number>(50).fill(0);
      const uvStatic = predictUvZ(PATTERN, [0, 0, 0], zero50, detail.meta.subjectCode);
      const staticWant = Float32Array.from(uvStatic, (z, k) => (z + FIXED[k]!) * mask[k]!);
      const staticErr = maxAbs(detail.maps.displacement, staticWant);
      expect(staticErr / 0.01).toBeLessThan(1e-4); // within 1e-4 of D's range (max_z = 0.01 m)
      expect(Math.max(...detail.maps.displacement.map(Math.abs))).toBeGreaterThan(2e-4);
      for (let k = 0; k < N; k++) expect(detail.maps.mask[k]).toBe(mask[k]! > 0 ? 1 : 0);

      // One wrinkle map per expression group (FLAME's PCA: mode0…mode7), D(δ̄, e_g, 0) − static.
      expect(detail.meta.groups.map((g) => g.name)).toEqual(['mode0', 'mode1', 'mode2', 'mode3', 'mode4', 'mode5', 'mode6', 'mode7']);
      expect(detail.maps.wrinkles).toHaveLength(8);
      for (const [g, w] of detail.maps.wrinkles.entries()) {
        const e = zero50.map((_, m) => (m === g ? 1 : 0));
        const want = Float32Array.from(predictUvZ(PATTERN, [0, 0, 0], e, detail.meta.subjectCode), (z, k) => (z - uvStatic[k]!) * mask[k]!);
        expect(maxAbs(w.displacement, want) / 0.01).toBeLessThan(1e-4);
        expect(Math.max(...w.displacement.map(Math.abs))).toBeGreaterThan(1e-6); // the stand-in's ψ weight is small, but not nothing
      }
      console.log(`DECA method: static map max |Δ| vs D(δ̄, 0, 0) ${staticErr.toExponential(2)} m (max |D| ${Math.max(...staticWant.map(Math.abs)).toFixed(5)} m)`);
    } finally {
      await studio.dispose();
    }

    // metrics --json carries each photo's detail RMS; the swap prints the agreed JSON and its "own" is that RMS.
    const metrics = JSON.parse(cli('metrics', proj, '--pack', 'flame-deca', '--json').stdout) as MetricsReport;
    const photos = metrics.subjects[0]!.photos;
    expect(photos).toHaveLength(2);
    // The stand-in sphere fits p002 badly (NME ≈ 0.36): since the 68 landmarks' jaw refinement, none of its
    // detail texels falls inside the photos' FaceMesh mask, so the shared measure reports 0 for both; when
    // some are seen, the DECA detail must change the error.
    const observed = photos.every((p) => p.detail!.photometricRmsCoarse > 0);
    for (const p of photos) {
      expect(Number.isFinite(p.detail!.photometricRmsCoarse) && p.detail!.photometricRmsCoarse >= 0).toBe(true);
      expect(Number.isFinite(p.detail!.photometricRmsDetail) && p.detail!.photometricRmsDetail >= 0).toBe(true);
      if (observed) expect(p.detail!.photometricRmsDetail).not.toBe(p.detail!.photometricRmsCoarse);
    }
    const [a, b] = photoIds;
    const out = file('swap.png');
    const swap = cli('swap', proj, '--photo', String(a), '--detail-from', String(b), '--json', '--out', out);
    expect(swap.code, swap.stderr).toBe(0);
    const sj = JSON.parse(swap.stdout) as { photo: number; detailFrom: number; samePerson: boolean; photometricRms: { coarse: number; own: number; swapped: number } };
    expect(Object.keys(sj)).toEqual(['photo', 'detailFrom', 'samePerson', 'photometricRms']);
    expect(Object.keys(sj.photometricRms)).toEqual(['coarse', 'own', 'swapped']);
    expect(sj).toMatchObject({ photo: a, detailFrom: b, samePerson: true });
    const mine = photos.find((p) => p.photoId === a)!.detail!;
    expect(sj.photometricRms.coarse).toBeCloseTo(mine.photometricRmsCoarse, 5);
    expect(sj.photometricRms.own).toBeCloseTo(mine.photometricRmsDetail, 5);
    // Photo b's code is another displacement; photo a's own code swapped in is its own detail exactly.
    if (observed) expect(Math.abs(sj.photometricRms.swapped - sj.photometricRms.own)).toBeGreaterThan(5e-6);
    const self = JSON.parse(cli('swap', proj, '--photo', String(a), '--detail-from', String(a), '--json').stdout) as typeof sj;
    expect(self.photometricRms).toEqual({ ...sj.photometricRms, swapped: sj.photometricRms.own });
    const png = await sharp(readFileSync(out)).metadata();
    expect([png.width, png.height]).toEqual([1350, 1350]); // the photo, rendered over with the swapped detail
    console.log(`DECA method swap: ${swap.stdout.trim()}; metrics ${photos.map((p) => `${p.detail!.photometricRmsCoarse.toFixed(4)} → ${p.detail!.photometricRmsDetail.toFixed(4)}`).join(', ')}`);
  }, 300_000);
});

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
