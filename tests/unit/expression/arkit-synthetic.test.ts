import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARKIT_BLENDSHAPES } from '../../../core/expression/arkit-names';
import { arkitShapeCount } from '../../../core/expression/arkit-basis';
import { arkitToPack } from '../../../core/expression/arkit-to-pack';
import { createArkitSolver } from '../../../core/expression/solve-arkit';
import type { HeadModel } from '../../../core/head-model/head-model';
import { importIctFaceKit, zipSourceFiles } from '../../../core/head-model/ict-facekit-import';
import { readZip } from '../../../core/head-model/zip-read';
import { fitPhotos } from '../../../core/reconstruct/fit-photos';
import { buildFitPoints } from '../../../core/reconstruct/fit-points';
import { rng, syntheticPerson } from '../../../core/reconstruct/synthetic-views';
import { buildStarterHead } from '../../../core/starter-head/build-starter-head';
import { readCanonicalFaceMeshAsset } from '../../../main/packs/starter-pack';
import { SHARED_DIR } from '../../helpers/temp-dir';

const ZIP = path.join(SHARED_DIR, 'models/ICT-FaceKit-master.zip');
const K = ARKIT_BLENDSHAPES.length;
const at = (name: string) => ARKIT_BLENDSHAPES.indexOf(name as (typeof ARKIT_BLENDSHAPES)[number]);
const mae = (a: ArrayLike<number>, b: ArrayLike<number>, only?: (k: number) => boolean) => {
  let s = 0, n = 0;
  for (let k = 0; k < K; k++) if (!only || only(k)) (s += Math.abs(a[k]! - b[k]!)), n++;
  return s / n;
};

/** ARKit weights with a few shapes active (0.3…0.9), the rest 0: what a captured expression looks like. */
function randomWeights(seed: number, active: number, allowed: (k: number) => boolean): Float32Array {
  const r = rng(seed), w = new Float32Array(K);
  for (let n = 0; n < active; ) {
    const k = Math.floor(r.uniform() * K);
    if (!allowed(k) || w[k]! > 0) continue;
    w[k] = 0.3 + 0.6 * r.uniform();
    n++;
  }
  return w;
}

describe.skipIf(!existsSync(ZIP))('ARKit weights from fitted geometry (synthetic truth on ICT-FaceKit)', () => {
  let ict: HeadModel;
  beforeAll(() => {
    ({ model: ict } = importIctFaceKit(zipSourceFiles(readZip(new Uint8Array(readFileSync(ZIP))))));
  }, 120_000);

  it('recovers the ARKit weights ICT-FaceKit was posed with, from noisy landmarks and face mesh of several views, within 0.1 mean absolute error', () => {
    // Eye-gaze shapes move the eyeballs, which no landmark sees; tongueOut is inside the mouth.
    const visible = (k: number) => !/^eyeLook|tongueOut/.test(ARKIT_BLENDSHAPES[k]!);
    const truth: Float32Array[] = [randomWeights(1, 10, visible), randomWeights(2, 10, visible), randomWeights(3, 10, visible)];
    const closed = new Float32Array(K);
    closed[at('eyeBlinkLeft')] = closed[at('eyeBlinkRight')] = 1;
    const open = new Float32Array(K);
    open[at('jawOpen')] = 0.7;
    truth.push(closed, open);
    const expressions = truth.map((w) => ({ expression: arkitToPack({ arkit: w }, ict).expression, jaw: [0, 0, 0] as [number, number, number] }));
    const person = syntheticPerson(ict, 7, truth.length, { maxYawDeg: 25, noisePx: 1.5, shapeStd: 1, scale: 1500, expressions });
    const fit = fitPhotos(buildFitPoints(ict), person.views);
    const solver = createArkitSolver(ict, null);
    expect(solver.method).toBe('own-shapes');
    const solved = fit.photos.map((p) => solver.solve(fit.shape, p));
    const errors = solved.map((w, i) => mae(w, truth[i]!));
    const rows = solved.map((w, i) => {
      const big = [...w].map((v, k) => [k, v] as const).filter(([k, v]) => v > 0.15 || truth[i]![k]! > 0).map(([k, v]) => `${ARKIT_BLENDSHAPES[k]} ${truth[i]![k]!.toFixed(2)}→${v.toFixed(2)}`);
      return `view ${i} (yaw ${person.views[i]!.yawDeg.toFixed(0)}°): MAE ${errors[i]!.toFixed(3)} | ${big.join(', ')}`;
    });
    const overall = errors.reduce((a, b) => a + b, 0) / errors.length;
    console.log(`ARKit from synthetic ICT-FaceKit views, joint fit: mean MAE ${overall.toFixed(3)}\n${rows.join('\n')}`);
    expect(overall).toBeLessThanOrEqual(0.1);
    errors.forEach((e) => expect(e).toBeLessThanOrEqual(0.1));
    // Closed eyes read as both blinks, an open mouth as jawOpen.
    expect(solved[3]![at('eyeBlinkLeft')]).toBeGreaterThanOrEqual(0.5);
    expect(solved[3]![at('eyeBlinkRight')]).toBeGreaterThanOrEqual(0.5);
    expect(solved[4]![at('jawOpen')]).toBeGreaterThanOrEqual(0.3);
    // A control: the recovered weights are nearer the truth than no expression at all (with ten
    // shapes active, all-zero weights are 0.10 off). Measured: 0.069 against 0.104 on the random
    // views, 0.024 / 0.006 against 0.038 / 0.013 on the closed eyes and the open mouth.
    const zero = truth.map((w) => mae(new Float32Array(K), w));
    console.log(`MAE of all-zero weights: ${zero.map((e) => e.toFixed(3)).join(' ')}`);
    const mean3 = (a: number[]) => (a[0]! + a[1]! + a[2]!) / 3;
    expect(mean3(errors)).toBeLessThan(0.8 * mean3(zero));
    for (const i of [3, 4]) expect(errors[i]).toBeLessThan(0.75 * zero[i]!);
  }, 120_000);

  it('transfers the starter head’s expressions through ICT-FaceKit’s ARKit shapes at the 468 FaceMesh points', async () => {
    const starter = buildStarterHead(await readCanonicalFaceMeshAsset());
    const names = new Set(starter.expression.names);
    const own = (k: number) => names.has(ARKIT_BLENDSHAPES[k]!);
    const viaIct = createArkitSolver(starter, ict), viaOwn = createArkitSolver(starter, null, { sparsity: 0 });
    expect([viaIct.method, viaIct.points, viaOwn.method]).toEqual(['ict-transfer', 'mediapipe468', 'own-shapes']);
    const shape = new Float64Array(starter.shape.count);
    const rows: string[] = [], results: { t: Float32Array; o: Float32Array; truth: Float32Array; label: string; keys: string[] }[] = [];
    const cases = [['smile', { mouthSmileLeft: 0.8, mouthSmileRight: 0.8 }], ['blink', { eyeBlinkLeft: 1, eyeBlinkRight: 1 }], ['jawOpen', { jawOpen: 0.7 }], ['brows', { browInnerUp: 0.8 }]] as const;
    for (const [label, w] of cases) {
      const truth = new Float32Array(K);
      for (const [n, v] of Object.entries(w)) truth[at(n)] = v;
      const posed = arkitToPack({ arkit: truth }, starter);
      const t = viaIct.solve(shape, posed), o = viaOwn.solve(shape, posed);
      const others = [...t].map((v, k) => [k, v] as const).filter(([k, v]) => v > 0.1 && truth[k] === 0).map(([k, v]) => `${ARKIT_BLENDSHAPES[k]} ${v.toFixed(2)}`);
      rows.push(`${label}: ${Object.keys(w).map((n) => `${n} ${t[at(n)]!.toFixed(2)} (own shapes ${o[at(n)]!.toFixed(2)})`).join(', ')}; others ${others.join(', ') || 'none'}`);
      results.push({ t, o, truth, label, keys: Object.keys(w) });
    }
    console.log(`starter head → ICT-FaceKit ARKit shapes (468 points):\n${rows.join('\n')}`);
    for (const { t, o, truth, label, keys } of results) {
      // Its own names give back what posed it (the basis is consistent) …
      expect(mae(o, truth, own)).toBeLessThan(0.02);
      // … and through ICT the same movement: the starter's shapes move less than ICT's (its smile
      // moves the mouth corners half as far), so the weights are smaller but the shape is the one.
      for (const n of keys) expect(t[at(n)]).toBeGreaterThan(0.1);
      if (label !== 'blink') expect(Math.max(...[...t].filter((_, k) => !keys.includes(ARKIT_BLENDSHAPES[k]!)))).toBeLessThan(Math.min(...keys.map((n) => t[at(n)]!)));
      // Left and right stay symmetric.
      if (keys.length === 2) expect(Math.abs(t[at(keys[0]!)]! - t[at(keys[1]!)]!)).toBeLessThan(0.05);
    }
  }, 60_000);

  it('retargets to and solves from a pack without ARKit names (PCA modes, 68 landmarks only) by least squares', () => {
    // A FLAME-like pack: ICT's expression space re-mixed into unnamed modes, no FaceMesh region.
    const r = rng(11), Ke = ict.expression.count, V3 = ict.vertexCount * 3;
    const mix = Float64Array.from({ length: Ke * Ke }, () => r.normal() / Math.sqrt(Ke));
    const data = new Float32Array(Ke * V3);
    for (let a = 0; a < Ke; a++) for (let b = 0; b < Ke; b++) {
      const m = mix[a * Ke + b]!, src = ict.expression.data.subarray(b * V3, (b + 1) * V3), dst = data.subarray(a * V3, (a + 1) * V3);
      for (let i = 0; i < V3; i++) dst[i] += m * src[i]!;
    }
    const { mediapipe468: _dropped, ...regions } = ict.regions;
    const pca: HeadModel = { ...ict, id: 'pca-test', expression: { count: Ke, data, names: [] }, regions };
    expect(arkitShapeCount(pca)).toBe(0);
    expect(() => arkitToPack({ arkit: new Float32Array(K) }, pca)).toThrow(/no ICT-FaceKit pack is installed/);
    expect(() => createArkitSolver(pca, null)).toThrow(/no ICT-FaceKit pack is installed/);
    const solver = createArkitSolver(pca, ict);
    expect([solver.method, solver.points]).toEqual(['ict-transfer', 'landmarks51']);
    const shape = new Float64Array(pca.shape.count);
    const smile = new Float32Array(K), open = new Float32Array(K);
    smile[at('mouthSmileLeft')] = smile[at('mouthSmileRight')] = 0.8;
    open[at('jawOpen')] = 0.7;
    const rows: string[] = [];
    for (const [label, truth, key] of [['smile', smile, 'mouthSmileLeft'], ['jawOpen', open, 'jawOpen']] as const) {
      const onPca = arkitToPack({ arkit: truth }, pca, { ict });
      const back = solver.solve(shape, onPca);
      rows.push(`${label}: ${key} ${truth[at(key)]!.toFixed(2)} → ${back[at(key)]!.toFixed(2)} (jaw ${onPca.jaw[0].toFixed(3)} rad), MAE ${mae(back, truth).toFixed(3)}`);
      expect(back[at(key)]).toBeGreaterThan(0.4);
      expect(mae(back, truth)).toBeLessThan(0.08);
    }
    console.log(`PCA pack ↔ ICT-FaceKit ARKit shapes (51 landmarks):\n${rows.join('\n')}`);
  }, 60_000);
});
