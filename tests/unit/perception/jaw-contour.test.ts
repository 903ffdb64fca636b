import { describe, expect, it } from 'vitest';
import type { Point2, Point3 } from '../../../core/perception/face-crops';
import { buildPyramid, type RgbImage } from '../../../core/perception/image-warp';
import { refineJawContour, resampleEvenly } from '../../../core/perception/jaw-contour';
import { landmarkAgreement } from '../../../core/perception/landmark-agreement';
import { MESH_TO_IBUG68, refineLandmarks68 } from '../../../core/perception/refine-landmarks';

// A synthetic face: a bright ellipse (centre 200,180, semi-axes 120 × 150) on a dark background.
const CX = 200, CY = 180, AX = 120, AY = 150;
function ellipseImage(): RgbImage {
  const w = 400, h = 400;
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const inside = ((x + 0.5 - CX) / AX) ** 2 + ((y + 0.5 - CY) / AY) ** 2 <= 1;
      data.fill(inside ? 200 : 60, (y * w + x) * 3, (y * w + x) * 3 + 3);
    }
  }
  return { width: w, height: h, data };
}
const onEllipse = (t: number, k: number): Point2 => [CX + k * AX * Math.cos(t), CY + k * AY * Math.sin(t)];
/** Radial distance (pixels) of a point from the ellipse's outline. */
const offOutline = (p: Point2) => {
  const r = Math.hypot((p[0] - CX) / AX, (p[1] - CY) / AY);
  return Math.abs(1 - r) * Math.hypot((p[0] - CX), (p[1] - CY)) / r;
};

/** 68 points: the jaw on the lower half of an ellipse shrunk by `k`, bunched towards the chin; eyes at 140 and 260. */
function faceLandmarks(k: number): Point2[] {
  const pts: Point2[] = [];
  for (let i = 0; i < 17; i++) {
    const u = (i - 8) / 8; // −1…1
    pts.push(onEllipse(Math.PI / 2 - Math.sign(u) * (Math.PI / 2) * Math.abs(u) ** 0.7, k));
  }
  for (let i = 17; i < 68; i++) pts.push([CX - 60 + ((i * 37) % 120), CY - 60 + ((i * 53) % 120)]);
  pts[36] = [140, 150];
  pts[45] = [260, 150];
  return pts;
}

describe('jaw contour refinement', () => {
  it('moves a contour drawn inside the face onto its outline and spaces each half evenly', () => {
    const pyramid = buildPyramid(ellipseImage());
    const start = faceLandmarks(0.93); // 8–11 px inside the outline
    const refined = refineJawContour(pyramid, start, null);
    // Within the crop's pixel (≈1.2 image pixels) and the chord's sag after the even respacing.
    const off = refined.slice(1, 16).map(offOutline);
    for (let i = 1; i < 16; i++) expect(offOutline(start[i]!)).toBeGreaterThan(7);
    expect(Math.max(...off)).toBeLessThan(3.5);
    expect(off.reduce((a, b) => a + b, 0) / off.length).toBeLessThan(2);
    // Ends stay (hair and ears lie there), and the inner 51 points are untouched.
    expect(refined[0]).toEqual(start[0]);
    expect(refined[16]).toEqual(start[16]);
    expect(refined.slice(17)).toEqual(start.slice(17));
    for (const half of [refined.slice(0, 9), refined.slice(8, 17)]) {
      const gaps = half.slice(1).map((p, i) => Math.hypot(p[0] - half[i]![0], p[1] - half[i]![1]));
      const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
      for (const g of gaps) expect(Math.abs(g - mean) / mean).toBeLessThan(0.12);
    }
  });

  it('takes the chin partly from FaceMesh (point 152) and, with edge snapping and spacing off, nothing else', () => {
    const pyramid = buildPyramid(ellipseImage());
    const start = faceLandmarks(1);
    const mesh: Point3[] = Array.from({ length: 468 }, () => [CX, CY, 0]);
    mesh[152] = [start[8]![0] + 20, start[8]![1], 0];
    const refined = refineJawContour(pyramid, start, mesh, { search: 0, respace: false, meshChin: 0.75 });
    expect(refined[8]![0]).toBeCloseTo(start[8]![0] + 15, 6);
    refined[8] = start[8]!;
    expect(refined).toEqual(start);
  });

  it('resamples a polyline evenly by arc length', () => {
    const p = resampleEvenly([[0, 0], [1, 0], [10, 0]], 11);
    p.forEach((q, i) => {
      expect(q[0]).toBeCloseTo(i, 9);
      expect(q[1]).toBe(0);
    });
  });

  it('with depths, resamples evenly in 3D: a stretch that recedes counts longer than it looks', () => {
    // 3D lengths √2 and 1: the middle point lands (√2 + 1)/2 along, inside the first segment.
    const p = resampleEvenly([[0, 0], [1, 0], [2, 0]], 3, [0, 1, 1]);
    expect(p[1]![0]).toBeCloseTo((Math.SQRT2 + 1) / 2 / Math.SQRT2, 9);
    expect(p[2]).toEqual([2, 0]);
  });

  it('rejects a landmark set that is not 68 points', () => {
    expect(() => refineJawContour(buildPyramid(ellipseImage()), faceLandmarks(1).slice(0, 60), null)).toThrow(/expected 68 landmarks, got 60/);
  });
});

describe('combined 68 landmarks', () => {
  it('average the net and FaceMesh on the inner points and keep the net alone without a mesh', () => {
    const pyramid = buildPyramid(ellipseImage());
    const net = faceLandmarks(1);
    const mesh: Point3[] = Array.from({ length: 468 }, (_, v) => [v, 2 * v, -v]);
    const both = refineLandmarks68(pyramid, net, mesh, { jaw: false });
    for (let i = 17; i < 68; i++) {
      const v = MESH_TO_IBUG68[i]!;
      expect(both[i]![0]).toBeCloseTo((net[i]![0] + v) / 2, 9);
      expect(both[i]![1]).toBeCloseTo((net[i]![1] + 2 * v) / 2, 9);
    }
    expect(refineLandmarks68(pyramid, net, null, { jaw: false })).toEqual(net);
  });
});

describe('landmark agreement', () => {
  it('is the mean distance over the outer-eye-corner distance, split jaw and rest', () => {
    const ref = faceLandmarks(1); // eye corners 120 px apart
    const moved = ref.map((p, i): Point2 => (i < 17 ? [p[0] + 12, p[1]] : [p[0], p[1] - 6]));
    const a = landmarkAgreement(moved, ref);
    expect(a.jaw).toBeCloseTo(0.1, 12);
    expect(a.rest).toBeCloseTo(0.05, 12);
    expect(a.all).toBeCloseTo((17 * 0.1 + 51 * 0.05) / 68, 12);
    expect(() => landmarkAgreement(ref.slice(1), ref)).toThrow(/expected 68 points/);
  });
});
