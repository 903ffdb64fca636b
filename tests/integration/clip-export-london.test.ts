import { NodeIO } from '@gltf-transform/core';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error gltf-validator ships no types
import validator from 'gltf-validator';
import { ARKIT_BLENDSHAPES, exportShapes } from '../../core/expression/arkit-names';
import { clipFromRecords } from '../../core/expression/expression-clip';
import type { ExpressionRecord } from '../../core/expression/expression-record';
import { onSubjectNeutral, subjectNeutral } from '../../core/expression/subject-neutral';
import { ARKIT_CSV_HEADER, LIVE_LINK_FACE_BLENDSHAPES } from '../../core/export/arkit-csv';
import { axisAngleToQuaternion } from '../../core/export/clip-animation';
import { startClipFromFrames } from '../../main/expression/start-clip-from-frames';
import { openProject } from '../../main/project/project';
import { createApiHandlers } from '../../main/services/api-handlers';
import { Studio } from '../../main/services/studio';
import { ensureBuilt, REPO_ROOT, runCli } from '../helpers/cli';
import { fbxToGltf, HAVE_BLENDER, inspectInBlender, type BlenderReport } from '../helpers/export-readers';
import { TEST_MODEL_DIR, testModelFiles } from '../helpers/perception';
import { makeTempDir, SHARED_DIR, SHARED_PHOTOS } from '../helpers/temp-dir';

const ICT = path.join(SHARED_DIR, 'models/ICT-FaceKit-master.zip');
const LONDON = path.join(SHARED_PHOTOS, 'london_frl');
/** Whether the ARKit solve of fitted photos (branch arkit) is in this build: the CLI's --from-photos path needs it. */
const HAVE_PHOTO_EXPRESSIONS = existsSync(path.join(REPO_ROOT, 'main/expression/photo-expressions.ts'));
const at = (name: string) => ARKIT_BLENDSHAPES.indexOf(name as (typeof ARKIT_BLENDSHAPES)[number]);

/**
 * A clip from 8 London photos (p002's six non-profile views and p005's two frontal ones, fitted on
 * ICT-FaceKit through the CLI) exported through the CLI as GLB, FBX and Live Link Face CSV, each
 * read back by an independent reader: the Khronos validator, Blender 3.4, the FBX SDK (fbx2gltf).
 */
describe.skipIf(!existsSync(LONDON) || !existsSync(ICT))('clips from London photos: export as GLB, FBX and ARKit CSV', () => {
  const tmp = makeTempDir('deca-clips-');
  const env = { DECA_STUDIO_HOME: path.join(tmp.dir, 'home'), DECA_MODELS_DIR: TEST_MODEL_DIR, DECA_EXECUTION_PROVIDER: 'cpu' };
  const proj = path.join(tmp.dir, 'London');
  const cli = (...args: string[]) => runCli(args, env);
  const out = (name: string) => path.join(tmp.dir, name);
  let photoIds: number[] = [];
  let records: ExpressionRecord[] = [];
  /**
   * The records as p002's head plays them (what the GLB and FBX key): each relative to its photo's
   * person's neutral, on top of p002's (`onSubjectNeutral`, #12). p002's own keys are the records
   * themselves; p005 has two fitted photos, too few for a neutral of his own.
   */
  let onP002: ExpressionRecord[] = [];
  /** Each subject's neutral, from the weights `deca-studio expressions --json` prints (6 decimals). */
  let neutrals: Record<string, Float32Array | null> = {};
  let subjectOfPhoto = new Map<number, string>();
  type Solved = { photoId: number; subject: string; arkit: Record<string, number>; jawPose: number[] };
  const weightsOf = (r: Solved) => Float32Array.from(ARKIT_BLENDSHAPES, (n) => r.arkit[n]!);
  let morphNames: string[] = [];
  /** ICT's fitted ψ by ARKit name (split halves averaged, clamped to 0…1) and the fitted jaw: the records the tests use. */
  let toRecord: (fit: { expression: ArrayLike<number>; jaw: ArrayLike<number> }) => ExpressionRecord;

  beforeAll(async () => {
    ensureBuilt();
    testModelFiles();
    expect(cli('project', 'create', proj, '--name', 'London').code).toBe(0);
    const pick = (person: string, re: RegExp) => readdirSync(path.join(LONDON, person)).filter((f) => re.test(f)).sort().map((f) => path.join(LONDON, person, f));
    expect(cli('import', proj, '--subject', 'p002', ...pick('p002', /_(front|3quarter)\.jpg$/)).code).toBe(0);
    expect(cli('import', proj, '--subject', 'p005', ...pick('p005', /_front\.jpg$/)).code).toBe(0);
    expect(cli('packs', 'import', ICT).code).toBe(0);
    const rec = cli('reconstruct', proj, '--pack', 'ict-facekit', '--no-photometric');
    expect(rec.code, rec.stderr).toBe(0);
    const photos = JSON.parse(cli('photos', proj, '--json').stdout) as { id: number; originalName: string }[];
    photoIds = photos.map((p) => p.id);
    expect(photoIds).toHaveLength(8);
    // The records as the ARKit solve would give them on ICT-FaceKit, whose shapes are ARKit's: each
    // fitted ψ by name (split halves averaged, clamped to 0…1), the fitted jaw. Built here so the
    // export path is tested without the solve; the CLI's own path is the next test.
    const info = JSON.parse(cli('packs', 'info', 'ict-facekit', '--json').stdout) as { expressionNames: string[]; expressionCount: number };
    const shapes = exportShapes(info.expressionNames, info.expressionCount);
    morphNames = shapes.map((s) => s.name);
    const project = await openProject(proj);
    try {
      toRecord = (fit) => {
        const arkit = new Float32Array(52);
        for (const s of shapes) if (at(s.name) >= 0) arkit[at(s.name)] = Math.min(1, Math.max(0, s.sources.reduce((a, k) => a + fit.expression[k]!, 0) / s.sources.length));
        return { name: '', arkit, jawPose: [fit.jaw[0]!, fit.jaw[1]!, fit.jaw[2]!], eyePose: null, source: null };
      };
      records = photoIds.map((id) => {
        const fit = project.library.reconstructions.latestFitOfPhoto(id, 'ict-facekit')!.fit;
        return { ...toRecord(fit), name: `photo ${id}`, source: { photoId: id, packId: 'ict-facekit' } };
      });
      project.library.clips.create(clipFromRecords('london8', records, { fps: 2 }), `photos ${photoIds.join(',')} (test fixture: fitted ψ by name)`);
    } finally {
      await project.close();
    }
    const solved = JSON.parse(cli('expressions', proj, '--json').stdout) as Solved[];
    subjectOfPhoto = new Map(solved.map((r) => [r.photoId, r.subject]));
    neutrals = Object.fromEntries(['p002', 'p005'].map((p) => [p, subjectNeutral(solved.filter((r) => r.subject === p).map(weightsOf))]));
    expect(neutrals.p002).not.toBeNull();
    expect(neutrals.p005).toBeNull();
    onP002 = records.map((r) => onSubjectNeutral(r, { from: neutrals[subjectOfPhoto.get(r.source!.photoId)!]!, to: neutrals.p002! }));
    expect(onP002.slice(0, 6)).toEqual(records.slice(0, 6));
    // The smiles are in the data: the smiling views have more mouthSmile than the neutral ones.
    const smile = (r: ExpressionRecord) => r.arkit[at('mouthSmileLeft')]! + r.arkit[at('mouthSmileRight')]!;
    console.log(`mouthSmileL+R per photo: ${records.map((r, i) => `${path.basename(photos[i]!.originalName)} ${smile(r).toFixed(2)}`).join(', ')}`);
  }, 900_000);
  afterAll(() => tmp.cleanup());

  it('clip create --from-photos goes through the ARKit solve of each photo (or says that it is missing), and exports what was solved', async () => {
    const made = cli('clip', 'create', proj, '--name', 'from-cli', '--from-photos', photoIds.join(','), '--fps', '4');
    if (HAVE_PHOTO_EXPRESSIONS) {
      expect(made.code, made.stderr).toBe(0);
      expect(made.stdout).toMatch(/^Clip "from-cli": 8 keys over 1\.75 s at 4 fps/m);
      const listed = JSON.parse(cli('clip', 'list', proj, '--json').stdout) as { name: string; keyCount: number }[];
      expect(listed.find((c) => c.name === 'from-cli')?.keyCount).toBe(8);
      // End to end: the GLB's curves are the solved weights `deca-studio expressions` prints for those
      // photos, as p005's head plays them: p002's relative to p002's neutral (p005 has none of his own).
      const solved = JSON.parse(cli('expressions', proj, '--json').stdout) as Solved[];
      const file = out('from-cli.glb');
      const exported = cli('export', proj, '--subject', 'p005', '--clip', 'from-cli', '--format', 'glb', '--out', file);
      expect(exported.code, exported.stderr).toBe(0);
      const glb = new Uint8Array(readFileSync(file));
      const report = await validator.validateBytes(glb);
      expect([report.issues.numErrors, report.issues.numWarnings]).toEqual([0, 0]);
      const doc = await new NodeIO().readBinary(glb);
      const names = (doc.getRoot().listMeshes()[0]!.getExtras() as { targetNames: string[] }).targetNames;
      const sampler = doc.getRoot().listAnimations()[0]!.listChannels().find((c) => c.getTargetPath() === 'weights')!.getSampler()!;
      const values = sampler.getOutput()!.getArray()!;
      let worst = 0;
      let moved = 0;
      photoIds.forEach((id, t) => {
        const rec = solved.find((r) => r.photoId === id)!;
        const played = onSubjectNeutral({ arkit: weightsOf(rec) }, { from: neutrals[rec.subject]!, to: neutrals.p005! }).arkit;
        names.forEach((n, k) => {
          worst = Math.max(worst, Math.abs(values[t * names.length + k]! - played[at(n)]!));
          moved = Math.max(moved, Math.abs(played[at(n)]! - rec.arkit[n]!));
        });
      });
      console.log(`clip from the CLI: exported curves vs deca-studio expressions --json on p005's head, largest difference ${worst.toExponential(2)} (p002's neutral taken off: up to ${moved.toFixed(2)})`);
      // The printed weights' 6 decimals, in the neutral and the weight.
      expect(worst).toBeLessThan(3e-6);
      expect(moved).toBeGreaterThan(0.1);
      // The weights carry the fitted jaw's motion (jawOpen…): the joint is keyed at rest, not at the
      // fitted rotation on top of them, which moved the jaw twice (#12).
      const jawKeys = doc.getRoot().listAnimations()[0]!.listChannels().find((c) => c.getTargetNode()!.getName() === 'jaw' && c.getTargetPath() === 'rotation')!.getSampler()!.getOutput()!.getArray()!;
      expect(jawKeys).toHaveLength(8 * 4);
      Array.from(jawKeys, Number).forEach((q, i) => expect(q).toBeCloseTo(i % 4 === 3 ? 1 : 0, 6));
    } else {
      expect(made.code).toBe(1);
      expect(made.stderr).toMatch(/photoExpressions/);
    }
    expect(cli('clip', 'create', proj, '--name', 'x', '--from-photos', '1,a').code).toBe(64);
    const dup = cli('clip', 'create', proj, '--name', 'LONDON8', '--from-photos', String(photoIds[0]));
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/already exists/);
  });

  it('clip list --json shows the stored clip', () => {
    const listed = JSON.parse(cli('clip', 'list', proj, '--json').stdout) as Record<string, unknown>[];
    expect(listed.find((c) => c.name === 'london8')).toMatchObject({ name: 'london8', fps: 2, keyCount: 8, duration: 3.5 });
  });

  let glbFile = '';
  let fbxFile = '';
  it('exports GLB: validator 0 errors / 0 warnings, one animation whose curves are the records on p002’s head at the key times', async () => {
    glbFile = out('p002-london8.glb');
    const r = cli('export', proj, '--subject', 'p002', '--clip', 'london8', '--format', 'glb', '--out', glbFile);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/51 blendshapes, 1 animation \(clip "london8", 8 keys\)/);
    const bytes = readFileSync(glbFile);
    const report = await validator.validateBytes(new Uint8Array(bytes));
    console.log(`GLB ${(bytes.length / 2 ** 20).toFixed(2)} MiB: validator ${report.issues.numErrors} errors, ${report.issues.numWarnings} warnings, ${report.issues.numInfos} infos, ${report.info.animationCount} animation`);
    expect([report.issues.numErrors, report.issues.numWarnings]).toEqual([0, 0]);
    expect(report.info.animationCount).toBe(1);
    const doc = await new NodeIO().readBinary(new Uint8Array(bytes));
    const [animation] = doc.getRoot().listAnimations();
    const channels = new Map(animation!.listChannels().map((c) => [`${c.getTargetNode()!.getName()}.${c.getTargetPath()}`, c.getSampler()!]));
    expect([...channels.keys()].map((k) => k.split('.')[1]).sort()).toEqual(['rotation', 'weights']);
    const weights = [...channels.entries()].find(([k]) => k.endsWith('.weights'))![1];
    expect(Array.from(weights.getInput()!.getArray()!)).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]);
    const names = (doc.getRoot().listMeshes()[0]!.getExtras() as { targetNames: string[] }).targetNames;
    expect(names).toEqual(morphNames);
    const values = weights.getOutput()!.getArray()!;
    let worst = 0;
    onP002.forEach((rec, t) => names.forEach((n, k) => (worst = Math.max(worst, Math.abs(values[t * names.length + k]! - rec.arkit[at(n)]!)))));
    // p005's keys carry p002's neutral as the printed weights' 6 decimals give it.
    expect(worst).toBeLessThan(2e-6);
    const jaw = channels.get('jaw.rotation')!.getOutput()!.getArray()!;
    records.forEach((rec, t) => axisAngleToQuaternion(rec.jawPose).forEach((q, c) => expect(jaw[t * 4 + c]).toBeCloseTo(q, 6)));
    expect(Math.max(...records.map((rec) => Math.hypot(...rec.jawPose)))).toBeGreaterThan(0.005); // the jaw really moves
  });

  it('exports a subject with no expression at rest at their neutral (the initial morph weights), as the viewer shows them', async () => {
    const file = out('p002-rest.glb');
    const r = cli('export', proj, '--subject', 'p002', '--format', 'glb', '--no-textures', '--out', file);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/posed as p002's neutral/);
    const doc = await new NodeIO().readBinary(new Uint8Array(readFileSync(file)));
    const mesh = doc.getRoot().listMeshes()[0]!;
    const names = (mesh.getExtras() as { targetNames: string[] }).targetNames;
    const weights = mesh.getWeights();
    let worst = 0;
    names.forEach((n, k) => (worst = Math.max(worst, Math.abs(weights[k]! - neutrals.p002![at(n)]!))));
    console.log(`p002 at rest: initial weights vs his neutral from the printed weights, largest difference ${worst.toExponential(2)}; mouthPucker ${neutrals.p002![at('mouthPucker')]!.toFixed(2)}, cheekPuff ${neutrals.p002![at('cheekPuff')]!.toFixed(2)}`);
    expect(worst).toBeLessThan(2e-6);
    expect(Math.max(...weights)).toBeGreaterThan(0.1);
    // p005 has too few photos for a neutral: his head rests at ψ = 0.
    const p005 = cli('export', proj, '--subject', 'p005', '--format', 'glb', '--no-textures', '--out', out('p005-rest.glb'));
    expect(p005.code, p005.stderr).toBe(0);
    expect(p005.stdout).not.toMatch(/posed as/);
  });

  it('exports FBX that the Autodesk FBX SDK (fbx2gltf) reads with the clip’s curves', async () => {
    fbxFile = out('p002-london8.fbx');
    const r = cli('export', proj, '--subject', 'p002', '--clip', 'london8', '--format', 'fbx', '--out', fbxFile);
    expect(r.code, r.stderr).toBe(0);
    console.log(`FBX ${(statSync(fbxFile).size / 2 ** 20).toFixed(2)} MiB`);
    const sdk = fbxToGltf(fbxFile, out('sdk'));
    expect(sdk.ok, sdk.log).toBe(true);
    const doc = await new NodeIO().read(sdk.gltf);
    const [animation] = doc.getRoot().listAnimations();
    const channels = animation!.listChannels().map((c) => ({ target: `${c.getTargetNode()!.getName()}.${c.getTargetPath()}`, sampler: c.getSampler()! }));
    expect(channels.map((c) => c.target).sort()).toEqual(['jaw.rotation', expect.stringMatching(/\.weights$/)].sort());
    const weights = channels.find((c) => c.target.endsWith('.weights'))!.sampler;
    const times = Array.from(weights.getInput()!.getArray()! as Float32Array);
    const values = weights.getOutput()!.getArray()!;
    const K = morphNames.length;
    let worst = 0;
    onP002.forEach((rec, t) => {
      const i = times.findIndex((x) => Math.abs(x - t * 0.5) < 1e-3); // fbx2gltf resamples; keys fall on its frames
      expect(i, `key ${t}`).toBeGreaterThanOrEqual(0);
      morphNames.forEach((n, k) => (worst = Math.max(worst, Math.abs(values[i * K + k]! - rec.arkit[at(n)]!))));
    });
    console.log(`fbx2gltf: ${times.length} samples over ${times[times.length - 1]!.toFixed(2)} s, largest weight difference at the keys ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-4);
  });

  describe.skipIf(!HAVE_BLENDER)('Blender imports the animation', () => {
    let fromGlb: BlenderReport;
    let fromFbx: BlenderReport;
    beforeAll(() => {
      fromGlb = inspectInBlender(glbFile, { curves: true });
      fromFbx = inspectInBlender(fbxFile, { curves: true });
    }, 600_000);

    it.each([
      ['GLB', () => fromGlb],
      ['FBX', () => fromFbx],
    ])('%s: keyed shape keys equal to the records at the key times, and the jaw rotation', (format, report) => {
      const r = report();
      console.log(`Blender ${format}: actions ${JSON.stringify(r.actions)}, ${r.animated.length} animated paths, fps ${r.fps}`);
      const shapeCurves = r.curves!.filter((c) => c.path.startsWith('key_blocks'));
      expect(shapeCurves.map((c) => c.path).sort()).toEqual(morphNames.map((n) => `key_blocks["${n}"].value`).sort());
      const jawCurves = r.curves!.filter((c) => /pose\.bones\["jaw"\]\.rotation/.test(c.path));
      const [major, minor] = r.blender;
      if (format === 'GLB' && (major! > 4 || (major === 4 && minor! >= 4))) {
        // Blender 4.4+ (slotted actions): the glTF animation is one action, its shape keys and the jaw
        // in it (a slot each). Debian's Blender is 3.4; DECA_TEST_BLENDER runs this with a newer one.
        expect(r.actions).toEqual(['london8']);
        expect(new Set([...shapeCurves, ...jawCurves].map((c) => c.action))).toEqual(new Set(['london8']));
      } else {
        // Before 4.4 an action animates one data-block: one action carries every shape key, the
        // armature's own action the bones (both on an NLA track named after the clip, for glTF).
        expect(new Set(shapeCurves.map((c) => c.action)).size).toBe(1);
      }
      let worst = 0;
      for (const c of shapeCurves) {
        const name = /key_blocks\["(.+)"\]/.exec(c.path)![1]!;
        // Blender's FBX importer starts the clip at the scene's first frame (1), its glTF importer at 0.
        const start = c.keys[0]![0];
        onP002.forEach((rec, t) => {
          const frame = start + t * 0.5 * r.fps!;
          const key = c.keys.find(([f]) => Math.abs(f - frame) < 0.01);
          expect(key, `${name} key ${t} at frame ${frame}`).toBeDefined();
          worst = Math.max(worst, Math.abs(key![1] - rec.arkit[at(name)]!));
        });
      }
      console.log(`Blender ${format}: ${shapeCurves.length} shape-key curves, largest difference from the records ${worst.toExponential(2)}`);
      expect(worst).toBeLessThan(1e-4);
      expect(jawCurves.length).toBeGreaterThanOrEqual(3);
      // The jaw's angle at each key (2·acos|w|, whatever the bone's axes) is the record's.
      const w = jawCurves.find((c) => c.path.endsWith('rotation_quaternion') && c.index === 0)!;
      expect(w, 'the jaw is keyed as a quaternion').toBeDefined();
      {
        records.forEach((rec, t) => {
          const key = w.keys.find(([f]) => Math.abs(f - w.keys[0]![0] - t * 0.5 * r.fps!) < 0.01)!;
          expect(2 * Math.acos(Math.min(1, Math.abs(key[1])))).toBeCloseTo(Math.hypot(...rec.jawPose), 4);
        });
      }
    });
  });

  it('exports the clip alone as an ARKit CSV in Live Link Face layout: exact header, one row per frame', () => {
    const csvFile = out('london8.csv');
    const r = cli('export', proj, '--subject', 'p002', '--clip', 'london8', '--format', 'arkit-csv', '--out', csvFile);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(csvFile, 'utf8');
    const lines = text.split('\r\n').slice(0, -1);
    expect(lines[0]).toBe(ARKIT_CSV_HEADER);
    expect(lines[0]).toBe(
      'Timecode,BlendShapeCount,EyeBlinkLeft,EyeLookDownLeft,EyeLookInLeft,EyeLookOutLeft,EyeLookUpLeft,EyeSquintLeft,EyeWideLeft,EyeBlinkRight,EyeLookDownRight,EyeLookInRight,EyeLookOutRight,EyeLookUpRight,EyeSquintRight,EyeWideRight,JawForward,JawRight,JawLeft,JawOpen,MouthClose,MouthFunnel,MouthPucker,MouthRight,MouthLeft,MouthSmileLeft,MouthSmileRight,MouthFrownLeft,MouthFrownRight,MouthDimpleLeft,MouthDimpleRight,MouthStretchLeft,MouthStretchRight,MouthRollLower,MouthRollUpper,MouthShrugLower,MouthShrugUpper,MouthPressLeft,MouthPressRight,MouthLowerDownLeft,MouthLowerDownRight,MouthUpperUpLeft,MouthUpperUpRight,BrowDownLeft,BrowDownRight,BrowInnerUp,BrowOuterUpLeft,BrowOuterUpRight,CheekPuff,CheekSquintLeft,CheekSquintRight,NoseSneerLeft,NoseSneerRight,TongueOut,HeadYaw,HeadPitch,HeadRoll,LeftEyeYaw,LeftEyePitch,LeftEyeRoll,RightEyeYaw,RightEyePitch,RightEyeRoll',
    );
    expect(lines).toHaveLength(1 + 8); // 3.5 s at 2 fps
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['00:00:00:00.000', '00:00:00:01.000', '00:00:01:00.000', '00:00:01:01.000', '00:00:02:00.000', '00:00:02:01.000', '00:00:03:00.000', '00:00:03:01.000']);
    let worst = 0;
    lines.slice(1).forEach((line, t) => {
      const cols = line.split(',');
      expect(cols).toHaveLength(63);
      expect(cols[1]).toBe('61');
      LIVE_LINK_FACE_BLENDSHAPES.forEach((name, k) => (worst = Math.max(worst, Math.abs(Number(cols[2 + k]) - records[t]!.arkit[ARKIT_BLENDSHAPES.findIndex((a) => a.toLowerCase() === name.toLowerCase())]!))));
    });
    expect(worst).toBeLessThan(2e-6);
    console.log(`CSV ${text.length} bytes, ${lines.length - 1} rows, largest difference from the records ${worst.toExponential(2)}`);
  });

  it('refuses what it cannot do with a clear message', () => {
    const noClip = cli('export', proj, '--subject', 'p002', '--clip', 'nope', '--format', 'glb', '--out', out('x.glb'));
    expect(noClip.code).toBe(1);
    expect(noClip.stderr).toMatch(/No clip named "nope" \(the project has: .*london8/);
    const both = cli('export', proj, '--subject', 'p002', '--clip', 'london8', '--expression-from', '1', '--format', 'glb', '--out', out('x.glb'));
    expect(both.code).toBe(64);
    const posed = cli('export', proj, '--subject', 'p002', '--expression-from', String(photoIds[4]), '--format', 'glb', '--out', out('posed.glb'));
    if (HAVE_PHOTO_EXPRESSIONS) {
      expect(posed.code, posed.stderr).toBe(0);
      expect(posed.stdout).toMatch(/posed as 002_08_smiling_front\.jpg/);
    }
    else expect(posed.stderr).toMatch(/photoExpressions/);
  });
  it.skipIf(spawnSync('ffmpeg', ['-version']).status !== 0)('a video made from the photos becomes a clip with one expression per sampled frame with a face', async () => {
    // ffmpeg only here: it makes the video, and decodes it in place of the studio renderer's Chromium decoder.
    const p002 = readdirSync(path.join(LONDON, 'p002')).filter((f) => /_(front|3quarter)\.jpg$/.test(f)).sort();
    const list = p002.map((f) => `file '${path.join(LONDON, 'p002', f)}'\nduration 0.3`).join('\n');
    const concat = out('video.txt');
    writeFileSync(concat, `${list}\nfile '${path.join(LONDON, 'p002', p002[p002.length - 1]!)}'\n`);
    const video = out('p002.mp4');
    const make = spawnSync('ffmpeg', ['-y', '-loglevel', 'error', '-f', 'concat', '-safe', '0', '-i', concat, '-f', 'lavfi', '-i', 'color=black:s=720x720:d=0.2:r=10',
      '-filter_complex', '[0:v]scale=720:720,fps=10,setsar=1[a];[1:v]setsar=1[b];[a][b]concat=n=2:v=1[v]', '-map', '[v]', '-pix_fmt', 'yuv420p', video]);
    expect(make.status, make.stderr?.toString()).toBe(0);
    const framesDir = out('frames');
    mkdirSync(framesDir);
    const decode = spawnSync('ffmpeg', ['-loglevel', 'error', '-i', video, '-vf', 'fps=10', path.join(framesDir, '%03d.png')]);
    expect(decode.status, decode.stderr?.toString()).toBe(0);
    const frames = readdirSync(framesDir).sort().map((f) => ({ path: path.join(framesDir, f) }));
    expect(frames.length).toBeGreaterThanOrEqual(19);
    const studio = new Studio({ mode: 'cli', version: 'test', settingsDir: env.DECA_STUDIO_HOME, modelDir: TEST_MODEL_DIR, provider: 'cpu' });
    try {
      const project = await studio.openProject(proj);
      const subjectId = project.library.reads.findSubjectByName('p002')!.id;
      // The ARKit step as the fixture above (ψ by name); the frames' perception and fits are the studio's own.
      const solver = { solve: async (_pack: string, inputs: readonly { expression: number[]; jaw: number[] }[]) => ({ weights: inputs.map((f) => toRecord(f).arkit) }) };
      // Through the studio's job, as the renderer's posted frames arrive: staged uploads.
      const stagedIds = await Promise.all(frames.map((f) => studio.staging.put(path.basename(f.path), new Uint8Array(readFileSync(f.path)))));
      const jobId = startClipFromFrames(studio, { name: 'video', subjectId, stagedIds, everyMs: 100 }, solver);
      const job = await studio.jobs.whenDone(jobId);
      const items = project.library.reads.listJobItems(jobId);
      console.log(`video: ${frames.length} frames → ${items.at(-1)?.message}, skipped ${JSON.stringify(items.filter((i) => i.outcome === 'skipped').map((i) => `${i.name}: ${i.message}`))}`);
      expect(job).toMatchObject({ kind: 'clip', state: 'done', done: frames.length, total: frames.length });
      // The black frames at the end have no face; every frame with a face is one key, 0.1 s apart.
      const skipped = items.filter((i) => i.outcome === 'skipped');
      expect(skipped.length).toBeGreaterThanOrEqual(1);
      expect(skipped.every((i) => Number(i.name.split(' ')[1]) >= 18 && /no face/.test(i.message ?? ''))).toBe(true);
      expect(items.at(-1)).toMatchObject({ kind: 'output', name: 'video', outcome: 'done' });
      expect(project.library.clips.getByName('video')!.keyCount).toBe(frames.length - skipped.length);
      const clip = project.library.clips.getByName('video')!.clip;
      clip.keys.forEach((k, i) => expect(k.time).toBeCloseTo(i * 0.1, 6));
      // The expressions follow the video: its smiling half smiles more than its neutral half.
      const smile = (i: number) => clip.keys[i]!.expression.arkit[at('mouthSmileLeft')]! + clip.keys[i]!.expression.arkit[at('mouthSmileRight')]!;
      const mean = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => smile(from + i)).reduce((a, b) => a + b, 0) / (to - from);
      console.log(`video: mean mouthSmileL+R ${mean(0, 9).toFixed(2)} over the neutral frames, ${mean(9, 18).toFixed(2)} over the smiling ones`);
      expect(mean(9, 18)).toBeGreaterThan(mean(0, 9) + 0.2);

      // The studio's own route: the API method, with the ARKit solve of each fitted frame in the compute workers.
      const api = createApiHandlers(studio);
      const again = await Promise.all(frames.map((f) => studio.staging.put(path.basename(f.path), new Uint8Array(readFileSync(f.path)))));
      const { jobId: solvedJob } = await api['clips.createFromFrames']({ name: 'video-arkit', subjectId, stagedIds: again, everyMs: 100 });
      expect(await studio.jobs.whenDone(solvedJob)).toMatchObject({ state: 'done' });
      const solved = project.library.clips.getByName('video-arkit')!.clip;
      const solvedSmile = (from: number, to: number) => solved.keys.slice(from, to).reduce((a, k) => a + k.expression.arkit[at('mouthSmileLeft')]! + k.expression.arkit[at('mouthSmileRight')]!, 0) / (to - from);
      console.log(`video (ARKit solve): ${project.library.reads.listJobItems(solvedJob).at(-1)?.message}; mean mouthSmileL+R ${solvedSmile(0, 9).toFixed(2)} neutral, ${solvedSmile(9, 18).toFixed(2)} smiling`);
      expect(solved.keys).toHaveLength(clip.keys.length);
      expect(solvedSmile(9, 18)).toBeGreaterThan(solvedSmile(0, 9) + 0.2);
      // The keys are relative to p002's neutral (#12): his neutral frames read less pucker and cheek
      // puff than every fit of him carries — his neutral, the least expressive half of his photos
      // (measured 0.14 + 0.09 against 0.23 + 0.22; a frame fitted alone, β fixed, carries more
      // expression than the joint fit of his photos, so it is not 0).
      const neutralOf = (name: 'mouthPucker' | 'cheekPuff') => solved.keys.slice(0, 9).reduce((a, k) => a + k.expression.arkit[at(name)]!, 0) / 9;
      console.log(`video (ARKit solve) neutral frames relative to p002's neutral: mouthPucker ${neutralOf('mouthPucker').toFixed(2)}, cheekPuff ${neutralOf('cheekPuff').toFixed(2)} (his neutral ${neutrals.p002![at('mouthPucker')]!.toFixed(2)}, ${neutrals.p002![at('cheekPuff')]!.toFixed(2)})`);
      expect(neutralOf('mouthPucker') + neutralOf('cheekPuff')).toBeLessThan(neutrals.p002![at('mouthPucker')]! + neutrals.p002![at('cheekPuff')]!);
    } finally {
      await studio.dispose();
    }
  }, 600_000);
});
