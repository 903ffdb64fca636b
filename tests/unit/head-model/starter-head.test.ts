import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from '../../helpers/cli';
import { makeTempDir } from '../../helpers/temp-dir';
import { jointIndex } from '../../../core/head-model/head-model';
import { HeadModelEvaluator } from '../../../core/head-model/head-model-evaluator';
import { MEDIAPIPE_TO_IBUG68, readCanonicalFaceMesh, starterHeadModel } from '../../../core/head-model/mediapipe-starter-head';

const dir = path.dirname(require.resolve('@mediapipe/face_mesh/package.json'));
const loader = readFileSync(path.join(dir, 'face_mesh_solution_packed_assets_loader.js'), 'latin1');
const packed = new Uint8Array(readFileSync(path.join(dir, 'face_mesh_solution_packed_assets.data')));

describe('starter head from the MediaPipe canonical face', () => {
  const mesh = readCanonicalFaceMesh(loader, packed);
  const model = starterHeadModel(mesh);

  it('reads the 468-vertex canonical mesh with UVs', () => {
    expect(model.vertexCount).toBe(468);
    expect(model.triangles.length / 3).toBe(898);
    expect(model.uv!.coords.length).toBe(468 * 2);
    expect(Math.min(...model.uv!.coords)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...model.uv!.coords)).toBeLessThanOrEqual(1);
    // reference values from an independent Python protobuf read of the same bytes (cm → m)
    const p = (v: number) => [...model.template.subarray(v * 3, v * 3 + 3)];
    expect(p(1).map((x, i) => Math.abs(x - [0, -0.01127, 0.07476][i]!) < 1e-5)).toEqual([true, true, true]);
    expect(p(152).map((x, i) => Math.abs(x - [0, -0.09403, 0.04264][i]!) < 1e-5)).toEqual([true, true, true]);
    expect(p(33).map((x, i) => Math.abs(x - [-0.04446, 0.02664, 0.03173][i]!) < 1e-5)).toEqual([true, true, true]);
    // forehead (v 10) UV near the top after flipping v to point up
    expect(model.uv!.coords[10 * 2 + 1]).toBeCloseTo(1 - 0.107, 2);
  });

  it('has mirror-symmetric iBUG-68 landmarks on the right side', () => {
    const pairs = [[0, 16], [4, 12], [17, 26], [36, 45], [39, 42], [31, 35], [48, 54], [59, 55]];
    const p = (l: number, d: number) => model.template[MEDIAPIPE_TO_IBUG68[l]! * 3 + d]!;
    for (const [a, b] of pairs) {
      expect(Math.abs(p(a!, 0) + p(b!, 0))).toBeLessThan(1e-6);
      expect(Math.abs(p(a!, 1) - p(b!, 1))).toBeLessThan(1e-6);
      expect(p(a!, 0)).toBeLessThan(0);
    }
  });

  it('opens the jaw: lower lip and chin go down, forehead and upper lip stay', () => {
    const ev = new HeadModelEvaluator(model);
    const pose = new Float64Array(18);
    pose[jointIndex(model, 'jaw') * 3] = 0.3;
    const v = ev.evaluate({ pose }).vertices;
    const dy = (i: number) => v[i * 3 + 1]! - model.template[i * 3 + 1]!;
    expect(dy(14)).toBeLessThan(-0.005); // lower inner lip
    expect(dy(152)).toBeLessThan(-0.01); // chin
    expect(dy(10)).toBe(0); // forehead
    expect(Math.abs(dy(13))).toBeLessThan(1e-4); // upper inner lip
  });

  it('installs through `packs import starter`', () => {
    ensureBuilt();
    const { dir: home, cleanup } = makeTempDir('deca-starter-');
    try {
      const r = runCli(['packs', 'import', 'starter'], { DECA_STUDIO_HOME: home });
      expect(r.code, r.stderr).toBe(0);
      const info = JSON.parse(runCli(['packs', 'info', 'starter-head', '--json'], { DECA_STUDIO_HOME: home }).stdout);
      expect(info).toMatchObject({ vertexCount: 468, triangleCount: 898, landmarkCount: 68, shapeCount: 0, license: 'Apache-2.0' });
      expect(info.jointNames).toEqual(['root', 'neck', 'head', 'jaw', 'eye_L', 'eye_R']);
    } finally {
      cleanup();
    }
  }, 120_000);

  it('refuses a loader that lists no geometry metadata', () => {
    expect(() => readCanonicalFaceMesh('var files = []', packed)).toThrow(/lists no geometry_pipeline_metadata_landmarks.binarypb/);
  });
});
