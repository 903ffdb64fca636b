import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiHandlers } from '../../../core/api/contract';
import { validateRequest } from '../../../core/api/validate-request';
import { clipFromRecords } from '../../../core/expression/expression-clip';
import type { ExpressionRecord } from '../../../core/expression/expression-record';
import type { Studio } from '../../../main/services/studio';
import { openTestStudio, type TestStudio } from '../../helpers/test-studio';

let t: TestStudio;
let studio: Studio;
let api: ApiHandlers;

const rec = (w: number): ExpressionRecord => ({ name: `w${w}`, arkit: new Float32Array(52).fill(w), jawPose: [w / 10, 0, 0], eyePose: null, source: null });

beforeEach(async () => {
  t = await openTestStudio('deca-clips-api-');
  ({ studio, api } = t);
});
afterEach(() => t.dispose());

describe('clips API', () => {
  it('lists, edits (drop, retime, respace, smooth, rename) and deletes a stored clip; every change is announced', async () => {
    const events: unknown[] = [];
    studio.events.subscribe((m) => m.event === 'library.changed' && events.push(m.payload));
    const id = studio.requireProject().library.clips.create(clipFromRecords('talk', [rec(0), rec(1), rec(0), rec(0.5)], { fps: 2 }), 'test');
    expect(await api['clips.list']({})).toMatchObject([{ id, name: 'talk', fps: 2, keyCount: 4, duration: 1.5, source: 'test' }]);

    const edited = await api['clips.update'](validateRequest('clips.update', { id, name: 'talk 2', edits: [{ op: 'drop', index: 0 }, { op: 'retime', index: 1, time: 0.75 }] }));
    expect(edited).toMatchObject({ name: 'talk 2', keyCount: 3, duration: 1 });
    const keys = studio.requireProject().library.clips.get(id)!.clip.keys;
    expect(keys.map((k) => [k.time, k.expression.arkit[0]])).toEqual([[0, 1], [0.75, 0], [1, 0.5]]);

    const smoothed = await api['clips.update']({ id, edits: [{ op: 'respace', fps: 4 }, { op: 'smooth', radius: 1 }] });
    expect(smoothed).toMatchObject({ fps: 4, duration: 0.5 });
    const middle = studio.requireProject().library.clips.get(id)!.clip.keys[1]!.expression.arkit[0];
    expect(middle).toBeCloseTo(0.25 * 1 + 0.5 * 0 + 0.25 * 0.5, 6);

    // A bad edit changes nothing.
    await expect(api['clips.update']({ id, edits: [{ op: 'drop', index: 0 }, { op: 'drop', index: 9 }] })).rejects.toThrow(/keys 0…1, not 9/);
    expect((await api['clips.list']({}))[0]!.keyCount).toBe(3);
    expect(() => validateRequest('clips.update', { id, edits: [{ op: 'reverse' }] })).toThrow(/must be one of drop, retime, respace, smooth/);
    expect(() => validateRequest('clips.create', { name: 'x', photoIds: [1], fps: 0 })).toThrow(/frame rate/);

    await api['clips.delete']({ id });
    expect(await api['clips.list']({})).toEqual([]);
    await expect(api['clips.delete']({ id })).rejects.toThrow(/No clip/);
    expect(events.length).toBe(3);
  });

  it('refuses a clip from photos that are not fitted, naming the photo', async () => {
    await expect(api['clips.create']({ name: 'x', photoIds: [42] })).rejects.toThrow(/No photo with id 42/);
  });
});
