import { Matrix, Quaternion, Vector3 } from '@babylonjs/core/Maths/math.vector';
import { describe, expect, it } from 'vitest';
import type { PhotoReview, SubjectReview } from '../../../core/api/contract';
import { HEAD_MATERIALS } from '../../../core/export/head-materials';
import { rotationMatrix } from '../../../core/geometry/ortho-camera';
import { HEAD_PART } from '../../../core/head-model/triangle-parts';
import { partRuns, standardLook } from '../../../renderer/src/lib/head-parts';
import { metricsRows, metricsSummary, sortMetricsRows } from '../../../renderer/src/lib/metrics-rows';
import { photoFrame } from '../../../renderer/src/lib/photo-frame';

// The review's pure pieces: the head's triangles grouped by the exports' materials, the photo's
// camera as an orthographic Babylon view, and the metrics table's rows, order and means.

describe('partRuns', () => {
  it('groups the corners by part in the exports’ order and leaves out what exports leave out', () => {
    const { skin, eyes, teeth, mouth, lashes } = HEAD_PART;
    const parts = Uint8Array.from([eyes, skin, teeth, skin, lashes, eyes, mouth]);
    const { indices, runs } = partRuns(parts);
    expect(runs.map((r) => [r.material.name, r.indexStart, r.indexCount])).toEqual([
      ['head', 0, 6],
      ['eyes', 6, 6],
      ['teeth', 12, 3],
      ['mouth', 15, 3],
    ]);
    // Corner i is vertex i: each run names its triangles' own corners, in the mesh's order.
    expect(Array.from(indices)).toEqual([3, 4, 5, 9, 10, 11, 0, 1, 2, 15, 16, 17, 6, 7, 8, 18, 19, 20]);
  });
});

describe('standardLook', () => {
  it('turns the exports’ linear colours to sRGB and roughness to a Phong exponent', () => {
    const teeth = standardLook(HEAD_MATERIALS.teeth);
    // sRGB of linear 0.8 is 0.906; 0.66 → 0.832.
    expect(teeth.diffuse[0]).toBeCloseTo(0.906, 3);
    expect(teeth.diffuse[2]).toBeCloseTo(0.832, 3);
    // Roughness 0.35: α = 0.1225, exponent 2/α² − 2 = 131.3.
    expect(teeth.specularPower).toBeCloseTo(131.3, 1);
    const eyes = standardLook(HEAD_MATERIALS.eyes), skin = standardLook(HEAD_MATERIALS.skin);
    // Moist eyes: a tight, bright glint; rough skin (0.6: exponent 13.4) a faint wide sheen.
    expect(eyes.specularPower).toBeGreaterThan(1000);
    expect(eyes.specular).toBe(0.9);
    expect(skin.specularPower).toBeCloseTo(13.43, 2);
    expect(skin.specular).toBeCloseTo(0.107, 3);
    for (const c of skin.diffuse) expect(c).toBeCloseTo(1, 12);
  });
});

describe('photoFrame', () => {
  const view = { rotation: [0.1, -0.5, 0.05] as [number, number, number], camera: { scale: 2400, tx: 510, ty: 380 }, width: 1000, height: 800 };
  // A point of the forward-facing head, its pixel by the fit's camera (u = s·x + tx, v = −s·y + ty of R·x).
  const x = [0.03, 0.05, 0.08];
  const R = rotationMatrix(view.rotation);
  const p = [0, 1, 2].map((a) => R[a * 3]! * x[0]! + R[a * 3 + 1]! * x[1]! + R[a * 3 + 2]! * x[2]!);
  const u = view.camera.scale * p[0]! + view.camera.tx, v = -view.camera.scale * p[1]! + view.camera.ty;

  /** Where the frame puts the point on the canvas, in photo pixels of the crop widened to the canvas. */
  function onCanvas(crop: readonly [number, number, number, number], aspect: number, turn: 'matrix' | 'quaternion') {
    const f = photoFrame(view, crop, aspect);
    const M = Matrix.FromArray(f.world);
    // The view turns the head with a quaternion made from the matrix: both must give R·x.
    const q = Quaternion.FromRotationMatrix(M);
    const m = turn === 'matrix' ? M : Matrix.Identity();
    if (turn === 'quaternion') q.toRotationMatrix(m);
    const w = Vector3.TransformCoordinates(new Vector3(x[0]!, x[1]!, x[2]!), m);
    expect([w.x, w.y, w.z].map((c, i) => c - p[i]!).every((d) => Math.abs(d) < 1e-6)).toBe(true);
    // Orthographic, +X right and +Y up: fractions across and down the canvas (Babylon's matrices are Float32: 1e-4 px).
    return { fx: (w.x - f.left) / (f.right - f.left), fy: (f.top - w.y) / (f.top - f.bottom), f };
  }

  it('maps a head point to the same pixel of the crop as the fit’s camera does', () => {
    const crop = [400, 250, 300, 300] as const;
    for (const turn of ['matrix', 'quaternion'] as const) {
      const { fx, fy } = onCanvas(crop, 1, turn);
      expect(crop[0] + fx * crop[2]).toBeCloseTo(u, 4);
      expect(crop[1] + fy * crop[3]).toBeCloseTo(v, 4);
    }
  });

  it('keeps the crop whole and centred on a canvas of another shape', () => {
    const crop = [400, 250, 300, 300] as const;
    // Twice as wide as high: 600 × 300 pixels of the photo, the crop in the middle.
    const { fx, fy, f } = onCanvas(crop, 2, 'matrix');
    expect((f.right - f.left) / (f.top - f.bottom)).toBeCloseTo(2, 9);
    expect(250 + fx * 600).toBeCloseTo(u, 4);
    expect(250 + fy * 300).toBeCloseTo(v, 4);
    expect(() => photoFrame({ ...view, camera: { scale: 0, tx: 0, ty: 0 } }, crop)).toThrow(/scale must be positive/);
  });
});

describe('metrics rows', () => {
  const fitted = (photoId: number, nme: number, rms: number | null, detail: [number, number] | null = null): PhotoReview => ({
    photoId, state: 'fitted', reason: null, nme, photometricRms: rms, identityDistance: null, detail: detail && { photometricRmsCoarse: detail[0], photometricRmsDetail: detail[1] },
  });
  const rejected = (photoId: number): PhotoReview => ({ photoId, state: 'rejected', reason: 'too far in profile', nme: null, photometricRms: null, identityDistance: null, detail: null });
  const review = (packId: string, photos: PhotoReview[]): SubjectReview => ({ subjectId: 1, packId, reconstructionId: 1, hasDetail: false, photos, controls: [] });
  const photos = [{ id: 1, originalName: 'b.jpg' }, { id: 2, originalName: 'A.jpg' }, { id: 3, originalName: 'c.jpg' }];
  const a = review('starter-head', [fitted(1, 0.05, 0.1, [0.1, 0.08]), fitted(2, 0.03, 0.2, [0.2, 0.1]), rejected(3)]);
  const b = review('ict-facekit', [fitted(1, 0.02, null), rejected(2), rejected(3)]);

  it('has each photo’s state and errors per reconstruction, photometric errors in 0–255 levels', () => {
    const rows = metricsRows(photos, [a, b]);
    expect(rows.map((r) => r.name)).toEqual(['b.jpg', 'A.jpg', 'c.jpg']);
    expect(rows[0]!.cells[0]).toMatchObject({ state: 'fitted', nme: 0.05, photometric: 25.5 });
    expect(rows[0]!.cells[0]!.detailGain).toBeCloseTo(5.1, 9);
    expect(rows[1]!.cells[1]).toMatchObject({ state: 'rejected', nme: null, detailGain: null });
    expect(rows[2]!.cells[0]!.reason).toBe('too far in profile');
  });

  it('sorts by a metric either way with missing numbers last, and by name', () => {
    const rows = metricsRows(photos, [a, b]);
    const ids = (s: Parameters<typeof sortMetricsRows>[1], desc = false) => sortMetricsRows(rows, s, desc).map((r) => r.photoId);
    expect(ids({ by: 'nme', column: 0 })).toEqual([2, 1, 3]);
    expect(ids({ by: 'nme', column: 0 }, true)).toEqual([1, 2, 3]);
    expect(ids({ by: 'nme', column: 1 }, true)).toEqual([1, 2, 3]);
    expect(ids({ by: 'detailGain', column: 0 }, true)).toEqual([2, 1, 3]);
    expect(ids({ by: 'name' })).toEqual([2, 1, 3]);
    expect(ids({ by: 'state', column: 1 })).toEqual([1, 2, 3]);
    expect(ids({ by: 'order' })).toEqual([1, 2, 3]);
  });

  it('means each metric over the photos that have it', () => {
    const rows = metricsRows(photos, [a, b]);
    const s = metricsSummary(rows, 0);
    expect(s).toMatchObject({ fitted: 2, rejected: 1, meanIdentity: null });
    expect(s.meanNme).toBeCloseTo(0.04, 12);
    expect(s.meanPhotometric).toBeCloseTo(38.25, 9);
    expect(s.meanDetailGain).toBeCloseTo(((0.02 + 0.1) / 2) * 255, 9);
    expect(metricsSummary(rows, 1)).toMatchObject({ fitted: 1, rejected: 2, meanNme: 0.02, meanPhotometric: null });
  });
});
