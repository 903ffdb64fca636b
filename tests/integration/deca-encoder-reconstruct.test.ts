import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DECA_CODE_LENGTH, splitDecaCode } from '../../core/deca/deca-code';
import { decaCodeToFit } from '../../core/deca/deca-init';
import { syntheticHeadModel } from '../../core/head-model/synthetic-head-model';
import { PackStore } from '../../main/packs/pack-store';
import { Studio } from '../../main/services/studio';
import { OnnxGraph } from '../../native-models/onnx/onnx-graph';
import { ensureBuilt, runCli } from '../helpers/cli';
import { makeTempDir, SHARED_PHOTOS } from '../helpers/temp-dir';

const DIR = path.join(SHARED_PHOTOS, 'london_frl/p002');

/** A stand-in with DECA's signature (image [batch, 3, 224, 224] → [batch, 236]) whose output is `code` whatever the image. */
function constantEncoder(code: Float32Array): Uint8Array {
  const g = new OnnxGraph('constant-deca');
  const x = g.input('image', ['batch', 3, 224, 224]);
  const mean = g.node('ReduceMean', [x], { axes: { ints: [2, 3] }, keepdims: { i: 0 } });
  const zero = g.constFloat('w', [3, DECA_CODE_LENGTH], new Float32Array(3 * DECA_CODE_LENGTH));
  g.output(g.node('Add', [g.node('MatMul', [mean, zero]), g.constFloat('b', [DECA_CODE_LENGTH], code)]), 'params', ['batch', DECA_CODE_LENGTH]);
  return g.toBytes();
}

/** A plausible DECA code: a turned head, slightly open jaw, camera scale ~9 (the head fills the crop). */
const CODE = Float32Array.from({ length: DECA_CODE_LENGTH }, (_, i) => {
  if (i < 100) return 0.7 * Math.sin(i + 1);
  if (i < 150) return 0.2 * Math.cos(i);
  if (i < 200) return 0.5 * Math.sin(2 * i);
  return [0.05, 0.25, -0.03, 0.12, 0.01, 0, 9.2, 0.004, 0.021][i - 200] ?? 0.3 + 0.01 * (i - 209);
});

describe.skipIf(!existsSync(DIR))('deca-studio reconstruct --init encoder (tiny constant encoder, FLAME-structured pack)', () => {
  const tmp = makeTempDir('deca-enc-recon-');
  const home = path.join(tmp.dir, 'home');
  const env = { DECA_STUDIO_HOME: home };
  const proj = path.join(tmp.dir, 'P.decastudio');
  const model = path.join(tmp.dir, 'constant.onnx');
  const cli = (...args: string[]) => runCli(args, env);
  beforeAll(async () => {
    ensureBuilt();
    writeFileSync(model, constantEncoder(CODE));
    const flame = syntheticHeadModel({ vertices: 1200, shapeCount: 100, expressionCount: 50, seed: 4 });
    flame.id = 'flame-fixture';
    await new PackStore(path.join(home, 'packs')).save(flame);
    expect(cli('project', 'create', proj, '--name', 'P').code).toBe(0);
    const files = ['002_03_neutral_front.jpg', '002_01_neutral_left_profile.jpg'].map((f) => path.join(DIR, f));
    expect(cli('import', proj, '--subject', 'p002', ...files).code).toBe(0);
  }, 120_000);
  afterAll(() => tmp.cleanup());

  it('refuses clearly: no encoder installed, a pack DECA does not fit, --no-refine without the encoder', () => {
    const none = cli('reconstruct', proj, '--pack', 'flame-fixture', '--init', 'encoder');
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/No DECA encoder is installed .*deca-studio encoder install/);
    expect(cli('encoder', 'install', model).code).toBe(0);
    const starter = cli('reconstruct', proj, '--init', 'encoder');
    expect(starter.code).toBe(1);
    expect(starter.stderr).toMatch(/pack "starter-head" is not FLAME-compatible: DECA's code needs 100 shape modes .*a jaw joint|pack "starter-head" is not FLAME-compatible/);
    expect(cli('reconstruct', proj, '--no-refine').code).toBe(64);
    expect(cli('reconstruct', proj, '--init', 'dreams').code).toBe(64);
  });

  it('stores the encoder’s code mapped onto the pack, unrefined, and refines it when asked', async () => {
    const run = cli('reconstruct', proj, '--pack', 'flame-fixture', '--init', 'encoder', '--no-refine');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/p002: 1 fitted .*1 without a usable face/);

    const studio = new Studio({ mode: 'cli', version: 'test', settingsDir: home });
    let unrefinedNme = 0;
    try {
      const project = await studio.openProject(proj, { readonly: true });
      const library = project.library;
      expect(library.reconstructions.count()).toBe(1);
      const sub = library.reconstructions.latestForSubject(library.reads.findSubjectByName('p002')!.id, 'flame-fixture')!;
      const [rec, ...more] = library.reconstructions.fitsOf(sub.id);
      expect(more).toHaveLength(0);
      const stored = library.faces.get(rec!.photoId)!;
      const toCrop = stored.faces[stored.selectedFace!]!.decaCrop!.toCrop;
      const want = decaCodeToFit(await studio.packs.load('flame-fixture'), splitDecaCode(CODE), toCrop);
      const r6 = (v: number) => Math.round(v * 1e6) / 1e6;
      const p = rec!.fit;
      unrefinedNme = rec!.metrics.nme;
      expect(sub.options.init).toBe('encoder');
      expect(sub.options.refine).toBe(false);
      expect(sub.shape).toEqual(Array.from(want.shape, r6));
      expect(p.expression).toEqual(Array.from(want.fit.expression, r6));
      expect(p.rotation).toEqual(want.fit.rotation.map(r6));
      expect(p.jaw).toEqual(want.fit.jaw.map(r6));
      expect(p.encoderLight).toEqual(Array.from(want.light, r6));
      expect(p.light).toHaveLength(27); // the photometric estimate against the subject's albedo, which replaces DECA's
      expect(p.camera.scale).toBeCloseTo(want.fit.camera.scale, 9);
      expect(p.camera.tx).toBeCloseTo(want.fit.camera.tx, 9);
      expect(p.camera.ty).toBeCloseTo(want.fit.camera.ty, 9);
      // the head lands on the face: the camera puts the model origin inside the DECA crop
      const face = stored.faces[stored.selectedFace!]!;
      expect(Math.abs(p.camera.tx - face.decaCrop!.center[0]!)).toBeLessThan(face.decaCrop!.size / 2);
      expect(Math.abs(p.camera.ty - face.decaCrop!.center[1]!)).toBeLessThan(face.decaCrop!.size / 2);
    } finally {
      await studio.dispose();
    }

    // A stored encoder-only result is not reused for a refined run, which moves away from the code.
    const refined = cli('reconstruct', proj, '--pack', 'flame-fixture', '--init', 'encoder');
    expect(refined.code, refined.stderr).toBe(0);
    expect(refined.stdout).toMatch(/p002: 1 fitted/);
    const again = new Studio({ mode: 'cli', version: 'test', settingsDir: home });
    try {
      const library = (await again.openProject(proj, { readonly: true })).library;
      const sub = library.reconstructions.latestForSubject(library.reads.findSubjectByName('p002')!.id, 'flame-fixture')!;
      expect(sub.options.init).toBe('encoder');
      expect(sub.options.refine).toBe(true);
      // the fit moved the start towards the landmarks (a sphere-like fixture head: still far off)
      expect(library.reconstructions.fitsOf(sub.id)[0]!.metrics.nme).toBeLessThan(unrefinedNme);
    } finally {
      await again.dispose();
    }
  });
});
