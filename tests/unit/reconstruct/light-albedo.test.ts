import { beforeAll, describe, expect, it } from 'vitest';
import type { HeadModel } from '../../../core/head-model/head-model';
import { HeadModelEvaluator } from '../../../core/head-model/head-model-evaluator';
import { sampleUvTexture, type UvTexture } from '../../../core/reconstruct/photometric-samples';
import { interpolateAt } from '../../../core/geometry/rasterize-triangles';
import { rasterizeFit } from '../../../core/geometry/rasterize-fit';
import { renderShadedHead } from '../../../core/reconstruct/render-shaded-head';
import { shShade } from '../../../core/geometry/sh-basis';
import { estimateShLighting } from '../../../core/reconstruct/sh-lighting';
import { solveLightAndAlbedo } from '../../../core/reconstruct/solve-light-albedo';
import { rng } from '../../../core/reconstruct/synthetic-views';
import { bakePhotoTexture } from '../../../core/texture/bake-photo-texture';
import { buildStarterHead } from '../../../core/starter-head/build-starter-head';
import { parseCanonicalFaceMesh } from '../../../core/starter-head/canonical-face-mesh';
import { readCanonicalFaceMeshAsset } from '../../../main/packs/starter-pack';

describe('fit rasteriser', () => {
  it('covers a triangle’s area, interpolates exactly, and keeps the nearer surface', () => {
    // Two triangles over the same pixels: z = 0 and, nearer, z = 0.01 (only over the left half).
    const vertices = [0, 0, 0, 0.1, 0, 0, 0, 0.1, 0, 0, 0, 0.01, 0.05, 0, 0.01, 0, 0.1, 0.01];
    const triangles = [0, 1, 2, 3, 4, 5];
    const camera = { scale: 1000, tx: 10, ty: 110 }; // 1 px per mm; y flips
    const r = rasterizeFit(vertices, triangles, camera, 120, 120, { maxSide: 120 });
    let first = 0, second = 0;
    for (const t of r.triangle) (t === 0 ? first++ : t === 1 ? second++ : 0);
    // areas 5000 and 2500 px²: the nearer one wins where they overlap
    expect(first + second).toBeGreaterThan(4900);
    expect(first + second).toBeLessThan(5100);
    expect(second).toBeGreaterThan(2400);
    expect(second).toBeLessThan(2600);
    // barycentric interpolation gives back the pixel centre's model position
    const out = new Float64Array(3);
    const i = 90 * r.width + 80; // u = 80.5, v = 90.5 → x = 0.0705, y = 0.0195 (triangle 0 only)
    expect(r.triangle[i]).toBe(0);
    interpolateAt(r, triangles, vertices, 3, i, out);
    expect(out[0]).toBeCloseTo(0.0705, 7);
    expect(out[1]).toBeCloseTo(0.0195, 7);
  });

  it('renders a window at a reduced resolution', () => {
    const r = rasterizeFit([0, 0, 0, 1, 0, 0, 0, 1, 0], [0, 1, 2], { scale: 1000, tx: 0, ty: 1000 }, 2000, 2000, { window: [0, 0, 1000, 1000], maxSide: 100 });
    expect([r.width, r.height, r.step]).toEqual([100, 100, 10]);
    expect(r.triangle.filter((t) => t === 0).length).toBeCloseTo(5000, -2);
  });
});

describe('SH lighting with an albedo', () => {
  it('recovers the coefficients exactly from noise-free samples', () => {
    const r = rng(3);
    const truth = Float64Array.from({ length: 27 }, (_, k) => (k < 3 ? 1.5 : 0.3 * r.normal()));
    const M = 400, normals = new Float64Array(M * 3), colors = new Float64Array(M * 3), albedo = new Float64Array(M * 3);
    for (let i = 0; i < M; i++) {
      const n = [r.normal(), r.normal(), Math.abs(r.normal()) + 0.2];
      const len = Math.hypot(n[0]!, n[1]!, n[2]!);
      normals.set(n.map((x) => x / len), i * 3);
      const s = shShade(truth, normals[i * 3]!, normals[i * 3 + 1]!, normals[i * 3 + 2]!);
      for (let c = 0; c < 3; c++) (albedo[i * 3 + c] = 0.3 + 0.6 * r.uniform()), (colors[i * 3 + c] = albedo[i * 3 + c]! * s[c]!);
    }
    const est = estimateShLighting(normals, colors, 0, albedo);
    expect(est.rms).toBeLessThan(1e-9);
    for (let k = 0; k < 27; k++) expect(est.light[k]).toBeCloseTo(truth[k]!, 6);
    // without the albedo the same samples are explained much worse
    expect(estimateShLighting(normals, colors, 0).rms).toBeGreaterThan(0.05);
  });
});

/**
 * The starter head lit hard from its left over a patterned albedo: the solved albedo must be even
 * from side to side (the light divided out) where the photo itself is not.
 */
describe('light and albedo from a rendered photo (starter head)', () => {
  let model: HeadModel;
  let meshTriangles: Uint32Array;
  beforeAll(async () => {
    const bytes = await readCanonicalFaceMeshAsset();
    model = buildStarterHead(bytes);
    meshTriangles = parseCanonicalFaceMesh(bytes).triangles;
  });

  it('separates the light from the skin', () => {
    const out = new HeadModelEvaluator(model).evaluate({});
    const vertices = Float32Array.from(out.vertices), normals = Float32Array.from(out.normals);
    const camera = { scale: 2400, tx: 256, ty: 230 };
    // Skin-coloured albedo with soft horizontal bands (a pattern a constant albedo cannot explain,
    // smooth enough that resampling between photo and texture grids does not blur it).
    const N = 256, truth: UvTexture = { size: N, rgb: new Uint8Array(N * N * 3) };
    for (let y = 0; y < N; y++) {
      const k = 1 + 0.15 * Math.sin((2 * Math.PI * y) / 48);
      for (let x = 0; x < N; x++) truth.rgb.set([155 * k, 115 * k, 95 * k].map(Math.round), (y * N + x) * 3);
    }
    // Light from the subject's left (+x), above and front: DC + strong first-order x (no pixel saturates).
    const light = new Float64Array(27);
    for (let c = 0; c < 3; c++) (light[c] = 1.8), (light[3 + c] = 0.55), (light[6 + c] = 0.2), (light[9 + c] = 0.4);
    const grey = { width: 512, height: 512, data: new Uint8Array(512 * 512 * 3).fill(128) };
    const { rgb, drawn } = renderShadedHead(model, vertices, normals, camera, grey, truth, light);
    expect(drawn).toBeGreaterThan(50_000);
    const photo = { width: 512, height: 512, data: rgb };
    // the 468 model points are where perception would find the face mesh
    const mesh = Array.from(model.regions.mediapipe468!, (v) => [camera.scale * vertices[v * 3]! + camera.tx, -camera.scale * vertices[v * 3 + 1]! + camera.ty]).flat();
    const view = { photo, vertices, normals, camera, meshPoints: mesh };
    const solved = solveLightAndAlbedo(model, [view], meshTriangles, { size: 256 });
    expect(solved.samples[0]!.pixels.length).toBeGreaterThan(10_000);
    // the photo is reproduced, far better than with a constant albedo
    expect(solved.rms[0]).toBeLessThan(0.03);
    expect(solved.rmsConstantAlbedo[0]).toBeGreaterThan(2 * solved.rms[0]!);
    // left/right balance of the face in the raw bake (light kept) and in the solved albedo
    const raw = { size: 256, rgb: bakePhotoTexture(model, [view], { size: 256 }).rgb };
    const balance = (tex: UvTexture) => {
      const side = [0, 0], count = [0, 0];
      const uv = new Float64Array(2);
      const region = model.regions.mediapipe468!;
      for (let k = 0; k < region.length; k++) {
        const v = region[k]!;
        const x = model.template[v * 3]!;
        if (Math.abs(x) < 0.015 || normals[v * 3 + 2]! < 0.6) continue;
        const corner = model.triangles.indexOf(v);
        uv.set([model.uv!.coords[model.uv!.triangles[corner]! * 2]!, model.uv!.coords[model.uv!.triangles[corner]! * 2 + 1]!]);
        const a = sampleUvTexture(tex, uv);
        const stripe = sampleUvTexture(truth, uv);
        side[x > 0 ? 0 : 1]! += (a[0]! + a[1]! + a[2]!) / (stripe[0]! + stripe[1]! + stripe[2]!);
        count[x > 0 ? 0 : 1]!++;
      }
      return side[0]! / count[0]! / (side[1]! / count[1]!);
    };
    const rawBalance = balance(raw), solvedBalance = balance(solved.albedo!);
    console.log(`lit side ÷ dark side: photo bake ${rawBalance.toFixed(3)}, solved albedo ${solvedBalance.toFixed(3)}; rms ${solved.rms[0]!.toFixed(4)} (constant albedo ${solved.rmsConstantAlbedo[0]!.toFixed(4)})`);
    expect(rawBalance).toBeGreaterThan(1.3);
    expect(Math.abs(solvedBalance - 1)).toBeLessThan(0.08);
    // the recovered light points the same way (first-order x over DC, per channel)
    for (let c = 0; c < 3; c++) expect(solved.lights[0]![3 + c]! / solved.lights[0]![c]!).toBeGreaterThan(0.5 * (light[3 + c]! / light[c]!));
    // Alternating at a coarser working size changes little: only the final albedo is baked at `size`.
    const coarse = solveLightAndAlbedo(model, [view], meshTriangles, { size: 256, workingSize: 64 });
    expect(coarse.albedo!.size).toBe(256);
    expect(coarse.albedo!.rgb.length).toBe(256 * 256 * 3);
    expect(coarse.rms[0]).toBeLessThan(1.1 * solved.rms[0]!);
    expect(coarse.coverage).toBe(solved.coverage);
  });
});
