import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARKIT_BLENDSHAPES } from '../../../core/expression/arkit-names';
import { arkitToPack } from '../../../core/expression/arkit-to-pack';
import { createArkitSolver } from '../../../core/expression/solve-arkit';
import type { HeadModel } from '../../../core/head-model/head-model';
import { HeadModelEvaluator } from '../../../core/head-model/head-model-evaluator';
import { faceToJson } from '../../../core/perception/face-json';
import { fitPhotos } from '../../../core/reconstruct/fit-photos';
import { buildFitPoints } from '../../../core/reconstruct/fit-points';
import { renderShadedHead } from '../../../core/reconstruct/render-shaded-head';
import { observationOf } from '../../../core/reconstruct/stages/perceive-stage';
import { syntheticPerson } from '../../../core/reconstruct/synthetic-views';
import { FaceAnalyzer } from '../../../main/perception/face-analyzer';
import { ICT_ZIP, installedIctPack } from '../../helpers/ict-pack';
import { TEST_MODEL_DIR, testModelFiles } from '../../helpers/perception';
import { syntheticFaceAlbedo } from '../../helpers/synthetic-face-albedo';

const K = ARKIT_BLENDSHAPES.length;
const at = (name: string) => ARKIT_BLENDSHAPES.indexOf(name as (typeof ARKIT_BLENDSHAPES)[number]);
const mae = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let k = 0; k < K; k++) s += Math.abs(a[k]! - b[k]!);
  return s / K;
};

/** Distinct expressions as ARKit weights (the rest 0). */
const CASES: readonly [string, Record<string, number>][] = [
  ['neutral', {}],
  ['smile', { mouthSmileLeft: 0.8, mouthSmileRight: 0.8 }],
  ['jaw open', { jawOpen: 0.6 }],
  ['blink', { eyeBlinkLeft: 1, eyeBlinkRight: 1 }],
  ['brows up', { browInnerUp: 0.8, browOuterUpLeft: 0.7, browOuterUpRight: 0.7 }],
  ['pucker', { mouthPucker: 0.8 }],
  ['funnel', { mouthFunnel: 0.7, jawOpen: 0.2 }],
  ['wink', { eyeBlinkLeft: 1 }],
];

/**
 * #12's synthetic check end to end: ICT-FaceKit (installed as the studio installs it) posed with
 * known ARKit weights on one random identity, drawn by the studio's renderer with a face-like albedo
 * and SH lighting (yaw −15…15°, 640×600), the images through the real perception (BlazeFace, 68
 * landmarks, FaceMesh, the iris model on onnxruntime), one joint fit of the eight photos (shared
 * shape, as `reconstruct` fits a subject) and the ARKit solve of each fitted photo with its measured
 * lid apertures, compared with the truth.
 */
describe.skipIf(!existsSync(ICT_ZIP))('ARKit weights recovered from renders of ICT-FaceKit (perception → fit → solve)', () => {
  let ict: HeadModel;
  beforeAll(async () => {
    ict = await installedIctPack();
    testModelFiles();
  }, 300_000);

  it('recovers the weights ICT-FaceKit was posed with within 0.1 mean absolute error over the 52', async () => {
    const truth = CASES.map(([, w]) => {
      const t = new Float32Array(K);
      for (const [n, v] of Object.entries(w)) t[at(n)] = v;
      return t;
    });
    const expressions = truth.map((w) => ({ expression: arkitToPack({ arkit: w }, ict).expression, jaw: [0, 0, 0] as [number, number, number] }));
    // Only its poses and cameras are used: the landmarks come from the images. Identity within ±0.5σ,
    // seed 4: with seed 3 (at 0.5σ, and at 1σ) one eyeball's pupil shows through ICT's shut lids, and
    // the iris model reads that eye as open (aperture 0.22 against 0.28 open): the blink is not a closed eye.
    const person = syntheticPerson(ict, 4, truth.length, { maxYawDeg: 15, noisePx: 0, shapeStd: 0.5, scale: 2000, expressions });
    const { texture, vertexAlbedo } = syntheticFaceAlbedo(ict);
    const ev = new HeadModelEvaluator(ict);
    const J = ict.joints.names.length;
    const light = new Float64Array(27);
    for (let c = 0; c < 3; c++) (light[c] = 2.4), (light[3 + c] = 0.3), (light[6 + c] = 0.35), (light[9 + c] = 0.6);
    const analyzer = new FaceAnalyzer({ modelDir: TEST_MODEL_DIR, provider: 'cpu' });
    const observations = [];
    const apertures: { left: number; right: number }[] = [];
    try {
      for (const v of person.views) {
        const pose = new Float64Array(J * 3);
        pose.set(v.rotation, 0);
        const out = ev.evaluate({ shape: person.shape, expression: v.expression, pose });
        const background = { width: 640, height: 600, data: new Uint8Array(640 * 600 * 3).fill(90) };
        const image = { width: 640, height: 600, data: renderShadedHead(ict, Float32Array.from(out.vertices), Float32Array.from(out.normals), v.camera, background, texture, light, {}, vertexAlbedo).rgb };
        const faces = await analyzer.analyzeImage(image);
        expect(faces.selected).not.toBeNull();
        const face = faceToJson(faces.faces[faces.selected!]!);
        expect(face.mesh468).toHaveLength(468);
        observations.push(observationOf(face)!);
        expect(face.eyes).toBeTruthy();
        apertures.push({ left: face.eyes!.left.aperture, right: face.eyes!.right.aperture });
      }
    } finally {
      await analyzer.dispose();
    }
    const fit = fitPhotos(buildFitPoints(ict), observations);
    const solver = createArkitSolver(ict, null);
    const solved = fit.photos.map((p, i) => solver.solve(fit.shape, { ...p, eyeApertures: apertures[i] }));
    const geometric = solver.solve(fit.shape, fit.photos[3]!);
    console.log(`closed eyes from geometry alone: eyeBlink ${geometric[at('eyeBlinkLeft')]!.toFixed(2)}/${geometric[at('eyeBlinkRight')]!.toFixed(2)}`);
    const errors = solved.map((w, i) => mae(w, truth[i]!));
    const zero = truth.map((w) => mae(new Float32Array(K), w));
    const overall = errors.reduce((a, b) => a + b, 0) / errors.length;
    const rows = solved.map((w, i) => {
      const shown = [...w].map((v, k) => [k, v] as const).filter(([k, v]) => v >= 0.15 || truth[i]![k]! > 0).map(([k, v]) => `${ARKIT_BLENDSHAPES[k]} ${truth[i]![k]!.toFixed(2)}→${v.toFixed(2)}`);
      return `${CASES[i]![0]} (yaw ${person.views[i]!.yawDeg.toFixed(0)}°): MAE ${errors[i]!.toFixed(3)} (all-zero ${zero[i]!.toFixed(3)}) | ${shown.join(', ')}`;
    });
    console.log(`ARKit from renders → perception → joint fit → solve: mean MAE ${overall.toFixed(3)}\n${rows.join('\n')}`);
    console.log(`lid apertures (left/right): ${apertures.map((a, i) => `${CASES[i]![0]} ${a.left.toFixed(3)}/${a.right.toFixed(3)}`).join(', ')}`);
    // #12's goal, per expression and overall. Measured: 0.025–0.070 per expression, 0.044 overall.
    errors.forEach((e) => expect(e).toBeLessThanOrEqual(0.1));
    expect(overall).toBeLessThanOrEqual(0.1);
    // All-zero weights would score 0.000–0.042 here: the goal alone says little. What the images carry
    // is read: the open jaw as jawOpen (0.40 of 0.6, against the neutral render's 0.06), the smile as
    // mouthSmile well above the neutral render's (0.64 against 0.00, left + right), and closed eyes
    // from the lids the iris model measures (apertures 0.073/0.112 against 0.23–0.27 open: eyeBlink
    // 0.82/0.60; the fitted geometry alone, 0.19/0.14, barely closes them; the wink 0.80/0.00). Not
    // yet: brows and pucker, under what every fitted face of this pack carries (mouthPucker on the
    // neutral render, as on the London photos: the detectors' jaw line is wider and lower than
    // ICT-FaceKit's landmarks place it). #12: the shut jaw is measured with the jawOpen shape the fit
    // pairs it with, so the closed mouth reads closed (jawOpen 0.29 when the closing alone was taken
    // as the person's neutral).
    const s = (i: number, ...names: string[]) => names.reduce((a, n) => a + solved[i]![at(n)]!, 0);
    console.log(`jawOpen: neutral render ${s(0, 'jawOpen').toFixed(2)}, open jaw ${s(2, 'jawOpen').toFixed(2)}`);
    expect(s(0, 'jawOpen')).toBeLessThanOrEqual(0.15);
    // #12's bar for an open mouth (measured 0.40 of the posed 0.6, the neutral render 0.06).
    expect(s(2, 'jawOpen')).toBeGreaterThanOrEqual(0.3);
    expect(s(2, 'jawOpen') - s(0, 'jawOpen')).toBeGreaterThan(0.25);
    expect(s(1, 'mouthSmileLeft', 'mouthSmileRight') - s(0, 'mouthSmileLeft', 'mouthSmileRight')).toBeGreaterThan(0.3);
    // #12: closed eyes read as closed, both of them; open eyes (every other render) stay low.
    expect(s(3, 'eyeBlinkLeft')).toBeGreaterThanOrEqual(0.5);
    expect(s(3, 'eyeBlinkRight')).toBeGreaterThanOrEqual(0.5);
    // The subject's left eye shut alone (the image's right): eyeBlinkLeft, as ARKit's sides are the subject's.
    expect(s(7, 'eyeBlinkLeft')).toBeGreaterThanOrEqual(0.5);
    expect(s(7, 'eyeBlinkRight')).toBeLessThanOrEqual(0.2);
    solved.forEach((_, i) => {
      if (i !== 3 && i !== 7) expect(Math.max(s(i, 'eyeBlinkLeft'), s(i, 'eyeBlinkRight')), CASES[i]![0]).toBeLessThanOrEqual(0.2);
    });
  }, 120_000);
});
