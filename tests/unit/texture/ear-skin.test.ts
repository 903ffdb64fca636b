import { describe, expect, it } from 'vitest';
import type { HeadModel } from '../../../core/head-model/head-model';
import type { BakedTexture } from '../../../core/texture/bake-photo-texture';
import { earRegion, earSurroundings } from '../../../core/texture/ear-region';
import { EAR_SKIN_DEFAULTS, skinness } from '../../../core/texture/ear-skin';
import { fillTextureHoles } from '../../../core/texture/fill-texture-holes';
import { seenEverywhereBake } from '../../helpers/seen-everywhere-bake';

const R = 0.09;
const SKIN = [190, 140, 120];
const HAIR = [28, 24, 22];
const N = 256;

/**
 * A test head: a sphere of radius 9 cm (the skull and face, UVs in the left 70 % of the square)
 * with, unless `ears` is false, a pinna on each side — two sheets 2 mm apart standing out of the
 * sphere behind the jaw's top, backwards and outwards like a person's (each sheet a chart of its
 * own on the right) — and the 68 landmarks where a face has them (only 0, 16, 19, 24, 33, 36 and 45
 * placed with care; the rest on the face).
 */
function testHead(ears = true): HeadModel {
  const pos: number[] = [], uv: number[] = [], tris: number[] = [];
  const rows = 48, cols = 96;
  for (let r = 0; r <= rows; r++)
    for (let c = 0; c <= cols; c++) {
      const lat = (Math.PI * (0.02 + 0.96 * r)) / rows, lon = (2 * Math.PI * c) / cols;
      pos.push(R * Math.sin(lat) * Math.sin(lon), R * Math.cos(lat), R * Math.sin(lat) * Math.cos(lon));
      uv.push((0.7 * c) / cols, 1 - r / rows);
    }
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const a = r * (cols + 1) + c, b = a + 1, d = a + cols + 1, e = d + 1;
      tris.push(a, d, b, b, d, e);
    }
  if (ears) {
    const n = 8;
    let chart = 0;
    for (const side of [1, -1]) {
      // The pinna's root just inside the sphere, 1.5 cm behind the ear's line; it leans out and back.
      const root = [side * 0.087, 0, -0.02], out = [side * 0.6, 0, -0.8], up = [0, 1, 0];
      const normal = [-out[2]!, 0, out[0]!];
      for (const offset of [0, 0.002]) {
        const base = pos.length / 3;
        for (let i = 0; i <= n; i++)
          for (let j = 0; j <= n; j++) {
            const s = (0.03 * i) / n, h = -0.03 + (0.06 * j) / n;
            pos.push(...[0, 1, 2].map((k) => root[k]! + s * out[k]! + h * up[k]! + offset * normal[k]!));
            uv.push(0.75 + 0.05 * chart + (0.03 * i) / n, 0.1 + (0.2 * j) / n);
          }
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++) {
            const a = base + i * (n + 1) + j, b = a + 1, d = a + n + 1, e = d + 1;
            tris.push(a, d, b, b, d, e);
          }
        chart++;
      }
    }
  }
  const template = Float32Array.from(pos);
  const triangles = Uint32Array.from(tris);
  // Landmarks on the sphere's triangle nearest each target direction, at its centroid.
  const sphereTris = rows * cols * 2;
  const nearest = (x: number, y: number, z: number) => {
    let best = 0, bd = Infinity;
    for (let t = 0; t < sphereTris; t++) {
      let d = 0;
      for (let k = 0; k < 3; k++) {
        const v = tris[t * 3 + k]! * 3;
        d += (pos[v]! - x) ** 2 + (pos[v + 1]! - y) ** 2 + (pos[v + 2]! - z) ** 2;
      }
      if (d < bd) (bd = d), (best = t);
    }
    return best;
  };
  const on = (x: number, y: number, z: number) => {
    const k = R / Math.hypot(x, y, z);
    return nearest(x * k, y * k, z * k);
  };
  const faces = new Uint32Array(68).fill(on(0, 0, 1));
  const set: [number, number, number, number][] = [[0, -0.085, 0, 0.03], [16, 0.085, 0, 0.03], [19, -0.035, 0.05, 0.06], [24, 0.035, 0.05, 0.06], [33, 0, -0.02, 0.087], [36, -0.045, 0.025, 0.07], [45, 0.045, 0.025, 0.07]];
  for (const [i, x, y, z] of set) faces[i] = on(x, y, z);
  const barycentric = new Float32Array(68 * 3).fill(1 / 3);
  return {
    id: 'ear-test', name: 'ear test', source: 'test', license: 'test', vertexCount: template.length / 3, template, triangles,
    uv: { coords: Float32Array.from(uv), triangles: Uint32Array.from(tris) },
    shape: { count: 0, data: new Float32Array(0), names: [] }, expression: { count: 0, data: new Float32Array(0), names: [] }, pose: null,
    joints: { names: ['root'], parents: Int32Array.from([-1]), regressor: { rows: 1, cols: template.length / 3, row: new Uint32Array(0), col: new Uint32Array(0), value: new Float32Array(0) } },
    skinWeights: new Float32Array(template.length / 3).fill(1),
    landmarks: { faces, barycentric, dynamicContour: null },
    regions: {},
  };
}

/**
 * A bake of the test head where every texel was seen: skin on the face and the ears, hair on the
 * scalp (above 7.5 cm: less than the 30 % of texels that would make hair the skin tone) — and, when `hairOnEars`, on the pinnae as well (what
 * photos give a fitted ear that does not line up with the person's: the hair behind it).
 */
function bake(model: HeadModel, hairOnEars: boolean): BakedTexture {
  const sphereTris = 48 * 96 * 2;
  return seenEverywhereBake(model, N, (p, t) => ((t >= sphereTris ? hairOnEars : p[1] > 0.075) ? HAIR : SKIN));
}

const lum = (c: ArrayLike<number>, i = 0) => 0.2126 * c[i * 3]! + 0.7152 * c[i * 3 + 1]! + 0.0722 * c[i * 3 + 2]!;

describe('ears keep only skin', () => {
  it('finds the pinnae standing out of the skull, and nothing on the face, the scalp or a head without ears', () => {
    const model = testHead();
    const ear = earRegion(model);
    const P = model.template, sphereVertices = 49 * 97;
    let pinna = 0, pinnaIn = 0, face = 0, scalp = 0;
    for (let v = 0; v < model.vertexCount; v++) {
      if (v >= sphereVertices) (pinna++, ear[v]! >= 1 && pinnaIn++);
      else if (P[v * 3 + 2]! > 0.03) face = Math.max(face, ear[v]!);
      else if (P[v * 3 + 1]! > 0.06 || P[v * 3 + 2]! < -0.07) scalp = Math.max(scalp, ear[v]!);
    }
    expect(pinnaIn).toBe(pinna);
    expect(face).toBe(0);
    expect(scalp).toBe(0);
    expect(Math.max(...earRegion(testHead(false)))).toBe(0);
  });

  it('bakes hair the photos put on the ears as the skin round them, and leaves the scalp, the face and skin-coloured ears alone', () => {
    const model = testHead();
    const sphereTris = 48 * 96 * 2;
    const hairy = bake(model, true);
    const rgb = fillTextureHoles(hairy, model);
    let pinna = 0, dark = 0, scalp = 0, scalpKept = 0, face = 0, faceKept = 0;
    for (let i = 0; i < N * N; i++) {
      const t = hairy.triangle[i]!;
      if (t < 0 || !hairy.covered[i]) continue;
      const y = hairy.position[i * 3 + 1]!, z = hairy.position[i * 3 + 2]!;
      const same = [0, 1, 2].every((k) => Math.abs(rgb[i * 3 + k]! - hairy.rgb[i * 3 + k]!) <= 1);
      if (t >= sphereTris) (pinna++, lum(rgb, i) < 0.8 * lum(SKIN) && dark++);
      else if (y > 0.08) (scalp++, same && scalpKept++);
      else if (z > 0.04 && y < 0.03) (face++, same && faceKept++);
    }
    console.log(`pinna texels still darker than skin: ${dark} of ${pinna}; scalp kept ${scalpKept}/${scalp}, face kept ${faceKept}/${face}`);
    expect(pinna).toBeGreaterThan(200);
    expect(dark).toBe(0);
    expect(scalpKept).toBe(scalp);
    expect(faceKept).toBe(face);
    // Ears the photos saw as skin keep their colour.
    const clean = bake(model, false);
    const kept = fillTextureHoles(clean, model);
    for (let i = 0; i < N * N; i++) {
      if (clean.triangle[i]! < sphereTris || !clean.covered[i]) continue;
      for (let k = 0; k < 3; k++) expect(Math.abs(kept[i * 3 + k]! - SKIN[k]!)).toBeLessThanOrEqual(1);
    }
  });

  it("fills the person's ear painted in front of a misplaced pinna from the skin round it, leaving the face and the scalp as they are", () => {
    const model = testHead();
    const ring = earSurroundings(model), ear = earRegion(model);
    const P = model.template, sphereVertices = 49 * 97;
    // The ghost: the sphere 1–3 cm in front of the pinna's root (at z = −2 cm), where the photos put the person's ear.
    const inGhost = (x: number, y: number, z: number) => Math.abs(x) > 0.06 && Math.abs(y) < 0.02 && z > -0.012 && z < 0.004;
    let ringOnPinna = 0, ghostRing = 1, far = 0;
    for (let v = 0; v < model.vertexCount; v++) {
      const x = P[v * 3]!, y = P[v * 3 + 1]!, z = P[v * 3 + 2]!;
      if (v >= sphereVertices) ringOnPinna = Math.max(ringOnPinna, ring[v]!);
      else if (inGhost(x, y, z) && !(ear[v]! > 0)) ghostRing = Math.min(ghostRing, ring[v]!);
      else if (z > 0.04 || y > 0.08) far = Math.max(far, ring[v]!);
    }
    expect(ringOnPinna).toBe(0);
    expect(ghostRing).toBe(1);
    expect(far).toBe(0);
    expect(Math.max(...earSurroundings(testHead(false)))).toBe(0);
    const baked = bake(model, false);
    const ghost: number[] = [];
    for (let i = 0; i < N * N; i++) {
      if (!baked.covered[i] || baked.triangle[i]! >= 48 * 96 * 2) continue;
      if (!inGhost(baked.position[i * 3]!, baked.position[i * 3 + 1]!, baked.position[i * 3 + 2]!)) continue;
      // The helix's dark outline and the concha's shadow round pale pinna skin.
      const fold = Math.sin(baked.position[i * 3 + 2]! * 700) > 0.3;
      baked.rgb.set(fold ? [95, 62, 55] : [236, 182, 172], i * 3);
      ghost.push(i);
    }
    const rgb = fillTextureHoles(baked, model);
    // The ear's folds: the luminance between its outline and its skin; and how far its colour is from the skin's.
    const lumMean = (c: ArrayLike<number>, fold: boolean) => {
      const sel = ghost.filter((i) => Math.sin(baked.position[i * 3 + 2]! * 700) > 0.3 === fold);
      return sel.reduce((sum, i) => sum + lum(c, i), 0) / sel.length;
    };
    const contrast = (c: ArrayLike<number>) => lumMean(c, false) - lumMean(c, true);
    const offSkin = (c: ArrayLike<number>) => Math.max(...[0, 1, 2].map((k) => Math.abs(ghost.reduce((sum, i) => sum + c[i * 3 + k]!, 0) / ghost.length - SKIN[k]!)));
    console.log(`ghost ear (${ghost.length} texels): folds' contrast ${contrast(baked.rgb).toFixed(1)} → ${contrast(rgb).toFixed(1)}; mean off the skin by ${offSkin(baked.rgb).toFixed(1)} → ${offSkin(rgb).toFixed(1)}`);
    expect(ghost.length).toBeGreaterThan(100);
    expect(Math.abs(contrast(rgb))).toBeLessThan(0.05 * contrast(baked.rgb));
    expect(offSkin(rgb)).toBeLessThan(12);
    for (let i = 0; i < N * N; i++) {
      if (!baked.covered[i]) continue;
      const y = baked.position[i * 3 + 1]!, z = baked.position[i * 3 + 2]!;
      if (z > 0.04 || y > 0.08) for (let k = 0; k < 3; k++) expect(rgb[i * 3 + k]).toBe(baked.rgb[i * 3 + k]);
    }
  });

  it('gives an ear painted on a head without pinnae the skin tone, keeping its painting', () => {
    const model = testHead(false);
    const baked = bake(model, false);
    // The person's ear as photos paint it beside the jaw's top: paler and pinker than the face, striped by its folds.
    const painted: number[] = [];
    for (let i = 0; i < N * N; i++) {
      if (!baked.covered[i]) continue;
      const x = baked.position[i * 3]!, y = baked.position[i * 3 + 1]!, z = baked.position[i * 3 + 2]!;
      if (Math.abs(x) < 0.06 || Math.abs(y + 0.014) > 0.015 || Math.abs(z + 0.017) > 0.015) continue;
      const fold = 15 * Math.sin(y * 600);
      baked.rgb.set([235 + fold, 175 + fold, 170 + fold].map(Math.round), i * 3);
      painted.push(i);
    }
    const rgb = fillTextureHoles(baked, model);
    const mean = (c: ArrayLike<number>) => [0, 1, 2].map((k) => painted.reduce((s, i) => s + c[i * 3 + k]!, 0) / painted.length);
    const spread = (c: ArrayLike<number>) => {
      const m = lum(mean(c));
      return Math.sqrt(painted.reduce((s, i) => s + (lum(c, i) - m) ** 2, 0) / painted.length);
    };
    console.log(`painted ear: mean ${mean(rgb).map((x) => x.toFixed(0)).join(', ')} (was ${mean(baked.rgb).map((x) => x.toFixed(0)).join(', ')}, skin ${SKIN.join(', ')}); folds' spread ${spread(rgb).toFixed(1)} (was ${spread(baked.rgb).toFixed(1)})`);
    expect(painted.length).toBeGreaterThan(300);
    for (let k = 0; k < 3; k++) expect(Math.abs(mean(rgb)[k]! - SKIN[k]!)).toBeLessThan(12);
    expect(spread(rgb)).toBeGreaterThan(0.6 * spread(baked.rgb));
    // The face in front of the jaw's top and the scalp are not touched.
    for (let i = 0; i < N * N; i++) {
      if (!baked.covered[i] || painted.includes(i)) continue;
      const y = baked.position[i * 3 + 1]!, z = baked.position[i * 3 + 2]!;
      if (z > 0.04 || y > 0.08) for (let k = 0; k < 3; k++) expect(rgb[i * 3 + k]).toBe(baked.rgb[i * 3 + k]);
    }
  });

  it('scores skin as skin, and hair, shadow, grey backdrop and blond hair as not', () => {
    const tone: [number, number, number] = [190, 140, 120];
    expect(skinness(195, 142, 118, tone, EAR_SKIN_DEFAULTS)).toBe(1);
    expect(skinness(28, 24, 22, tone, EAR_SKIN_DEFAULTS)).toBe(0);
    expect(skinness(90, 66, 57, tone, EAR_SKIN_DEFAULTS)).toBe(0);
    expect(skinness(235, 235, 235, tone, EAR_SKIN_DEFAULTS)).toBe(0);
    expect(skinness(200, 170, 90, tone, EAR_SKIN_DEFAULTS)).toBe(0);
  });
});
