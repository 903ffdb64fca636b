import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { profileFacing, profileHandles, profilePinPoints } from '../../../renderer/src/lib/profile-pin-points';

// The named points the photo viewer offers on a profile, against the London profiles' hand-placed
// points (which eye and mouth corner a left or right profile shows).
const HAND = JSON.parse(readFileSync(path.join(__dirname, '../reconstruct/fixtures/london-profiles-hand.json'), 'utf8')) as { photos: { photo: string; hand: { landmark: number; x: number; y: number }[] }[] };

describe('profile pin points', () => {
  it('offers the side each London profile shows: its hand-placed corners are among the offered points', () => {
    expect(HAND.photos).toHaveLength(8);
    for (const p of HAND.photos) {
      const known = new Map(p.hand.map((q) => [q.landmark, [q.x, q.y] as const]));
      const facing = profileFacing(known);
      // A left profile faces image-left.
      expect(facing, p.photo).toBe(p.photo.includes('_left_') ? -1 : 1);
      const offered = new Set(profilePinPoints(facing).map((q) => q.landmark));
      for (const q of p.hand) expect(offered.has(q.landmark), `${p.photo} ${q.landmark}`).toBe(true);
      expect(offered.size).toBe(8);
    }
    // Facing unknown: every point, both sides.
    expect(profilePinPoints(0)).toHaveLength(10);
  });

  it('places handles at the silhouette points first, else at the fitted head’s landmarks; none for points known neither way', () => {
    const model = Array.from({ length: 68 }, (_, l) => [1000 + l, 500 + l]);
    model[0] = [900, 600];
    model[16] = [920, 600];
    model[30] = [700, 600]; // the nose ahead of the jaw's ends, image-left
    const handles = profileHandles([[27, 750, 400], [30, 690, 610], [8, 800, 900]], model);
    expect(handles.find((h) => h.landmark === 30)).toEqual({ landmark: 30, x: 690, y: 610 });
    expect(handles.find((h) => h.landmark === 33)).toEqual({ landmark: 33, x: 1033, y: 533 });
    expect(handles.map((h) => h.landmark).sort((a, b) => a - b)).toEqual([8, 27, 30, 33, 45, 51, 54, 57]);
    // No silhouette and no fit: nothing to drag (the artist places points from the list).
    expect(profileHandles([], null)).toEqual([]);
    // No silhouette, fitted: the head's own points, on the side its nose points to.
    expect(profileHandles([], model).map((h) => h.landmark)).toContain(45);
  });
});
