import { describe, expect, it } from 'vitest';
import { ARKIT_BLENDSHAPES } from '../../../core/expression/arkit-names';
import type { ExpressionRecord } from '../../../core/expression/expression-record';
import { onSubjectNeutral, subjectNeutral } from '../../../core/expression/subject-neutral';

const A = ARKIT_BLENDSHAPES.length;
const at = (name: (typeof ARKIT_BLENDSHAPES)[number]) => ARKIT_BLENDSHAPES.indexOf(name);
const weights = (set: Partial<Record<(typeof ARKIT_BLENDSHAPES)[number], number>>) => {
  const w = new Float32Array(A);
  for (const [k, v] of Object.entries(set)) w[at(k as (typeof ARKIT_BLENDSHAPES)[number])] = v!;
  return w;
};
const record = (arkit: Float32Array, source: ExpressionRecord['source'] = { photoId: 1, packId: 'p' }): ExpressionRecord => ({ name: 'r', arkit, jawPose: [0.1, 0, 0], eyePose: null, source });

describe('subjectNeutral', () => {
  // A person whose fits all carry mouthPucker ≈ 0.3 and cheekPuff ≈ 0.25 (the pack's identity
  // modes miss their mouth), photographed three times neutral and three times smiling.
  const neutralPhotos = [0.28, 0.3, 0.32].map((p, i) => weights({ mouthPucker: p, cheekPuff: 0.25, jawOpen: 0.05 * i, eyeBlinkLeft: 0.1 * i }));
  const smilingPhotos = [0.7, 0.8, 0.9].map((s) => weights({ mouthPucker: 0.2, cheekPuff: 0.25, mouthSmileLeft: s, mouthSmileRight: s, eyeBlinkLeft: 0.5 }));

  it('is the mean of the least expressive half: the smiles are left out, what every photo shares is kept', () => {
    const n = subjectNeutral([smilingPhotos[0]!, neutralPhotos[0]!, smilingPhotos[1]!, neutralPhotos[1]!, smilingPhotos[2]!, neutralPhotos[2]!])!;
    expect(n[at('mouthPucker')]).toBeCloseTo(0.3, 6);
    expect(n[at('cheekPuff')]).toBeCloseTo(0.25, 6);
    expect(n[at('jawOpen')]).toBeCloseTo(0.05, 6);
    expect(n[at('mouthSmileLeft')]).toBe(0);
    // The lids are measured on each photo, never the person's: no blink in a neutral.
    expect(n[at('eyeBlinkLeft')]).toBe(0);
  });

  it('is null with too few photos (a lone photo would be its own neutral) and refuses wrong lengths', () => {
    expect(subjectNeutral([smilingPhotos[0]!])).toBeNull();
    expect(subjectNeutral(neutralPhotos)).toBeNull(); // 3 < minPhotos 4
    expect(subjectNeutral(neutralPhotos, { minPhotos: 3 })).not.toBeNull();
    expect(() => subjectNeutral([new Float32Array(51)])).toThrow(/52 ARKit weights per photo, got 51/);
  });
});

describe('onSubjectNeutral', () => {
  const bob = weights({ mouthPucker: 0.3, cheekPuff: 0.3 });
  const ann = weights({ jawForward: 0.2, mouthSmileLeft: 0.1 });
  const bobSmiling = weights({ mouthPucker: 0.25, cheekPuff: 0.3, mouthSmileLeft: 0.8, mouthSmileRight: 0.9 });

  it("carries what the record does over its person's neutral onto the head's neutral, in [0, 1]", () => {
    const r = record(bobSmiling);
    const onAnn = onSubjectNeutral(r, { from: bob, to: ann });
    expect(onAnn.arkit[at('mouthPucker')]).toBe(0); // 0 + 0.25 − 0.3, kept at 0
    expect(onAnn.arkit[at('cheekPuff')]).toBeCloseTo(0, 6); // Bob's own, not Ann's
    expect(onAnn.arkit[at('jawForward')]).toBeCloseTo(0.2, 6); // Ann's own
    expect(onAnn.arkit[at('mouthSmileLeft')]).toBeCloseTo(0.9, 6);
    expect(onAnn.arkit[at('mouthSmileRight')]).toBeCloseTo(0.9, 6);
    expect(onAnn.jawPose).toEqual([0.1, 0, 0]);
    expect(onAnn.source).toEqual(r.source);
    expect(r.arkit[at('cheekPuff')]).toBeCloseTo(0.3, 6); // the input is left alone
    // Kept in [0, 1] at the top too.
    expect(onSubjectNeutral(record(weights({ mouthSmileLeft: 1 })), { from: null, to: ann }).arkit[at('mouthSmileLeft')]).toBe(1);
  });

  it('leaves a record on its own person unchanged and adds the neutral to one made by hand', () => {
    const r = record(bobSmiling);
    expect(onSubjectNeutral(r, { from: bob, to: bob })).toBe(r);
    expect(onSubjectNeutral(r, { from: null, to: null })).toBe(r);
    const byHand = onSubjectNeutral(record(weights({ mouthSmileLeft: 0.5 }), null), { from: null, to: ann });
    expect(byHand.arkit[at('mouthSmileLeft')]).toBeCloseTo(0.6, 6);
    expect(byHand.arkit[at('jawForward')]).toBeCloseTo(0.2, 6);
    expect(() => onSubjectNeutral(r, { from: new Float32Array(3), to: ann })).toThrow(/52 ARKit weights, got 3/);
  });
});
