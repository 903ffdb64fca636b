import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { jointIndex, type HeadModel } from '../../../core/head-model/head-model';
import { HeadModelEvaluator } from '../../../core/head-model/head-model-evaluator';
import { importIctFaceKit, zipSourceFiles } from '../../../core/head-model/ict-facekit-import';
import { ICT_FIT_LIP_LANDMARKS, ICT_LANDMARKS_68, ICT_RANGES, type IctRig } from '../../../core/head-model/ict-skeleton';
import { readZip } from '../../../core/head-model/zip-read';
import { readModelSource } from '../../../main/packs/import-model-source';
import { makeTempDir, SHARED_DIR } from '../../helpers/temp-dir';

const ZIP = path.join(SHARED_DIR, 'models/ICT-FaceKit-master.zip');

/** Independent read: `unzip -p` and a split-based parse of the `v` lines. */
function unzipPositions(entry: string): number[] {
  const text = execFileSync('unzip', ['-p', ZIP, `ICT-FaceKit-master/FaceXModel/${entry}`], { maxBuffer: 64 << 20, encoding: 'utf8' });
  return text.split('\n').filter((l) => l.startsWith('v ')).flatMap((l) => l.trim().split(/\s+/).slice(1, 4).map(Number));
}

// iBUG 68 left/right pairs (0-based): jaw, brows, eyes, nose wings, mouth.
const MIRROR: [number, number][] = [
  ...Array.from({ length: 8 }, (_, i): [number, number] => [i, 16 - i]),
  ...Array.from({ length: 5 }, (_, i): [number, number] => [17 + i, 26 - i]),
  [36, 45], [37, 44], [38, 43], [39, 42], [40, 47], [41, 46], [31, 35], [32, 34],
  [48, 54], [49, 53], [50, 52], [59, 55], [58, 56], [60, 64], [61, 63], [67, 65],
];

describe.skipIf(!existsSync(ZIP))('ICT-FaceKit import (shared zip)', () => {
  let model: HeadModel;
  let rig: IctRig;
  beforeAll(() => {
    ({ model, rig } = importIctFaceKit(zipSourceFiles(readZip(new Uint8Array(readFileSync(ZIP))))));
  }, 120_000);

  it('has the README topology, bases, names and joints', () => {
    expect(model.vertexCount).toBe(26719);
    // 25,836 quads (2 triangles) + 548 triangles
    expect(model.triangles.length / 3).toBe(25836 * 2 + 548);
    // The OBJ's 28,911 UVs, plus a copy of those shared between the skin's two UDIM tiles (see skinUvAtlas).
    expect(model.uv!.coords.length / 2).toBeGreaterThanOrEqual(28911);
    expect(model.shape.count).toBe(100);
    expect(model.expression.count).toBe(53);
    expect(model.expression.names).toContain('eyeBlink_L');
    expect(model.expression.names[26]).toBe('jawOpen');
    expect(model.joints.names).toEqual(['root', 'neck', 'head', 'jaw', 'eye_L', 'eye_R']);
    expect(model.landmarks.faces.length).toBe(68);
  });

  it('stores target − neutral in metres, equal to an independent unzip + parse', () => {
    const neutral = unzipPositions('generic_neutral_mesh.obj');
    const blink = unzipPositions('eyeBlink_L.obj');
    const id7 = unzipPositions('identity007.obj');
    const n = model.vertexCount * 3;
    const k = model.expression.names.indexOf('eyeBlink_L');
    let moved = 0;
    for (let i = 0; i < n; i += 97) {
      expect(model.template[i]).toBe(Math.fround(Math.fround(neutral[i]!) * 0.01));
      expect(model.expression.data[k * n + i]).toBeCloseTo((blink[i]! - neutral[i]!) * 0.01, 7);
      expect(model.shape.data[7 * n + i]).toBeCloseTo((id7[i]! - neutral[i]!) * 0.01, 7);
      if (Math.abs(blink[i]! - neutral[i]!) > 0.01) moved++;
    }
    expect(moved).toBeGreaterThan(0);
  });

  it('has a left/right symmetric neutral at mirrored landmarks (within 1 mm)', () => {
    const p = (v: number, d: number) => model.template[v * 3 + d]!;
    for (const [a, b] of MIRROR) {
      const va = ICT_LANDMARKS_68[a]!, vb = ICT_LANDMARKS_68[b]!;
      expect(Math.abs(p(va, 0) + p(vb, 0))).toBeLessThan(0.001);
      expect(Math.abs(p(va, 1) - p(vb, 1))).toBeLessThan(0.001);
      expect(Math.abs(p(va, 2) - p(vb, 2))).toBeLessThan(0.001);
      expect(p(va, 0)).toBeLessThan(0); // landmark 0…7 etc. are the subject's right: −X
    }
  });

  it('projects its 68 landmarks inside the face, on the visible front surface', () => {
    const out = new HeadModelEvaluator(model).evaluate({});
    const [f0, f1] = ICT_RANGES.face;
    let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
    for (let v = f0; v <= f1; v++) {
      minX = Math.min(minX, out.vertices[v * 3]!); maxX = Math.max(maxX, out.vertices[v * 3]!);
      minY = Math.min(minY, out.vertices[v * 3 + 1]!); maxY = Math.max(maxY, out.vertices[v * 3 + 1]!);
    }
    for (let l = 0; l < 68; l++) {
      const x = out.landmarks[l * 3]!, y = out.landmarks[l * 3 + 1]!, z = out.landmarks[l * 3 + 2]!;
      expect(x).toBeGreaterThan(minX); expect(x).toBeLessThan(maxX);
      expect(y).toBeGreaterThan(minY); expect(y).toBeLessThan(maxY);
      const v = ICT_FIT_LIP_LANDMARKS[l] ?? ICT_LANDMARKS_68[l]!; // it sits on its README vertex, or the lip vertex a detector's point matches
      expect(Math.hypot(x - out.vertices[v * 3]!, y - out.vertices[v * 3 + 1]!, z - out.vertices[v * 3 + 2]!)).toBeLessThan(1e-7);
      // Inner landmarks (17…67): nothing of the face more than 5 mm in front within 2 mm in the image
      // plane. The jaw contour (0…16) lies on the silhouette, where the surface is edge-on.
      if (l < 17) continue;
      let front = -Infinity;
      for (let v = f0; v <= f1; v++) if (Math.hypot(out.vertices[v * 3]! - x, out.vertices[v * 3 + 1]! - y) < 0.002) front = Math.max(front, out.vertices[v * 3 + 2]!);
      expect(front - z).toBeLessThan(0.005);
    }
  });

  it('rigs the jaw so a jaw rotation reproduces the jawOpen shape', () => {
    const ev = new HeadModelEvaluator(model);
    const pose = new Float64Array(18);
    pose.set(rig.jawOpenRotation, jointIndex(model, 'jaw') * 3);
    const posed = Float32Array.from(ev.evaluate({ pose }).vertices);
    const expr = new Float64Array(53);
    expr[model.expression.names.indexOf('jawOpen')] = 1;
    const shaped = ev.evaluate({ expression: expr }).vertices;
    // about 25° of opening about the left-right axis
    expect(rig.jawOpenRotation[0]).toBeGreaterThan(0.3);
    expect(rig.jawOpenRotation[0]).toBeLessThan(0.6);
    let worst = 0;
    for (let v = ICT_RANGES.lowerTeeth[0]; v <= ICT_RANGES.lowerTeeth[1]; v++)
      worst = Math.max(worst, Math.hypot(posed[v * 3]! - shaped[v * 3]!, posed[v * 3 + 1]! - shaped[v * 3 + 1]!, posed[v * 3 + 2]! - shaped[v * 3 + 2]!));
    expect(worst).toBeLessThan(0.0005);
    // The chin is soft tissue, not rigid: 4.2 mm off for over 2 cm of travel when this was written.
    const chin = ICT_LANDMARKS_68[8]! * 3;
    expect(Math.hypot(posed[chin]! - shaped[chin]!, posed[chin + 1]! - shaped[chin + 1]!, posed[chin + 2]! - shaped[chin + 2]!)).toBeLessThan(0.006);
    // the chin moved a lot, the forehead not at all
    expect(shaped[chin + 1]! - model.template[chin + 1]!).toBeLessThan(-0.02);
    const brow = ICT_LANDMARKS_68[19]! * 3;
    expect(posed[brow + 1]).toBe(model.template[brow + 1]);
  });

  it('has skin weights that sum to 1 and eyes that pivot on their own joint', () => {
    const J = 6;
    for (let v = 0; v < model.vertexCount; v += 7) {
      let s = 0;
      for (let j = 0; j < J; j++) s += model.skinWeights[v * J + j]!;
      expect(s).toBeCloseTo(1, 6);
    }
    const ev = new HeadModelEvaluator(model);
    const pose = new Float64Array(18);
    pose[jointIndex(model, 'eye_L') * 3 + 1] = 0.3;
    const out = ev.evaluate({ pose });
    // eyeball centre stays put (the joint), the iris moves, the right eye does not
    const eyeL = jointIndex(model, 'eye_L') * 3;
    const c = rig.restJoints.subarray(eyeL, eyeL + 3);
    let moved = 0;
    for (let v = ICT_RANGES.eyeballLeft[0]; v <= ICT_RANGES.eyeballLeft[1]; v++) {
      const r0 = Math.hypot(model.template[v * 3]! - c[0]!, model.template[v * 3 + 1]! - c[1]!, model.template[v * 3 + 2]! - c[2]!);
      const r1 = Math.hypot(out.vertices[v * 3]! - c[0]!, out.vertices[v * 3 + 1]! - c[1]!, out.vertices[v * 3 + 2]! - c[2]!);
      expect(Math.abs(r1 - r0)).toBeLessThan(1e-6);
      if (Math.abs(out.vertices[v * 3]! - model.template[v * 3]!) > 0.001) moved++;
    }
    expect(moved).toBeGreaterThan(100);
    const r = ICT_RANGES.eyeballRight[0] * 3;
    expect(out.vertices[r]).toBe(model.template[r]);
  });
});

describe.skipIf(!existsSync(ZIP))('ICT-FaceKit import from an unpacked folder', () => {
  it('reads the same model as from the zip (here with 2 of the 100 identity files)', async () => {
    const { dir, cleanup } = makeTempDir('deca-ict-folder-');
    try {
      // Everything but identity002…099, to keep the temporary copy small.
      execFileSync('unzip', ['-q', ZIP, '-d', dir, '-x', 'ICT-FaceKit-master/FaceXModel/identity0[0-9][2-9].obj', 'ICT-FaceKit-master/FaceXModel/identity0[1-9][0-9].obj']);
      const model = await readModelSource(path.join(dir, 'ICT-FaceKit-master'));
      expect(model.id).toBe('ict-facekit');
      expect(model.shape.names).toEqual(['identity000', 'identity001']);
      expect(model.expression.count).toBe(53);
      const zipped = importIctFaceKit(zipSourceFiles(readZip(new Uint8Array(readFileSync(ZIP))))).model;
      expect(model.template).toEqual(zipped.template);
      expect(model.triangles).toEqual(zipped.triangles);
      expect(model.expression.data).toEqual(zipped.expression.data);
      expect(model.shape.data).toEqual(zipped.shape.data.subarray(0, 2 * model.vertexCount * 3));
      expect(model.skinWeights).toEqual(zipped.skinWeights);
    } finally {
      cleanup();
    }
  }, 180_000);
});
