import { describe, expect, it } from 'vitest';
import type { Point2, Point3 } from '../../../core/perception/face-crops';
import type { RgbImage } from '../../../core/perception/image-warp';
import { measureMouthOpening, openLowerLip, openMouthFromImage } from '../../../core/perception/mouth-opening';

type Rgb = [number, number, number];
const SKIN: Rgb = [215, 170, 145], LIP: Rgb = [170, 95, 90], CAVITY: Rgb = [45, 25, 25], TONGUE: Rgb = [150, 80, 80], TEETH: Rgb = [225, 220, 205], GUM: Rgb = [120, 60, 60];

/**
 * A synthetic mouth, 400×400, eyes 200 px apart: horizontal bands between the mouth's corners
 * (x 140–260) from `bands` (top y, colour), skin elsewhere; `grey` turns the picture monochrome.
 */
function mouthImage(bands: [number, Rgb][], grey = false): RgbImage {
  const w = 400, h = 400, data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let c = SKIN;
      if (x >= 140 && x < 260) for (const [top, colour] of bands) if (y >= top) c = colour;
      if (y >= bands[bands.length - 1]![0] + 12) c = SKIN;
      const v = grey ? [(c[0] + c[1] + c[2]) / 3, (c[0] + c[1] + c[2]) / 3, (c[0] + c[1] + c[2]) / 3] : c;
      data.set(v.map(Math.round), (y * w + x) * 3);
    }
  }
  return { width: w, height: h, data };
}

/**
 * 68 landmarks: eyes at (100, 150) and (300, 150), mouth corners 48/54 at x 140/260 on y 240, upper
 * outer lip 51 at `y51`, upper inner 62 at `y62`, lower inner 66 at `y66`, lower outer 57 at `y57`
 * (65/67 and 61/63 at the same heights, x 170/230; 60/64 at x 150/250 on y 240).
 */
function landmarks(y51: number, y62: number, y66: number, y57: number): Point2[] {
  const p: Point2[] = Array.from({ length: 68 }, (_, i) => [150 + (i % 10) * 10, 60 + (i % 7) * 10] as Point2);
  p[36] = [100, 150];
  p[45] = [300, 150];
  p[48] = [140, 240];
  p[54] = [260, 240];
  for (const [i, x] of [[49, 165], [50, 185], [51, 200], [52, 215], [53, 235]] as const) p[i] = [x, y51];
  for (const [i, x] of [[59, 165], [58, 185], [57, 200], [56, 215], [55, 235]] as const) p[i] = [x, y57];
  p[60] = [150, 240];
  p[64] = [250, 240];
  for (const [i, x] of [[61, 170], [62, 200], [63, 230]] as const) p[i] = [x, y62];
  for (const [i, x] of [[67, 170], [66, 200], [65, 230]] as const) p[i] = [x, y66];
  return p;
}

/** A 468-point mesh whose lower lip rings lie on a line at `y` (the rest elsewhere). */
function mesh(y: number): Point3[] {
  const m: Point3[] = Array.from({ length: 468 }, (_, i) => [i % 400, 50, 0] as Point3);
  const rings = [[78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308], [62, 96, 89, 179, 86, 15, 316, 403, 319, 325, 292], [76, 77, 90, 180, 85, 16, 315, 404, 320, 307, 306], [61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291]];
  rings.forEach((ring, r) => ring.forEach((v, k) => (m[v] = [150 + k * 10, y + r * 4, 0])));
  return m;
}

describe('mouth opening read off the image', () => {
  // The santa photo's case, scaled: the upper lip to 232, the cavity 232–246, the tongue 246–262,
  // the lower teeth 262–268, a gum line 268–270, the lower lip 270–282. The nets' 66 lies on the
  // tongue (250), their 57 on the lip's lower part (278).
  const open = mouthImage([[220, LIP], [232, CAVITY], [246, TONGUE], [262, TEETH], [268, GUM], [270, LIP]]);
  const openLm = landmarks(220, 232, 250, 278);

  it('finds the lower lip below the lowest teeth when the nets put it on the tongue', () => {
    const m = measureMouthOpening(open, openLm);
    expect(m.landmarkGap).toBeCloseTo(18, 6);
    // The lip's inner edge: the gum line under the teeth (268–270), not the tongue.
    expect(m.measuredGap).toBeGreaterThan(35);
    expect(m.measuredGap).toBeLessThan(39);
    expect(m.shift).toBeCloseTo(m.measuredGap - m.landmarkGap, 6);
  });

  it('moves 65–67 and the mesh lower lip rings down, by less towards the corners and the outer ring', () => {
    const lm = openLm, me = mesh(250);
    const { landmarks68, mesh468 } = openLowerLip(lm, me, 18);
    expect(landmarks68[66]![1]).toBeCloseTo(268, 6);
    for (const i of [65, 67]) {
      expect(landmarks68[i]![1] - lm[i]![1]).toBeGreaterThan(0.75 * 18);
      expect(landmarks68[i]![1] - lm[i]![1]).toBeLessThan(18);
    }
    // Everything else stays, and the inputs are not changed.
    for (let i = 0; i < 68; i++) if (![65, 66, 67].includes(i)) expect(landmarks68[i]).toEqual(lm[i]);
    expect(lm[66]).toEqual([200, 250]);
    expect(mesh468![14]![1]).toBeCloseTo(250 + 18, 6);
    expect(mesh468![15]![1]).toBeCloseTo(254 + 12, 6);
    expect(mesh468![16]![1]).toBeCloseTo(258 + 6, 6);
    expect(mesh468![17]).toEqual(me[17]);
    for (const corner of [78, 308, 62, 292]) expect(mesh468![corner]).toEqual(me[corner]);
    expect(me[14]![1]).toBe(250);
  });

  it('leaves a closed mouth, a smile with its lip already below the teeth and a grey photo alone', () => {
    // Closed: lips meet at 240; no cavity between the inner lips.
    const closed = mouthImage([[222, LIP], [239, GUM], [241, LIP]]);
    const closedLm = landmarks(222, 239, 241, 258);
    const c = openMouthFromImage(closed, closedLm, mesh(241));
    expect(c.mouth.shift).toBe(0);
    expect(c.landmarks68).toEqual(closedLm);
    expect(c.mesh468).toEqual(mesh(241));
    // A smile: upper teeth, a dark line, lower teeth, with 66 already at the lip under them.
    const smile = mouthImage([[220, LIP], [230, TEETH], [244, CAVITY], [248, TEETH], [256, LIP]]);
    expect(measureMouthOpening(smile, landmarks(220, 230, 256, 268)).shift).toBe(0);
    // The open mouth in grey: teeth cannot be told from lips by colour.
    const grey = mouthImage([[220, LIP], [232, CAVITY], [246, TONGUE], [262, TEETH], [268, GUM], [270, LIP]], true);
    expect(measureMouthOpening(grey, openLm).shift).toBe(0);
    // Lips already apart with 66 on the edge of the lower teeth (a highlight on the lip's rim looks the
    // same), the lip darkening towards its outer edge below: the lip is not looked for in that shading.
    const shaded = mouthImage([[220, LIP], [232, CAVITY], [250, TEETH], [253, LIP], [258, [160, 88, 84]], [263, [150, 82, 78]], [268, [140, 76, 72]]]);
    expect(measureMouthOpening(shaded, landmarks(220, 232, 250, 278)).shift).toBe(0);
    // The nets' lips nearly together: nothing to correct, however the pixels look.
    expect(measureMouthOpening(open, landmarks(220, 236, 240, 278)).shift).toBe(0);
  });

  it('rejects landmarks that are not 68 points', () => {
    expect(() => measureMouthOpening(open, openLm.slice(0, 60))).toThrow(/expected 68 landmarks, got 60/);
  });
});
