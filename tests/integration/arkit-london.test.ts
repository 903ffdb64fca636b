import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARKIT_BLENDSHAPES, exportShapes } from '../../core/expression/arkit-names';
import { expressionPose } from '../../core/export/clip-animation';
import { HeadModelEvaluator } from '../../core/head-model/head-model-evaluator';
import { localArkitService } from '../../main/expression/arkit-solve-service';
import { photoExpressions } from '../../main/expression/photo-expressions';
import { PackStore } from '../../main/packs/pack-store';
import { openProject } from '../../main/project/project';
import type { ExpressionsJsonRow } from '../../main/cli/commands/expressions';
import { ensureBuilt, runCli } from '../helpers/cli';
import { TEST_MODEL_DIR, testModelFiles } from '../helpers/perception';
import { makeTempDir, SHARED_DIR, SHARED_PHOTOS } from '../helpers/temp-dir';

const PEOPLE = ['p002', 'p005', 'p021', 'p025'];
const ICT = path.join(SHARED_DIR, 'models/ICT-FaceKit-master.zip');
const LONDON = path.join(SHARED_PHOTOS, 'london_frl');
const SURPRISED = path.join(SHARED_PHOTOS, 'pexels_max_emotion/santa_man/surprised.jpeg');

/** Smiling views are the London set's *_07/_08/_09 files. */
const smiling = (name: string) => /^\d{3}_0[789]_/.test(name);
const smile = (r: ExpressionsJsonRow) => r.arkit.mouthSmileLeft! + r.arkit.mouthSmileRight!;

/**
 * How well mouthSmileLeft + mouthSmileRight tells smiling from neutral views: per person, the
 * threshold halfway between the mean of their smiling and of their neutral views; globally, halfway
 * between the two means over everyone. Returns the photos on the right side of each.
 */
function separation(rows: ExpressionsJsonRow[]): { perPerson: number; global: number; lines: string[] } {
  const mean = (xs: ExpressionsJsonRow[]) => xs.reduce((a, r) => a + smile(r), 0) / xs.length;
  let perPerson = 0;
  const lines: string[] = [];
  for (const p of PEOPLE) {
    const mine = rows.filter((r) => r.subject === p);
    const thr = (mean(mine.filter((r) => smiling(r.name))) + mean(mine.filter((r) => !smiling(r.name)))) / 2;
    const right = mine.filter((r) => smile(r) > thr === smiling(r.name)).length;
    perPerson += right;
    lines.push(`${p}: ${right}/${mine.length} (threshold ${thr.toFixed(2)}; ${mine.map((r) => `${r.name.slice(4, 6)} ${smile(r).toFixed(2)}`).join(', ')})`);
  }
  const london = rows.filter((r) => PEOPLE.includes(r.subject));
  const thr = (mean(london.filter((r) => smiling(r.name))) + mean(london.filter((r) => !smiling(r.name)))) / 2;
  const global = london.filter((r) => smile(r) > thr === smiling(r.name)).length;
  lines.push(`global threshold ${thr.toFixed(2)}: ${global}/${london.length}`);
  return { perPerson, global, lines };
}

/**
 * ARKit weights on real photos: the four London people's six frontal and 3/4 views (three smiling,
 * three neutral each) and a surprised face with an open mouth, reconstructed through the CLI on
 * ICT-FaceKit (its own ARKit shapes) and on the starter head (transferred through ICT's shapes).
 */
describe.skipIf(!existsSync(LONDON) || !existsSync(ICT) || !existsSync(SURPRISED))('deca-studio expressions (London set, ICT-FaceKit and the starter head)', () => {
  const tmp = makeTempDir('deca-arkit-');
  const env = { DECA_STUDIO_HOME: path.join(tmp.dir, 'home'), DECA_MODELS_DIR: TEST_MODEL_DIR, DECA_EXECUTION_PROVIDER: 'cpu' };
  const proj = path.join(tmp.dir, 'London');
  const cli = (...args: string[]) => runCli(args, env);
  beforeAll(() => {
    ensureBuilt();
    testModelFiles();
    expect(cli('project', 'create', proj, '--name', 'London').code).toBe(0);
    for (const p of PEOPLE) {
      const files = readdirSync(path.join(LONDON, p)).filter((f) => /_(front|3quarter)\.jpg$/.test(f)).map((f) => path.join(LONDON, p, f));
      expect(files).toHaveLength(6);
      expect(cli('import', proj, '--subject', p, ...files).code).toBe(0);
    }
    expect(cli('import', proj, '--subject', 'surprised', SURPRISED).code).toBe(0);
    expect(cli('packs', 'import', ICT).code).toBe(0);
    for (const pack of ['ict-facekit', 'starter-head']) {
      const r = cli('reconstruct', proj, '--pack', pack);
      expect(r.code, r.stderr).toBe(0);
    }
  }, 600_000);
  afterAll(() => tmp.cleanup());

  it('prints every fitted photo with all 52 weights by name and the jaw pose, in the agreed JSON', () => {
    const r = cli('expressions', proj, '--subject', 'p002', '--json');
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as ExpressionsJsonRow[];
    expect(rows).toHaveLength(6);
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(['photoId', 'subject', 'name', 'arkit', 'jawPose']);
      expect(row.subject).toBe('p002');
      expect(row.name).toMatch(/^002_0\d_.*\.jpg$/);
      expect(Object.keys(row.arkit)).toEqual([...ARKIT_BLENDSHAPES]);
      for (const w of Object.values(row.arkit)) expect(w >= 0 && w <= 1).toBe(true);
      expect(row.jawPose).toHaveLength(3);
    }
    // The newest fit of each photo: the starter head was reconstructed last.
    const all = JSON.parse(cli('expressions', proj, '--json').stdout) as ExpressionsJsonRow[];
    expect(all).toHaveLength(25);
    expect(cli('expressions', proj, '--subject', 'nobody', '--json').stderr).toMatch(/No subject named "nobody"/);
    // Without --json: one line per photo with its pack and strongest shapes.
    const text = cli('expressions', proj, '--subject', 'surprised', '--pack', 'ict-facekit');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^\s+\d+ {2}surprised {2}surprised\.jpeg {2}\[ict-facekit\] {2}.*jawOpen 0\.\d\d.* {2}jaw -?\d\.\d{3} rad$/m);
  });

  it('tells smiling from neutral views by mouthSmileLeft + mouthSmileRight, and sees the open mouth', () => {
    const report: string[] = [];
    const results = new Map<string, ReturnType<typeof separation>>();
    for (const pack of ['ict-facekit', 'starter-head']) {
      const r = cli('expressions', proj, '--pack', pack, '--json');
      expect(r.code, r.stderr).toBe(0);
      const rows = JSON.parse(r.stdout) as ExpressionsJsonRow[];
      const s = separation(rows);
      results.set(pack, s);
      const open = rows.find((x) => x.subject === 'surprised')!;
      report.push(`${pack}: per-person thresholds ${s.perPerson}/24, ${s.lines.join('\n  ')}\n  surprised.jpeg jawOpen ${open.arkit.jawOpen!.toFixed(2)}`);
      // #12: closed mouths read as closed. ICT-FaceKit's fits shut the jaw past rest and open it again
      // with its jawOpen shape; measured from rest the two cancel (neutral views 0.00–0.31, mean 0.10;
      // 0.20–0.41, mean 0.29, when the closing was taken as the person's neutral).
      const closed = rows.filter((x) => PEOPLE.includes(x.subject) && !smiling(x.name)).map((x) => x.arkit.jawOpen!);
      const closedMean = closed.reduce((a, b) => a + b, 0) / closed.length;
      report.push(`  neutral views' jawOpen ${closed.map((x) => x.toFixed(2)).join(' ')} (mean ${closedMean.toFixed(2)})`);
      if (pack === 'ict-facekit') {
        expect(closedMean).toBeLessThanOrEqual(0.15);
        expect(closed.filter((x) => x <= 0.2).length).toBeGreaterThanOrEqual(10);
        // #12: a photo with an open mouth gives jawOpen ≥ 0.3. Measured 0.30 since perception reads
        // the lower inner lip off the teeth (mouth-opening.ts: inner-lip gap 12.6 → 29.8 px); 0.21
        // with the nets' lip on the tongue.
        expect(open.arkit.jawOpen).toBeGreaterThanOrEqual(0.3);
        expect(open.arkit.jawOpen).toBeGreaterThan(closedMean + 0.08);
      }
      // Everyone smiles more in their smiling views than in their neutral ones, on average.
      for (const p of PEOPLE) {
        const mine = rows.filter((x) => x.subject === p);
        const m = (sm: boolean) => mine.filter((x) => smiling(x.name) === sm).reduce((a, x) => a + smile(x), 0) / 3;
        expect(m(true), `${pack} ${p}`).toBeGreaterThan(m(false));
      }
    }
    console.log(report.join('\n'));
    // measured: ICT-FaceKit 22/24 per person (global 21/24), starter head 24/24 (global 21/24; 22/24
    // with generator 6, before its brow_arch/eye_depth modes and 8 mm smile lift);
    // ICT 21/24 before the solve took a split shape's halves apart (cheekPuff_L/_R: the uneven puff
    // of the fits went partly to a one-sided mouthSmile, p005's neutral right 3/4 view 0.21 → 0.11).
    // p002, p021 and p025 are 6/6 on ICT. p005's closed-mouth smile is in the fitted heads: his mouth
    // corners' rise against the upper lip's middle (from his unposed head) is −1.16…−0.88 mm in the
    // neutral views and +0.20…+0.42 mm in the smiling ones on ICT (starter −1.47…−0.15 and
    // 0.00…+1.06). In the weights it is at the level of the noise (ICT 0.03–0.30 over his six views,
    // 4/6; starter 0.00–0.15, 6/6 within 0.01 of his threshold): the 3/4 views' one-sided mouthPress and mouthSmile, and the jaw
    // the fit shut past rest (alone it reads as smile 0.08–0.20), are as large. #12's goal, 90 %
    // (22/24), is met on both (on ICT-FaceKit with no photo to spare).
    expect(results.get('ict-facekit')!.perPerson).toBeGreaterThanOrEqual(22);
    expect(results.get('starter-head')!.perPerson).toBeGreaterThanOrEqual(23);
  });

  it("exports each photo's record onto its own head as fitted: jaw joint and blendshapes as the export keys them reproduce the fitted head", async () => {
    // #12: the record's weights carry the fitted jaw's motion, so the export keys the joint at the
    // record's jawPose (rest) and the blendshapes at the weights. Compared with the fitted head (its
    // ψ and jaw, no head rotation) at every vertex. Measured (ICT-FaceKit) mean 0.21–0.84 mm per
    // photo, 0.49 on average (max 8.6 mm, inside the mouth); keying the fitted jaw on top of these
    // weights: 0.46–3.22 mm, max 20 mm.
    const store = new PackStore(path.join(env.DECA_STUDIO_HOME, 'packs'));
    const project = await openProject(proj, { readonly: true });
    try {
      const model = await store.load('ict-facekit');
      const records = await photoExpressions(project, { packId: 'ict-facekit' }, localArkitService(store));
      expect(records).toHaveLength(25);
      const shapes = exportShapes(model.expression.names, model.expression.count);
      const ev = new HeadModelEvaluator(model, { normals: false, simd: false });
      const J = model.joints.names.length, jaw = model.joints.names.indexOf('jaw');
      const means: number[] = [];
      for (const record of records) {
        const { reconstruction, fit } = project.library.reconstructions.latestFitOfPhoto(record.photoId, 'ict-facekit')!;
        const pose = new Float64Array(J * 3);
        fit.jaw.forEach((x, r) => (pose[jaw * 3 + r] = x));
        const fitted = Float64Array.from(ev.evaluate({ shape: reconstruction.shape, expression: fit.expression, pose }).vertices);
        const keyed = expressionPose(record, shapes);
        const psi = new Float64Array(model.expression.count);
        for (const s of shapes) for (const k of s.sources) psi[k] = keyed.morphs.get(s.name)!;
        const [qx, qy, qz, qw] = keyed.joints.get('jaw')!;
        const sin = Math.hypot(qx, qy, qz), angle = 2 * Math.atan2(sin, qw);
        [qx, qy, qz].forEach((q, r) => (pose[jaw * 3 + r] = sin > 1e-12 ? (q / sin) * angle : 0));
        const exported = ev.evaluate({ shape: reconstruction.shape, expression: psi, pose }).vertices;
        let sum = 0;
        for (let v = 0; v < fitted.length; v += 3) sum += Math.hypot(exported[v]! - fitted[v]!, exported[v + 1]! - fitted[v + 1]!, exported[v + 2]! - fitted[v + 2]!);
        means.push((sum / (fitted.length / 3)) * 1000);
      }
      console.log(`own-head export vs fit, mean per photo (mm): ${means.map((m) => m.toFixed(2)).join(' ')}`);
      for (const m of means) expect(m).toBeLessThan(1.3);
      expect(means.reduce((a, b) => a + b, 0) / means.length).toBeLessThan(0.7);
    } finally {
      await project.close();
    }
  }, 120_000);
});
