import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../core/api/api-error';
import type { PhotoPinsView, Pin, PinRefitView } from '../../../core/api/contract';
import { installFakeBridge } from '../../helpers/fake-bridge';

// The pins store on a profile that needs pins, against a fake bridge keeping one photo's pin
// revisions: a named point is placed and stored, the head is refitted only once the pins can fit
// it (3), and an undo below 3 drops the refitted head instead of asking for a refit that must fail.

let revisions: Pin[][] = [];
const view = (): PhotoPinsView => ({ photoId: 5, pack: null, pins: revisions.at(-1) ?? [], revision: revisions.length || null, undoable: revisions.length, fitStale: false });
const refitted = (pinCount: number): PinRefitView => ({
  photoId: 5, packId: 'starter-head', subjectId: 1, createdAt: '', nme: 0.03, nmeSingle: 0.03, jointPhotoCount: 1, modelLandmarks68: [], photometricRms: null, identityDistance: null, detail: null,
  fit: { rotation: [0, 0, 0], jaw: [0, 0, 0], expression: [], camera: { scale: 1, tx: 0, ty: 0 } }, pinCount, iterations: 1, seconds: 0.1,
});

const fake = installFakeBridge({
  'pins.get': view,
  'pins.set': (req) => (revisions.push(req.pins), view()),
  'pins.undo': () => (revisions.pop(), view()),
  'pins.refit': () => {
    const pins = revisions.at(-1) ?? [];
    if (pins.length < 3) throw new ApiError('conflict', 'needs 3 pins');
    return refitted(pins.length);
  },
});

const { usePinsStore } = await import('../../../renderer/src/stores/pins');

beforeEach(() => {
  revisions = [];
});

describe('pins store on a profile that needs pins', () => {
  it('refits from the third pin on, and drops the head when an undo leaves too few', async () => {
    const pins = usePinsStore();
    await pins.load(5);
    const refits = (n: number) => n >= 3;
    pins.placing = 30;
    await pins.place({ kind: 'landmark', landmark: 30 }, 389.004, 716, refits);
    await pins.place({ kind: 'landmark', landmark: 33 }, 425, 766, refits);
    expect(fake.requests('pins.refit')).toHaveLength(0);
    expect(pins.refit).toBeNull();
    await pins.place({ kind: 'landmark', landmark: 8 }, 519, 956, refits);
    expect(fake.requests('pins.refit')).toHaveLength(1);
    expect(pins.refit?.pinCount).toBe(3);
    expect(pins.view?.pins).toEqual([{ landmark: 30, x: 389, y: 716 }, { landmark: 33, x: 425, y: 766 }, { landmark: 8, x: 519, y: 956 }]);
    // Moving a placed point keeps one pin per landmark (the moved one last).
    await pins.place({ kind: 'landmark', landmark: 30 }, 349, 716, refits);
    expect(pins.view?.pins.map((p) => ('landmark' in p ? p.landmark : -1))).toEqual([33, 8, 30]);
    await pins.undo(refits);
    await pins.undo(refits);
    expect(pins.view?.pins).toHaveLength(2);
    expect(pins.refit).toBeNull();
    expect(pins.error).toBeNull();
    expect(fake.requests('pins.refit')).toHaveLength(3);
    // A new photo forgets the point being placed.
    await pins.load(5);
    expect(pins.placing).toBeNull();
  });
});
