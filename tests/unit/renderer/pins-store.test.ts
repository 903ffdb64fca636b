import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ApiEventMessage, Pin } from '../../../core/api/contract';
import type { DecaStudioBridge } from '../../../renderer/src/api/bridge-types';

// The pins store on a profile that needs pins, against a fake bridge keeping one photo's pin
// revisions: a named point is placed and stored, the head is refitted only once the pins can fit
// it (3), and an undo below 3 drops the refitted head instead of asking for a refit that must fail.

const calls: string[] = [];
let revisions: Pin[][] = [];
const view = () => ({ photoId: 5, pack: null, pins: revisions.at(-1) ?? [], revision: revisions.length || null, undoable: revisions.length, fitStale: false });
const ok = (value: unknown) => ({ ok: true, value });

const bridge: DecaStudioBridge = {
  async call(method, req) {
    calls.push(method);
    const r = req as { pins?: Pin[] };
    switch (method) {
      case 'pins.get':
        return ok(view());
      case 'pins.set':
        revisions.push(r.pins!);
        return ok(view());
      case 'pins.undo':
        revisions.pop();
        return ok(view());
      case 'pins.refit':
        if ((revisions.at(-1) ?? []).length < 3) return { ok: false, error: { code: 'conflict', message: 'needs 3 pins' } };
        return ok({ photoId: 5, modelLandmarks68: [], pinCount: revisions.at(-1)!.length, seconds: 0.1 });
      default:
        return ok(null);
    }
  },
  stage: async () => ok(''),
  onEvent: (_listener: (m: ApiEventMessage) => void) => () => undefined,
  pathForFile: () => '',
  pickFolder: async () => null,
};
(globalThis as { window?: unknown }).window = { decaStudio: bridge };

const { usePinsStore } = await import('../../../renderer/src/stores/pins');

beforeEach(() => {
  setActivePinia(createPinia());
  calls.length = 0;
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
    expect(calls.filter((c) => c === 'pins.refit')).toHaveLength(0);
    expect(pins.refit).toBeNull();
    await pins.place({ kind: 'landmark', landmark: 8 }, 519, 956, refits);
    expect(calls.filter((c) => c === 'pins.refit')).toHaveLength(1);
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
    expect(calls.filter((c) => c === 'pins.refit')).toHaveLength(3);
    // A new photo forgets the point being placed.
    await pins.load(5);
    expect(pins.placing).toBeNull();
  });
});
