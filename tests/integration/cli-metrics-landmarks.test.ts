import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { landmarkAgreement } from '../../core/perception/landmark-agreement';
import type { MetricsReport } from '../../main/cli/commands/metrics';
import { ensureBuilt, runCli } from '../helpers/cli';
import { loadDlibReference } from '../helpers/dlib-reference';
import { TEST_MODEL_DIR, londonPhoto, testModelFiles } from '../helpers/perception';
import { makeTempDir } from '../helpers/temp-dir';

const tmp = makeTempDir('deca-cli-metrics-lm-');
const env = { DECA_MODELS_DIR: TEST_MODEL_DIR, DECA_STUDIO_HOME: path.join(tmp.dir, 'home'), DECA_EXECUTION_PROVIDER: 'cpu' };
const project = path.join(tmp.dir, 'Metrics.decastudio');
const PHOTOS = [londonPhoto('p021', 'neutral_front'), londonPhoto('p021', 'neutral_left_3quarter'), londonPhoto('p021', 'neutral_right_3quarter')];
let report: MetricsReport;
let detected: Map<string, number[][]>;

beforeAll(() => {
  ensureBuilt();
  testModelFiles();
  expect(runCli(['project', 'create', project, '--name', 'Metrics'], env).code).toBe(0);
  expect(runCli(['import', project, '--subject', 'p021', ...PHOTOS], env).code).toBe(0);
  const rec = runCli(['reconstruct', project, '--subject', 'p021', '--pack', 'starter-head', '--no-photometric'], env);
  expect(rec.code, rec.stdout + rec.stderr).toBe(0);
  const m = runCli(['metrics', project, '--json'], env);
  expect(m.code, m.stderr).toBe(0);
  report = JSON.parse(m.stdout) as MetricsReport;
  // The same photos through `landmarks --json`: what perception reports for them.
  const lm = runCli(['landmarks', '--json', ...PHOTOS], env);
  expect(lm.code, lm.stderr).toBe(0);
  const rows = JSON.parse(lm.stdout) as { image: string; selected: number; faces: { landmarks68: number[][] }[] }[];
  detected = new Map(rows.map((r) => [path.basename(r.image), r.faces[r.selected]!.landmarks68]));
}, 240_000);
afterAll(() => tmp.cleanup());

describe('metrics --json per photo', () => {
  it('gives the detected 68 landmarks and the fitted head\'s projected 68, in image pixels', () => {
    const photos = report.subjects.flatMap((s) => s.photos);
    expect(photos.map((p) => p.name).sort()).toEqual(PHOTOS.map((p) => path.basename(p)).sort());
    for (const p of photos) {
      expect(p.landmarks68).toHaveLength(68);
      expect(p.modelLandmarks68).toHaveLength(68);
      for (const q of [...p.landmarks68!, ...p.modelLandmarks68!]) {
        expect(q).toHaveLength(2);
        expect(q.every(Number.isFinite)).toBe(true);
      }
      // The stored detection is perception's (rounded to 0.01 px when stored)…
      const own = detected.get(p.name)!;
      p.landmarks68!.forEach((q, i) => {
        expect(Math.abs(q[0]! - own[i]![0]!)).toBeLessThan(0.011);
        expect(Math.abs(q[1]! - own[i]![1]!)).toBeLessThan(0.011);
      });
      // …and the fit's NME is the distance between the two lists, so they are what the fit compared.
      expect(landmarkAgreement(p.modelLandmarks68!, p.landmarks68!).all).toBeCloseTo(p.nme, 3);
    }
  });

  // Measured (starter head): detected 0.042–0.053 from dlib; fitted 0.045–0.056 with MediaPipe's usual
  // landmark vertices, 0.041–0.052 with the starter head's own (starter-landmarks.ts): front 0.0409
  // (detected 0.0422), 3/4 0.0518 and 0.0514 (0.0511, 0.0530); with generator 7's brow-arch and
  // eye-depth modes and evenly spaced nose ridge, 0.0409, 0.0512 and 0.0499.
  it('lets a fit be checked against another detector: the fitted head stays within 0.003 of the detected points\' distance from dlib', () => {
    const reference = loadDlibReference();
    for (const p of report.subjects.flatMap((s) => s.photos)) {
      const ref = reference.get(PHOTOS.find((f) => path.basename(f) === p.name)!)!;
      const det = landmarkAgreement(p.landmarks68!, ref);
      const fit = landmarkAgreement(p.modelLandmarks68!, ref);
      console.info(`${p.name}: vs dlib detected ${det.all.toFixed(4)} (jaw ${det.jaw.toFixed(4)}), fitted head ${fit.all.toFixed(4)} (jaw ${fit.jaw.toFixed(4)})`);
      expect(fit.all).toBeLessThanOrEqual(det.all + 0.003);
      expect(fit.all).toBeLessThan(0.07);
    }
  });
});
