import { describe, expect, it } from 'vitest';
import { ARKIT_BLENDSHAPES } from '../../../core/expression/arkit-names';
import { EYE_BLINK_DEFAULTS, applyMeasuredBlink, blinkFromAperture } from '../../../core/expression/eye-blink';
import { eyeCrops, eyeLidsFromOutput, lidAperture } from '../../../core/perception/eye-lids';
import { applyAffine } from '../../../core/perception/image-warp';
import type { Point2 } from '../../../core/perception/face-crops';

const at = (n: string) => ARKIT_BLENDSHAPES.indexOf(n as (typeof ARKIT_BLENDSHAPES)[number]);

/** A lid contour of an almond eye: corners at ±w/2, lids ±h/2·sin at the middle (16 points in the iris model's order). */
function almond(cx: number, cy: number, w: number, h: number, angle = 0): Point2[] {
  const rot = (x: number, y: number): Point2 => [cx + x * Math.cos(angle) - y * Math.sin(angle), cy + x * Math.sin(angle) + y * Math.cos(angle)];
  const lower = Array.from({ length: 9 }, (_, i) => rot(-w / 2 + (w * i) / 8, (h / 2) * Math.sin((Math.PI * i) / 8)));
  const upper = Array.from({ length: 7 }, (_, i) => rot(-w / 2 + (w * (i + 1)) / 8, -(h / 2) * Math.sin((Math.PI * (i + 1)) / 8)));
  return [...lower, ...upper];
}

describe('lid aperture', () => {
  it('is the mean lid gap over the width, whatever the scale and roll', () => {
    // Two sine lids enclose 2/π of the w×h box (the polygon a little less): mean gap 0.637·h.
    const a = lidAperture(almond(100, 80, 40, 12));
    expect(a).toBeGreaterThan(0.6 * 0.3);
    expect(a).toBeLessThan((2 / Math.PI) * 0.3);
    expect(lidAperture(almond(500, 300, 400, 120, 0.4))).toBeCloseTo(a, 9);
    expect(lidAperture(almond(100, 80, 40, 0))).toBe(0);
    expect(() => lidAperture(almond(0, 0, 1, 1).slice(1))).toThrow(/16-point/);
  });

  it("places each eye's crop on its corners and maps the model's points back, mirroring the subject's left eye", () => {
    // A level face: the subject's right eye (iBUG 36 outer, 39 inner) on the image's left.
    const lm = Array.from({ length: 68 }, () => [0, 0] as Point2);
    lm[36] = [100, 200];
    lm[39] = [140, 200];
    lm[42] = [180, 200];
    lm[45] = [220, 200];
    const [right, left] = eyeCrops(lm, null);
    expect(right!.side).toBe('right');
    expect(left!.side).toBe('left');
    // Crop side 2.3 × 40 pixels on the corners' midpoint: the outer corner of each eye lands on the crop's left.
    const r36 = applyAffine(right!.toCrop, 100, 200), l45 = applyAffine(left!.toCrop, 220, 200);
    expect(r36[0]).toBeCloseTo(32 - (20 * 64) / 92, 9);
    expect(l45[0]).toBeCloseTo(32 - (20 * 64) / 92, 9);
    expect(r36[1]).toBeCloseTo(32, 9);
    // The model's points (crop pixels) come back in the image: a contour drawn in the crop at
    // the outer (x small) → inner order lands from iBUG 45 to 42 on the mirrored eye.
    const out = new Float32Array(228);
    almond(32, 32, 28, 8).forEach((p, i) => ((out[i * 3] = p[0]), (out[i * 3 + 1] = p[1])));
    out[71 * 3] = 32;
    out[71 * 3 + 1] = 32;
    const eye = eyeLidsFromOutput(out, left!);
    expect(eye.lids[0]![0]).toBeGreaterThan(eye.lids[8]![0]); // outer corner on the image's right
    expect(eye.iris[0]).toBeCloseTo(200, 9);
    expect(eye.iris[1]).toBeCloseTo(200, 9);
    expect(eye.aperture).toBeCloseTo(lidAperture(almond(32, 32, 28, 8)), 6); // float32 outputs
    expect(() => eyeLidsFromOutput(out.subarray(3), left!)).toThrow(/228/);
  });
});

describe('eyeBlink from the measured aperture', () => {
  it('is 0 open, 1 shut, linear between, and replaces only the two blink weights', () => {
    expect(blinkFromAperture(0.3)).toBe(0);
    expect(blinkFromAperture(EYE_BLINK_DEFAULTS.openAperture)).toBe(0);
    expect(blinkFromAperture(0.01)).toBe(1);
    const mid = (EYE_BLINK_DEFAULTS.openAperture + EYE_BLINK_DEFAULTS.closedAperture) / 2;
    expect(blinkFromAperture(mid)).toBeCloseTo(0.5, 9);
    expect(blinkFromAperture(Number.NaN)).toBeNaN();
    expect(() => blinkFromAperture(0.1, { openAperture: 0.05, closedAperture: 0.1 })).toThrow(/must exceed/);

    const w = Float32Array.from({ length: 52 }, (_, k) => k / 100);
    const before = Float32Array.from(w);
    applyMeasuredBlink(w, { left: 0.04, right: 0.3 });
    expect(w[at('eyeBlinkLeft')]).toBe(1);
    expect(w[at('eyeBlinkRight')]).toBe(0);
    for (let k = 0; k < 52; k++) if (k !== at('eyeBlinkLeft') && k !== at('eyeBlinkRight')) expect(w[k]).toBe(before[k]);
    // Nothing measured: the solved weights stay.
    expect(Array.from(applyMeasuredBlink(Float32Array.from(before), null))).toEqual(Array.from(before));
    expect(applyMeasuredBlink(Float32Array.from(before), { left: Number.NaN, right: 0.3 })[at('eyeBlinkLeft')]).toBe(before[at('eyeBlinkLeft')]);
  });
});
