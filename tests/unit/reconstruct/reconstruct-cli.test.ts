import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddingDistance } from '../../../core/perception/face-analysis';
import { FaceAnalyzer } from '../../../main/perception/face-analyzer';
import { PackStore } from '../../../main/packs/pack-store';
import { photoExpressions } from '../../../main/expression/photo-expressions';
import { workerArkitService } from '../../../main/expression/arkit-solve-service';
import { arkitToPack } from '../../../core/expression/arkit-to-pack';
import { ARKIT_BLENDSHAPES } from '../../../core/expression/arkit-names';
import { blinkFromAperture } from '../../../core/expression/eye-blink';
import { SubjectNeutrals } from '../../../main/expression/subject-neutrals';
import { photoFitOf, storedAlbedo } from '../../../main/reconstruct/stored-results';
import { Studio } from '../../../main/services/studio';
import type { MetricsReport } from '../../../main/cli/commands/metrics';
import { ensureBuilt, runCli } from '../../helpers/cli';
import { makeTempDir, SHARED_DIR, SHARED_PHOTOS } from '../../helpers/temp-dir';

const PEOPLE = ['p002', 'p005', 'p021', 'p025'];
const ICT = path.join(SHARED_DIR, 'models/ICT-FaceKit-master.zip');
const LONDON = path.join(SHARED_PHOTOS, 'london_frl');

type MetricsJson = MetricsReport;

/**
 * The four London people's frontal and 3/4 views (2 + 4 each): perception runs inside
 * `reconstruct`, one shared shape per person, on the starter head and on ICT-FaceKit.
 */
describe.skipIf(!existsSync(LONDON) || !existsSync(ICT))('deca-studio reconstruct / metrics / render (London set)', () => {
  const tmp = makeTempDir('deca-recon-');
  const env = { DECA_STUDIO_HOME: path.join(tmp.dir, 'home') };
  const proj = path.join(tmp.dir, 'London');
  const cli = (...args: string[]) => runCli(args, env);
  let metrics: MetricsJson;
  beforeAll(() => {
    ensureBuilt();
    expect(cli('project', 'create', proj, '--name', 'London').code).toBe(0);
    for (const p of PEOPLE) {
      const files = readdirSync(path.join(LONDON, p)).filter((f) => /_(front|3quarter)\.jpg$/.test(f)).map((f) => path.join(LONDON, p, f));
      expect(files).toHaveLength(6);
      expect(cli('import', proj, '--subject', p, ...files).code).toBe(0);
    }
    expect(cli('packs', 'import', ICT).code).toBe(0);
  }, 180_000);
  afterAll(() => tmp.cleanup());

  it('fits every photo on both packs and stores parameters and metrics', () => {
    const starter = cli('reconstruct', proj, '--identity');
    expect(starter.stderr).toBe('');
    expect(starter.code).toBe(0);
    expect(starter.stdout.match(/^fitted /gm)).toHaveLength(24);
    const ict = cli('reconstruct', proj, '--pack', 'ict-facekit', '--identity');
    expect(ict.code).toBe(0);
    expect(ict.stdout).toMatch(/p021: 6 fitted/);
    const m = cli('metrics', proj, '--json');
    expect(m.code).toBe(0);
    metrics = JSON.parse(m.stdout) as MetricsJson;
    expect(metrics.subjects.map((s) => s.name).sort()).toEqual(PEOPLE);
    const table = metrics.subjects.flatMap((s) => s.packs.map((p) => `${s.name} ${p.packId}: joint ${p.meanNme.toFixed(4)}, alone ${p.meanNmeSingle.toFixed(4)}`));
    console.log(table.join('\n'));
    for (const s of metrics.subjects) {
      expect(s.photos).toHaveLength(12);
      const ict = s.packs.find((p) => p.packId === 'ict-facekit')!;
      const st = s.packs.find((p) => p.packId === 'starter-head')!;
      // measured (ICT): alone 0.022–0.024, joint 0.020–0.024; goals 0.035 and 0.045
      expect(ict.meanNmeSingle).toBeLessThan(0.03);
      expect(ict.meanNme).toBeLessThan(0.03);
      // measured (starter head, 24 identity modes): alone 0.027–0.032, joint 0.028–0.034
      expect(st.meanNmeSingle).toBeLessThan(0.035);
      expect(st.meanNme).toBeLessThan(0.04);
      // every photo on ICT-FaceKit meets the goals: alone ≤ 0.035, with the shared shape ≤ 0.045
      for (const p of s.photos.filter((q) => q.packId === 'ict-facekit')) {
        expect(p.nmeSingle).toBeLessThan(0.035);
        expect(p.nme).toBeLessThan(0.045);
      }
      // the frontal views are the easy ones: the starter head meets the single-photo goal there
      for (const p of s.photos.filter((q) => q.packId === 'starter-head' && q.name.includes('_front'))) expect(p.nmeSingle).toBeLessThan(0.035);
      // Photometric error in the face mask (0…1 colour units): measured 0.04–0.055 with the person's
      // albedo against 0.08–0.10 with a constant one (lighting alone); the closest, p025's dark skin,
      // 025_07 on ICT-FaceKit: 1.29× (0.0526 vs 0.0679; 1.27–1.31× as the bake's weights change, since
      // the refine stage fits against the albedo; the albedo bakes no photo's contour shadows, which
      // explained that photo's own jaw line)
      for (const p of s.photos) {
        expect(p.photometricRms).toBeGreaterThan(0.01);
        expect(p.photometricRms).toBeLessThan(0.07);
        expect(p.photometricRmsConstantAlbedo).toBeGreaterThan(1.22 * p.photometricRms!);
      }
      // the shared shape costs something but little
      expect(ict.worstSharedShapeIncrease).toBeLessThan(0.012);
    }
    // The textured render counts as the same person (recognition distance < 0.6) for ≥ 80 % of the
    // frontal and 3/4 photos; measured 0.25–0.44 (starter head) and 0.35–0.56 (ICT-FaceKit).
    const ids = metrics.subjects.flatMap((s) => s.photos.map((p) => p.identityDistance));
    console.log(`identity distances of the textured renders: ${ids.map((d) => d?.toFixed(2)).join(' ')}`);
    expect(ids).toHaveLength(48);
    expect(ids.filter((d) => d !== null && d < 0.6).length).toBeGreaterThanOrEqual(Math.ceil(0.8 * 48));
  }, 240_000);

  it('renders a textured head that is recognised as its own person and not as the others', async () => {
    // The negative control for the identity metric: the render's embedding against every person's photo.
    // The render is the studio's own (the media service's worker task), over the photo as DECA pastes it.
    const studio = new Studio({ mode: 'cli', version: 'test', settingsDir: env.DECA_STUDIO_HOME, workers: 1 });
    const analyzer = new FaceAnalyzer();
    try {
      const project = await studio.openProject(proj, { readonly: true });
      const pack = await studio.models.pack('starter-head');
      const fronts = metrics.subjects.map((s) => s.photos.find((p) => p.packId === 'starter-head' && p.name.includes('neutral_front'))!);
      const photoEmbedding = fronts.map((f) => {
        const a = project.library.faces.get(f.photoId)!;
        return a.faces[a.selectedFace!]!.embedding!;
      });
      const rows: string[] = [];
      for (let i = 0; i < fronts.length; i++) {
        const fit = project.library.reconstructions.latestFitOfPhoto(fronts[i]!.photoId, 'starter-head')!;
        const photo = project.library.reads.getPhoto(fit.photoId)!;
        const { image, k } = await studio.photoCache.get(project, photo);
        const png = await studio.pool.run('render.fit', {
          pack,
          tables: null,
          shape: fit.reconstruction.shape,
          fit: photoFitOf(fit),
          width: image.width,
          height: image.height,
          k,
          style: 'shaded',
          albedo: await storedAlbedo(project, fit.reconstructionId),
          light: fit.fit.light!,
          background: image,
          opacity: 1,
          markers: null,
        });
        const { data } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
        const face = (await analyzer.analyzeImage({ width: image.width, height: image.height, data: new Uint8Array(data) })).faces[0]!;
        const d = photoEmbedding.map((e) => embeddingDistance(face.embedding!, e));
        rows.push(`${metrics.subjects[i]!.name}: ${d.map((x) => x.toFixed(2)).join(' ')}`);
        d.forEach((x, j) => (i === j ? expect(x).toBeLessThan(0.6) : expect(x).toBeGreaterThan(0.6)));
      }
      console.log(`render of each person vs each person's front photo:\n${rows.join('\n')}`);
    } finally {
      await analyzer.dispose();
      await studio.dispose();
    }
  }, 120_000);

  it("retargeting keeps the person: another person's smile on each head is still recognised as that head's person", async () => {
    // #12: ARKit weights captured from person j's smiling photo, retargeted onto person i's head
    // (ICT-FaceKit, through the names) and rendered in i's frontal photo as the identity check renders
    // (its camera, light and albedo, over the photo). Retargeting plays a record relative to the
    // neutral of the person it was captured from, on top of the head's own neutral (the subject's
    // rest: `subjectNeutral`, what their least expressive photos share — the mouth, chin and cheeks
    // the identity modes miss, which the joint fit spends expression on). The unposed head is i at
    // their neutral, the posed head the same wearing j's smile (`arkitToPack`: the jaw at rest).
    const studio = new Studio({ mode: 'cli', version: 'test', settingsDir: env.DECA_STUDIO_HOME, workers: 1 });
    const analyzer = new FaceAnalyzer();
    try {
      const project = await studio.openProject(proj, { readonly: true });
      const pack = await studio.models.pack('ict-facekit');
      const model = await new PackStore(path.join(env.DECA_STUDIO_HOME, 'packs')).load('ict-facekit');
      const records = await photoExpressions(project, { packId: 'ict-facekit' }, workerArkitService(studio.models, studio.pool));
      // The neutrals as exports find them, from these records.
      const neutrals = new SubjectNeutrals(project, async (_, o) => records.filter((r) => r.subjectId === o.subjectId && r.source?.packId === o.packId));
      const smiles = PEOPLE.map((p) => records.find((r) => r.subjectName === p && r.fileName.includes('08_smiling_front'))!);
      // #12: eyeBlink is the lids measured on each photo (stored with its analysis), open on all of these.
      const blinks = records.map((r) => {
        const a = project.library.faces.get(r.photoId)!;
        const eyes = a.faces[a.selectedFace!]!.eyes!;
        const [left, right] = [r.arkit[ARKIT_BLENDSHAPES.indexOf('eyeBlinkLeft')]!, r.arkit[ARKIT_BLENDSHAPES.indexOf('eyeBlinkRight')]!];
        expect(left).toBeCloseTo(blinkFromAperture(eyes.left.aperture), 6);
        expect(right).toBeCloseTo(blinkFromAperture(eyes.right.aperture), 6);
        return Math.max(left, right);
      });
      console.log(`eyeBlink of the London photos (ICT-FaceKit): at most ${Math.max(...blinks).toFixed(2)}`);
      expect(Math.max(...blinks)).toBeLessThanOrEqual(0.2);
      const rows: string[] = [];
      const results: { smile: number; worn: number; unposed: number; posed: number; bare: number }[] = [];
      const embedding = (photoId: number) => {
        const a = project.library.faces.get(photoId)!;
        return a.faces[a.selectedFace!]!.embedding!;
      };
      const smileOf = (r: { arkit: ArrayLike<number> }) => r.arkit[ARKIT_BLENDSHAPES.indexOf('mouthSmileLeft')]! + r.arkit[ARKIT_BLENDSHAPES.indexOf('mouthSmileRight')]!;
      for (let i = 0; i < PEOPLE.length; i++) {
        const front = records.find((r) => r.subjectName === PEOPLE[i] && r.fileName.includes('03_neutral_front'))!;
        const fit = project.library.reconstructions.latestFitOfPhoto(front.photoId, 'ict-facekit')!;
        const photo = project.library.reads.getPhoto(fit.photoId)!;
        const { image, k } = await studio.photoCache.get(project, photo);
        // Their own photos: every fitted view of theirs (neutral and smiling), as the recognition net sees them.
        const own = records.filter((r) => r.subjectName === PEOPLE[i]);
        const albedo = await storedAlbedo(project, fit.reconstructionId);
        const distance = async (f: ReturnType<typeof photoFitOf>) => {
          const png = await studio.pool.run('render.fit', { pack, tables: null, shape: fit.reconstruction.shape, fit: f, width: image.width, height: image.height, k, style: 'shaded', albedo, light: fit.fit.light!, background: image, opacity: 1, markers: null });
          const { data } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
          const face = (await analyzer.analyzeImage({ width: image.width, height: image.height, data: new Uint8Array(data) })).faces[0]!;
          const mean = (set: typeof own) => set.reduce((sum, r) => sum + embeddingDistance(face.embedding!, embedding(r.photoId)), 0) / set.length;
          return { all: mean(own), neutral: mean(own.filter((r) => r.fileName.includes('neutral'))), smiling: mean(own.filter((r) => r.fileName.includes('smiling'))) };
        };
        const target = { subjectId: front.subjectId, packId: 'ict-facekit' };
        const bareFit: ReturnType<typeof photoFitOf> = { ...photoFitOf(fit), expression: new Float64Array(model.expression.count), jaw: [0, 0, 0] };
        // Nothing made by hand (all weights 0) on this head: the subject's neutral.
        const [rest] = await neutrals.onto([{ name: 'rest', arkit: new Float32Array(ARKIT_BLENDSHAPES.length), jawPose: [0, 0, 0], eyePose: null, source: null }], target);
        const unposed = await distance({ ...bareFit, ...arkitToPack(rest!, model) });
        // The broadest smile among the other people (p005's closed-mouth smile is faint).
        const donor = smiles.filter((_, j) => j !== i).reduce((a, b) => (smileOf(b) > smileOf(a) ? b : a));
        const [worn] = await neutrals.onto([donor], target);
        const posed = await distance({ ...bareFit, ...arkitToPack(worn!, model) });
        // For reference: the head with no expression at all (ψ = 0, the jaw at rest), which retargeting posed before.
        const bare = await distance(bareFit);
        const d = (x: { all: number }, y: { all: number }) => `${y.all - x.all >= 0 ? '+' : ''}${(y.all - x.all).toFixed(3)}`;
        rows.push(
          `${PEOPLE[i]} wearing ${donor.subjectName}'s smile (mouthSmileL+R ${smileOf(donor).toFixed(2)}, over the neutral ${(smileOf(worn!) - smileOf(rest!)).toFixed(2)}): ` +
            `${unposed.all.toFixed(3)} → ${posed.all.toFixed(3)} (${d(unposed, posed)}; to the neutral photos ${unposed.neutral.toFixed(3)} → ${posed.neutral.toFixed(3)}, the smiling ${unposed.smiling.toFixed(3)} → ${posed.smiling.toFixed(3)}; ` +
            `no expression at all ${bare.all.toFixed(3)})`,
        );
        results.push({ smile: smileOf(donor), worn: smileOf(worn!) - smileOf(rest!), unposed: unposed.all, posed: posed.all, bare: bare.all });
      }
      console.log(`mean identity distance to their own 6 photos, the head at their neutral → wearing another person's smile:\n${rows.join('\n')}`);
      // measured: +0.006, +0.023, +0.002, +0.014 (neutral 0.555, 0.478, 0.402, 0.437). Posed on the bare
      // head (ψ = 0), as before the neutrals: −0.062, +0.014, +0.019, −0.047 — p002's bare head, 0.587,
      // was further from him than his fitted ones (0.55), and the donor's own neutral (mouthPucker,
      // cheekPuff ≈ 0.3) came along with the smile; p025's bare head, 0.529, is much further from her
      // smiling photos (0.568) than her neutral ones (0.490), so any smile brought it nearer. The
      // issue's goal, two-sided: wearing another's expression moves no head nearer to or further
      // from its person by 0.05 or more.
      for (const r of results) {
        expect(r.smile).toBeGreaterThan(0.3);
        expect(r.worn).toBeGreaterThan(0.3);
        expect(r.unposed).toBeLessThan(0.6);
        expect(r.posed).toBeLessThan(0.6);
        expect(Math.abs(r.posed - r.unposed)).toBeLessThan(0.05);
      }
    } finally {
      await analyzer.dispose();
      await studio.dispose();
    }
  }, 120_000);

  it('reuses what is solved, and solves again with --force', () => {
    const again = cli('reconstruct', proj, '--subject', 'p002');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/p002: 0 fitted .* 6 reused/);
    expect(again.stdout).not.toMatch(/^fitted/m);
    const forced = cli('reconstruct', proj, '--subject', 'p002', '--force');
    expect(forced.stdout).toMatch(/p002: 6 fitted/);
    // Photos analysed again since (a newer analyzer may move their landmarks) are fitted again.
    expect(cli('analyze', proj, '--subject', 'p002', '--force').code).toBe(0);
    expect(cli('reconstruct', proj, '--subject', 'p002').stdout).toMatch(/p002: 6 fitted/);
  });

  it('renders the fitted head over the photo with both landmark sets', async () => {
    const photo = metrics.subjects.find((s) => s.name === 'p021')!.photos.find((p) => p.packId === 'ict-facekit' && p.name.includes('neutral_front'))!;
    const out = path.join(tmp.dir, 'overlay.png');
    const r = cli('render', proj, '--photo', String(photo.photoId), '--out', out, '--pack', 'ict-facekit', '--opacity', '1');
    expect(r.code).toBe(0);
    const { data, info } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([1350, 1350]);
    // opaque head: the image centre (nose) is the grey-skin render, the corner is still the photo's background
    const px = (x: number, y: number) => [0, 1, 2].map((c) => data[(y * info.width + x) * info.channels + c]!);
    const src = await sharp(path.join(LONDON, 'p021', '021_03_neutral_front.jpg')).raw().toBuffer({ resolveWithObject: true });
    const srcPx = (x: number, y: number) => [0, 1, 2].map((c) => src.data[(y * src.info.width + x) * src.info.channels + c]!);
    expect(px(20, 20)).toEqual(srcPx(20, 20));
    expect(px(675, 600)).not.toEqual(srcPx(675, 600));
    // red model and green photo landmark markers are drawn
    let red = 0, green = 0;
    for (let i = 0; i < info.width * info.height; i++) {
      const [R, G, B] = [data[i * info.channels]!, data[i * info.channels + 1]!, data[i * info.channels + 2]!];
      if (R === 240 && G === 40 && B === 40) red++;
      if (R === 40 && G === 230 && B === 60) green++;
    }
    expect(red).toBeGreaterThan(68 * 4);
    expect(green).toBeGreaterThan(68 * 4);
  });
});

/** Real-world selfies (webcam and phone, 15–60 cm): one person's 8 photos solved jointly on ICT-FaceKit. */
describe.skipIf(!existsSync(path.join(SHARED_PHOTOS, 'webmorphR_stim/lisa_debruine')) || !existsSync(ICT))('deca-studio reconstruct (selfies)', () => {
  const tmp = makeTempDir('deca-selfies-');
  const env = { DECA_STUDIO_HOME: path.join(tmp.dir, 'home') };
  const proj = path.join(tmp.dir, 'Selfies');
  const cli = (...args: string[]) => runCli(args, env);
  beforeAll(() => {
    ensureBuilt();
    expect(cli('project', 'create', proj).code).toBe(0);
    const dir = path.join(SHARED_PHOTOS, 'webmorphR_stim/lisa_debruine');
    expect(cli('import', proj, '--subject', 'lisa', ...readdirSync(dir).map((f) => path.join(dir, f))).code).toBe(0);
    expect(cli('packs', 'import', ICT).code).toBe(0);
  }, 180_000);
  afterAll(() => tmp.cleanup());

  it('fits every selfie within the landmark goal and renders it recognisably', () => {
    const r = cli('reconstruct', proj, '--pack', 'ict-facekit', '--identity');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/lisa: 8 fitted/);
    const m = JSON.parse(cli('metrics', proj, '--json').stdout) as MetricsJson;
    const photos = m.subjects[0]!.photos;
    console.log(photos.map((p) => `${p.name}: NME ${p.nme.toFixed(4)} (alone ${p.nmeSingle.toFixed(4)}), identity ${p.identityDistance?.toFixed(2)}`).join('\n'));
    // measured: joint 0.012–0.016, alone 0.015–0.017; identity 0.25–0.44
    for (const p of photos) {
      expect(p.nme).toBeLessThan(0.035);
      expect(p.nmeSingle).toBeLessThan(0.035);
      expect(p.identityDistance).toBeLessThan(0.6);
      expect(p.photometricRms).toBeLessThan(0.09);
    }
  }, 240_000);
});
