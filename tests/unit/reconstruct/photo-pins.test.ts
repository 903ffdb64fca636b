import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../core/api/api-error';
import { validateRequest } from '../../../core/api/validate-request';
import { LimitError } from '../../../core/limits/input-limits';
import { parsePhotoPins, pinsForPack } from '../../../core/reconstruct/photo-pins';

const B = { width: 640, height: 480, triangles: 1000 };

/** The message a bad pins value is refused with (and that it is a bad-request ApiError). */
function refusal(value: unknown, bounds = B): string {
  try {
    parsePhotoPins(value, bounds);
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('bad-request');
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('pins.json (core/reconstruct/photo-pins.ts)', () => {
  it('reads landmark and surface pins, normalising barycentric weights', () => {
    const p = parsePhotoPins({ pack: 'ict-facekit', pins: [{ landmark: 8, x: 320, y: 400.5 }, { triangle: 999, barycentric: [0.2, 0.3, 0.5001], x: 0, y: 480 }] }, B);
    expect(p.pack).toBe('ict-facekit');
    expect(p.pins[0]).toEqual({ landmark: 8, x: 320, y: 400.5 });
    const s = p.pins[1] as { barycentric: number[] };
    expect(s.barycentric.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    // Landmark pins only: no pack is kept (they apply on every pack).
    expect(parsePhotoPins({ pack: 'ict-facekit', pins: [{ landmark: 0, x: 1, y: 1 }] }, B).pack).toBeNull();
    expect(parsePhotoPins({ pins: [] }, B)).toEqual({ pack: null, pins: [] });
    // The output of `pins get --json` can be set again.
    expect(parsePhotoPins({ photoId: 3, pack: null, pins: [{ landmark: 1, x: 2, y: 3 }], revision: 7, undoable: 2, fitStale: true }, B).pins).toHaveLength(1);
  });

  it('refuses bad pins whole, naming the pin and what is wrong', () => {
    expect(refusal([])).toMatch(/expected an object/);
    expect(refusal({ pins: {} })).toMatch(/"pins" must be an array/);
    expect(refusal({ pins: [], extra: 1 })).toMatch(/unknown key "extra"/);
    expect(refusal({ pins: [{ landmark: 68, x: 1, y: 1 }] })).toMatch(/pin 0: landmark must be an integer 0…67 \(got 68\)/);
    expect(refusal({ pins: [{ landmark: 2.5, x: 1, y: 1 }] })).toMatch(/landmark must be an integer/);
    expect(refusal({ pins: [{ landmark: 1, x: 1, y: 1 }, { landmark: 1, x: 2, y: 2 }] })).toMatch(/landmark 1 is pinned twice/);
    expect(refusal({ pins: [{ landmark: 1, x: null, y: 1 }] })).toMatch(/pin 0: x must be a finite number \(got null\)/);
    expect(refusal({ pins: [{ landmark: 1, x: 1, y: Number.NaN }] })).toMatch(/y must be a finite number/);
    expect(refusal({ pins: [{ landmark: 1, x: 1 }] })).toMatch(/y must be a finite number \(got nothing\)/);
    expect(refusal({ pins: [{ landmark: 1, x: 700, y: 1 }] })).toMatch(/pin 0 at \(700, 1\) is outside the 640×480 photo/);
    expect(refusal({ pins: [{ landmark: 1, x: 1, y: -0.5 }] })).toMatch(/outside the 640×480 photo/);
    expect(refusal({ pins: [{ x: 1, y: 1 }] })).toMatch(/needs "landmark" \(0…67\) or "triangle" and "barycentric"/);
    expect(refusal({ pins: [{ landmark: 1, x: 1, y: 1, z: 0 }] })).toMatch(/unknown key "z"/);
    expect(refusal({ pins: [{ triangle: 1, barycentric: [1, 0, 0], x: 1, y: 1 }] })).toMatch(/needs "pack"/);
    expect(refusal({ pack: 'p', pins: [{ triangle: 1000, barycentric: [1, 0, 0], x: 1, y: 1 }] })).toMatch(/triangle 1000 is out of range \(the pack's mesh has 1000 triangles\)/);
    expect(refusal({ pack: 'p', pins: [{ triangle: -1, barycentric: [1, 0, 0], x: 1, y: 1 }] })).toMatch(/triangle must be a non-negative integer/);
    expect(refusal({ pack: 'p', pins: [{ triangle: 1, barycentric: [0.5, 0.5], x: 1, y: 1 }] })).toMatch(/barycentric must be three finite numbers/);
    expect(refusal({ pack: 'p', pins: [{ triangle: 1, barycentric: [0.9, 0.9, -0.8], x: 1, y: 1 }] })).toMatch(/must be ≥ 0 and sum to 1/);
    expect(refusal({ pack: 'p', pins: [{ triangle: 1, barycentric: [0.5, 0.2, 0.2], x: 1, y: 1 }] })).toMatch(/must be ≥ 0 and sum to 1/);
    expect(refusal({ pack: 3, pins: [] })).toMatch(/"pack" must be a pack id/);
    // Without a triangle count (the pack not loaded) the index is checked later, by the fit.
    expect(parsePhotoPins({ pack: 'p', pins: [{ triangle: 5000, barycentric: [1, 0, 0], x: 1, y: 1 }] }, { ...B, triangles: null }).pins).toHaveLength(1);
  });

  it('bounds the pins of a photo', () => {
    const many = Array.from({ length: 257 }, (_, i) => ({ triangle: i, barycentric: [1, 0, 0], x: 1, y: 1 }));
    expect(() => parsePhotoPins({ pack: 'p', pins: many }, B)).toThrow(LimitError);
    expect(() => parsePhotoPins({ pack: 'p', pins: many }, B)).toThrow(/257 pins, over the limit of 256 \[limit pinsPerPhoto\]/);
    expect(parsePhotoPins({ pack: 'p', pins: many.slice(0, 256) }, B).pins).toHaveLength(256);
  });

  it('applies surface pins only on their pack', () => {
    const pins = parsePhotoPins({ pack: 'ict-facekit', pins: [{ landmark: 8, x: 1, y: 1 }, { triangle: 3, barycentric: [1, 0, 0], x: 1, y: 1 }] }, B);
    expect(pinsForPack(pins, 'ict-facekit')).toHaveLength(2);
    expect(pinsForPack(pins, 'starter-head')).toEqual([{ landmark: 8, x: 1, y: 1 }]);
    expect(pinsForPack(null, 'starter-head')).toEqual([]);
  });

  it("validates the API's pins requests (shape here, the pins themselves in the handler)", () => {
    expect(validateRequest('pins.set', { photoId: 1, pins: [{ landmark: 1, x: 1, y: 1 }] })).toEqual({ photoId: 1, pins: [{ landmark: 1, x: 1, y: 1 }] });
    expect(() => validateRequest('pins.set', { photoId: 1, pins: [3] })).toThrow(/pins.set.pins\[0\]: must be an object/);
    expect(() => validateRequest('pins.set', { photoId: 1 })).toThrow(/pins.set.pins: is required/);
    expect(() => validateRequest('pins.set', { photoId: 0, pins: [] })).toThrow(/positive integer id/);
    expect(() => validateRequest('pins.refit', { photoId: 1, packId: 'Bad Pack' })).toThrow(/pack id/);
    expect(() => validateRequest('pins.undo', { photoId: 1, x: 1 })).toThrow(/unknown field "x"/);
    expect(validateRequest('pins.get', { photoId: 4 })).toEqual({ photoId: 4 });
  });
});
