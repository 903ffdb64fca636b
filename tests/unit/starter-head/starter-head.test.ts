import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { arkitName } from '../../../core/expression/arkit-names';
import { jointIndex, validateHeadModel, type HeadModel } from '../../../core/head-model/head-model';
import { HeadModelEvaluator } from '../../../core/head-model/head-model-evaluator';
import { renderHeadPreview } from '../../../core/geometry/render-head-preview';
import { buildStarterHead } from '../../../core/starter-head/build-starter-head';
import { STARTER_LANDMARKS_68 } from '../../../core/starter-head/starter-landmarks';
import { parseCanonicalFaceMesh } from '../../../core/starter-head/canonical-face-mesh';
import { LEFT_EYE_LOWER, LEFT_EYE_UPPER, RIGHT_EYE_LOWER, RIGHT_EYE_UPPER } from '../../../core/starter-head/starter-head-shell';
import { PackStore } from '../../../main/packs/pack-store';
import { ensureStarterPack, readCanonicalFaceMeshAsset } from '../../../main/packs/starter-pack';
import { makeTempDir } from '../../helpers/temp-dir';

let bytes: Uint8Array;
let model: HeadModel;
beforeAll(async () => {
  bytes = await readCanonicalFaceMeshAsset();
  model = buildStarterHead(bytes);
});

const vertex = (p: Float32Array, i: number) => [p[i * 3]!, p[i * 3 + 1]!, p[i * 3 + 2]!];
const distance = (a: number[], b: number[]) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);

describe('MediaPipe canonical face mesh', () => {
  it('reads 468 vertices with UVs and 898 triangles, mirror-symmetric', () => {
    const mesh = parseCanonicalFaceMesh(bytes);
    expect(mesh.positions.length / 3).toBe(468);
    expect(mesh.triangles.length / 3).toBe(898);
    expect(Math.min(...mesh.uvs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...mesh.uvs)).toBeLessThanOrEqual(1);
    // Outer eye corners 33 (subject's right) and 263 (left) mirror each other across x = 0.
    const [r, l] = [vertex(mesh.positions, 33), vertex(mesh.positions, 263)];
    expect(r[0]).toBeLessThan(0);
    expect(distance([-r[0]!, r[1]!, r[2]!], l)).toBeLessThan(1e-4);
  });

  it('refuses bytes that are not the geometry metadata', () => {
    expect(() => parseCanonicalFaceMesh(new Uint8Array([0x18, 0x01]))).toThrow(/no canonical_mesh/);
  });
});

describe('starter head', () => {
  it('is a valid head model of plausible human size, deterministic', () => {
    validateHeadModel(model);
    expect(model.id).toBe('starter-head');
    const ys = Array.from({ length: model.vertexCount }, (_, v) => model.template[v * 3 + 1]!);
    const xs = Array.from({ length: model.vertexCount }, (_, v) => model.template[v * 3]!);
    const zs = Array.from({ length: model.vertexCount }, (_, v) => model.template[v * 3 + 2]!);
    const [chin, crown] = [model.template[152 * 3 + 1]!, Math.max(...ys)];
    expect(crown - chin).toBeGreaterThan(0.2); // chin to crown of an adult: ~0.22–0.24 m
    expect(crown - chin).toBeLessThan(0.26);
    expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThan(0.14); // head breadth
    expect(Math.max(...xs) - Math.min(...xs)).toBeLessThan(0.18);
    expect(Math.max(...zs) - Math.min(...zs)).toBeGreaterThan(0.19); // nose tip to back of the head
    expect(Math.max(...zs) - Math.min(...zs)).toBeLessThan(0.25);
    const again = buildStarterHead(bytes);
    const hash = (m: HeadModel) => createHash('sha256').update(m.template).update(m.expression.data).update(m.shape.data).update(m.skinWeights).digest('hex');
    expect(hash(again)).toBe(hash(model));
  });

  it('is closed but for the two eye openings (its eyeballs sit behind them)', () => {
    const uses = new Map<string, number>();
    const t = model.triangles;
    for (let i = 0; i < t.length; i += 3) {
      for (let k = 0; k < 3; k++) {
        const [a, b] = [t[i + k]!, t[i + ((k + 1) % 3)]!];
        const key = a < b ? `${a},${b}` : `${b},${a}`;
        uses.set(key, (uses.get(key) ?? 0) + 1);
      }
    }
    const open = [...uses].filter(([, n]) => n !== 2).map(([k]) => k.split(',').map(Number));
    const lids = new Set([...LEFT_EYE_UPPER, ...LEFT_EYE_LOWER, ...RIGHT_EYE_UPPER, ...RIGHT_EYE_LOWER]);
    expect(open).toHaveLength(32);
    expect(open.every(([a, b]) => lids.has(a!) && lids.has(b!))).toBe(true);
    expect([...uses.values()].every((n) => n <= 2)).toBe(true);
  });

  it('keeps every UV triangle inside one chart, and the small charts free of wrap-around seams', () => {
    const { coords, triangles } = model.uv!;
    // Face: left half (MediaPipe's own UVs); shell: right half above v = 0.16; below it three strips
    // (right eyeball, left eyeball, mouth cavity).
    const chart = (i: number) => {
      const [u, v] = [coords[i * 2]!, coords[i * 2 + 1]!];
      if (u < 0.5) return 'face';
      if (v >= 0.155) return 'shell';
      return `${u < 0.74 ? 'left' : 'right'}-${v < 0.08 ? 'eye' : 'mouth'}`;
    };
    let stripEdge = 0;
    for (let t = 0; t < triangles.length; t += 3) {
      const charts = new Set([0, 1, 2].map((k) => chart(triangles[t + k]!)));
      expect(charts.size, `triangle ${t / 3}`).toBe(1);
      const only = [...charts][0]!;
      if (only === 'face' || only === 'shell') continue;
      for (let k = 0; k < 3; k++) {
        const a = triangles[t + k]!, b = triangles[t + ((k + 1) % 3)]!;
        stripEdge = Math.max(stripEdge, Math.abs(coords[a * 2]! - coords[b * 2]!));
      }
    }
    // Pole fans reach half a strip (0.1); a wrap-around triangle would span the whole strip (0.19+).
    expect(stripEdge).toBeLessThan(0.15);
    // Every chart keeps 3.5 texels of a 1024² texture off the atlas's edges (the shell 4, MediaPipe's
    // face UVs 3.9): exports sample with wrapping, so a chart on the border (the shell's seam column
    // at u = 1, its contour ring at v = 1) filtered with the opposite border's charts — a light line
    // from the ear across the back of the head.
    console.log(`UV extent: u ${Math.min(...coords.filter((_, i) => i % 2 === 0)).toFixed(4)}…${Math.max(...coords.filter((_, i) => i % 2 === 0)).toFixed(4)}, v ${Math.min(...coords.filter((_, i) => i % 2 === 1)).toFixed(4)}…${Math.max(...coords.filter((_, i) => i % 2 === 1)).toFixed(4)}`);
    expect(Math.min(...coords)).toBeGreaterThanOrEqual(3.5 / 1024);
    expect(Math.max(...coords)).toBeLessThanOrEqual(1 - 3.5 / 1024);
  });

  it('has FLAME joints with a head joint, 20+ identity modes and 12+ ARKit expressions', () => {
    expect(model.joints.names).toEqual(['root', 'neck', 'head', 'jaw', 'eye_L', 'eye_R']);
    expect(model.shape.count).toBeGreaterThanOrEqual(20);
    for (const name of ['jawOpen', 'eyeBlinkLeft', 'eyeBlinkRight', 'mouthSmileLeft', 'mouthSmileRight', 'mouthFrownLeft', 'mouthFrownRight', 'browInnerUp', 'browDownLeft', 'browDownRight', 'mouthFunnel', 'mouthPucker', 'cheekPuff']) {
      expect(model.expression.names).toContain(name);
    }
    expect(model.expression.names.every((n) => arkitName(n) === n)).toBe(true);
    // Every mode moves something, by millimetres not metres.
    const V3 = model.vertexCount * 3;
    for (const basis of [model.shape, model.expression]) {
      for (let k = 0; k < basis.count; k++) {
        const max = Math.max(...basis.data.subarray(k * V3, (k + 1) * V3).map(Math.abs));
        expect(max, basis.names[k]).toBeGreaterThan(0.001);
        expect(max, basis.names[k]).toBeLessThan(0.05);
      }
    }
  });

  it('embeds the 468 MediaPipe points as its first vertices and the 68 iBUG points on them', () => {
    const mesh = parseCanonicalFaceMesh(bytes);
    expect(Array.from(model.regions.mediapipe468!)).toEqual(Array.from({ length: 468 }, (_, i) => i));
    for (let i = 0; i < 468 * 3; i++) expect(model.template[i]).toBeCloseTo(mesh.positions[i]! * 0.01, 6);
    const out = new HeadModelEvaluator(model).evaluate({});
    STARTER_LANDMARKS_68.forEach((entry, i) => {
      const pairs = typeof entry === 'number' ? [[entry, 1]] : Array.from({ length: entry.length / 2 }, (_, k) => [entry[k * 2]!, entry[k * 2 + 1]!]);
      expect(pairs.reduce((s, [, w]) => s + w!, 0)).toBeCloseTo(1, 6);
      const want = [0, 1, 2].map((d) => pairs.reduce((s, [v, w]) => s + w! * out.vertices[v! * 3 + d]!, 0));
      expect(distance(vertex(out.landmarks, i), want), `landmark ${i}`).toBeLessThan(1e-6);
    });
    // iBUG order: point 37 (index 36) is the subject's right outer eye corner (−X), 46 the left one.
    expect(out.landmarks[36 * 3]!).toBeLessThan(0);
    expect(out.landmarks[45 * 3]!).toBeGreaterThan(0);
    expect(out.landmarks[8 * 3 + 1]!).toBeLessThan(out.landmarks[57 * 3 + 1]!); // chin below the lower lip
  });

  it('places the nose ridge\'s 28 and 29 evenly between the nasion (27) and the tip (30), as iBUG marks them', () => {
    const out = new HeadModelEvaluator(model).evaluate({});
    const y = (l: number) => out.landmarks[l * 3 + 1]!;
    const steps = [y(27) - y(28), y(28) - y(29), y(29) - y(30)];
    for (const step of steps) expect(step).toBeCloseTo((y(27) - y(30)) / 3, 3); // within 0.5 mm of a third
    for (const l of [27, 28, 29, 30]) expect(Math.abs(out.landmarks[l * 3]!)).toBeLessThan(1e-6); // on the mid-line
  });

  it('varies brow arch and eye depth among its identity modes, mirror-symmetric', () => {
    const V3 = model.vertexCount * 3;
    const mode = (name: string) => {
      const k = model.shape.names.indexOf(name);
      expect(k, name).toBeGreaterThanOrEqual(0);
      return model.shape.data.subarray(k * V3, (k + 1) * V3);
    };
    const arch = mode('brow_arch');
    // The brow's middle (105, 334) rises, its inner end (107, 336) comes down, the same on both sides.
    expect(arch[105 * 3 + 1]!).toBeGreaterThan(0.0015);
    expect(arch[107 * 3 + 1]!).toBeLessThan(-0.0002);
    expect(arch[334 * 3 + 1]!).toBeCloseTo(arch[105 * 3 + 1]!, 6);
    expect(arch[336 * 3 + 1]!).toBeCloseTo(arch[107 * 3 + 1]!, 6);
    const depth = mode('eye_depth');
    // Lids and eyeballs go back together; the nose tip and the mouth stay.
    for (const lid of [159, 145, 386, 374]) expect(depth[lid * 3 + 2]!, `lid ${lid}`).toBeLessThan(-0.0012);
    const eyeball = model.regions.eyes![0]!;
    expect(depth[eyeball * 3 + 2]!).toBeCloseTo(-0.002, 6);
    for (const v of [4, 13, 14]) expect(Math.abs(depth[v * 3 + 2]!), `vertex ${v}`).toBeLessThan(1e-5);
  });

  it('gives each side jaw landmark contour candidates: lines across the face at its height, inward of it', () => {
    const cc = model.landmarks.contourCandidates!;
    const out = new HeadModelEvaluator(model).evaluate({});
    const point = (f: number, w: ArrayLike<number>) => [0, 1, 2].map((d) => [0, 1, 2].reduce((s, c) => s + w[c]! * out.vertices[model.triangles[f * 3 + c]! * 3 + d]!, 0));
    const per = new Array<number>(17).fill(0);
    for (let i = 0; i < cc.faces.length; i++) {
      const l = cc.landmark[i]!;
      per[l]!++;
      const p = point(cc.faces[i]!, cc.barycentric.subarray(i * 3, i * 3 + 3));
      const [x, y, z] = vertex(out.landmarks, l);
      expect(Math.abs(p[1]! - y!), `candidate ${i} of landmark ${l}`).toBeLessThan(0.0061); // within ±6 mm of its height
      expect(p[0]! * x!).toBeGreaterThan(0); // on its side,
      expect(Math.abs(p[0]!)).toBeLessThanOrEqual(Math.abs(x!) + 1e-7); // between it and the mid-line,
      expect(p[2]!).toBeGreaterThanOrEqual(z! - 1e-7); // not behind it
    }
    // Every side landmark has a line's worth (a crossing every centimetre or so, seven heights); the chin's none.
    per.forEach((n, l) => (l >= 7 && l <= 9 ? expect(n, `landmark ${l}`).toBe(0) : expect(n, `landmark ${l}`).toBeGreaterThan(10)));
  });

  it('opens the jaw with the jawOpen shape and with the jaw joint alike, and blinks', () => {
    const ev = new HeadModelEvaluator(model);
    const rest = Float32Array.from(ev.evaluate({}).vertices);
    const psi = new Float32Array(model.expression.count);
    psi[model.expression.names.indexOf('jawOpen')] = 1;
    const shaped = Float32Array.from(ev.evaluate({ expression: psi }).vertices);
    const pose = new Float32Array(model.joints.names.length * 3);
    pose[jointIndex(model, 'jaw') * 3] = 0.3;
    const posed = ev.evaluate({ pose }).vertices;
    const chin = (p: Float32Array) => vertex(p, 152);
    expect(chin(shaped)[1]! - chin(rest)[1]!).toBeLessThan(-0.01); // the chin drops by more than a centimetre
    expect(distance(chin(shaped), chin(posed))).toBeLessThan(0.002);
    // The forehead and the back of the head stay put.
    expect(distance(vertex(shaped, 10), vertex(rest, 10))).toBe(0);
    const blink = new Float32Array(model.expression.count);
    blink[model.expression.names.indexOf('eyeBlinkLeft')] = 1;
    const closed = ev.evaluate({ expression: blink }).vertices;
    const gap = (p: Float32Array) => distance(vertex(p, 386), vertex(p, 374)); // left upper and lower lid centres
    expect(gap(rest)).toBeGreaterThan(0.004);
    expect(gap(closed)).toBeLessThan(0.1 * gap(rest));
    expect(distance(vertex(closed, 159), vertex(rest, 159))).toBe(0); // the right eye stays open
  });

  it('renders as a head: a face-toned silhouette taller than wide, over a narrower neck', () => {
    const out = new HeadModelEvaluator(model).evaluate({});
    const size = 200;
    const rgba = renderHeadPreview(model, out.vertices, out.normals, { width: size, height: size });
    const covered = (y: number) => {
      let n = 0;
      for (let x = 0; x < size; x++) if (rgba[(y * size + x) * 4]! !== 38) n++;
      return n;
    };
    const rows = Array.from({ length: size }, (_, y) => covered(y));
    const top = rows.findIndex((n) => n > 0);
    const bottom = size - 1 - [...rows].reverse().findIndex((n) => n > 0);
    const widest = Math.max(...rows);
    expect(bottom - top).toBeGreaterThan(1.3 * widest);
    expect(rows[Math.round(top + 0.85 * (bottom - top))]!).toBeLessThan(0.85 * widest); // the neck
  });

  it('is installed once as a pack and reloads identically', async () => {
    const tmp = makeTempDir('deca-starter-');
    try {
      const store = new PackStore(tmp.dir);
      expect(await ensureStarterPack(store)).toBe(true);
      expect(await ensureStarterPack(store)).toBe(false);
      const loaded = await store.load('starter-head');
      expect(loaded.vertexCount).toBe(model.vertexCount);
      expect(Array.from(loaded.triangles)).toEqual(Array.from(model.triangles));
      expect(loaded.expression.names).toEqual(model.expression.names);
      let maxDiff = 0;
      for (let i = 0; i < model.template.length; i++) maxDiff = Math.max(maxDiff, Math.abs(loaded.template[i]! - model.template[i]!));
      expect(maxDiff).toBeLessThan(1e-6);
      // The jaw's contour candidates travel with the pack.
      const cc = model.landmarks.contourCandidates!;
      expect(Array.from(loaded.landmarks.contourCandidates!.faces)).toEqual(Array.from(cc.faces));
      expect(Array.from(loaded.landmarks.contourCandidates!.landmark)).toEqual(Array.from(cc.landmark));
      expect(Array.from(loaded.landmarks.contourCandidates!.barycentric)).toEqual(Array.from(cc.barycentric));
    } finally {
      tmp.cleanup();
    }
  });
});
