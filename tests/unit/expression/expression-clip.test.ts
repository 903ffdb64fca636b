import { describe, expect, it } from 'vitest';
import { ARKIT_BLENDSHAPES, exportShapes } from '../../../core/expression/arkit-names';
import { clipKeysFromJson, clipKeysToJson } from '../../../core/expression/clip-json';
import { applyClipEdit, dropKey, retimeKey } from '../../../core/expression/edit-clip';
import { checkClip, clipFromRecords, sampleClip, type ExpressionClip } from '../../../core/expression/expression-clip';
import type { ExpressionRecord } from '../../../core/expression/expression-record';
import { smoothClip } from '../../../core/expression/smooth-clip';
import { ARKIT_CSV_HEADER, arkitCsv, LIVE_LINK_FACE_BLENDSHAPES, liveLinkTimecode } from '../../../core/export/arkit-csv';
import { axisAngleToQuaternion, clipAnimation, expressionPose } from '../../../core/export/clip-animation';

const at = (name: string) => ARKIT_BLENDSHAPES.indexOf(name as (typeof ARKIT_BLENDSHAPES)[number]);

function record(name: string, weights: Record<string, number>, jawX = 0, eyes = false): ExpressionRecord {
  const arkit = new Float32Array(52);
  for (const [k, w] of Object.entries(weights)) arkit[at(k)] = w;
  return { name, arkit, jawPose: [jawX, 0, 0], eyePose: eyes ? { left: [0, 0.1, 0], right: [0, -0.1, 0] } : null, source: null };
}

const clip = (): ExpressionClip =>
  clipFromRecords('test', [record('a', { jawOpen: 0 }), record('b', { jawOpen: 1, mouthSmileLeft: 0.5 }, 0.2), record('c', { jawOpen: 0 }), record('d', { browInnerUp: 0.8 })], { fps: 2 });

describe('expression clips', () => {
  it('keys records evenly at fps and blends linearly between keys', () => {
    const c = clip();
    expect(c.keys.map((k) => k.time)).toEqual([0, 0.5, 1, 1.5]);
    const mid = sampleClip(c, 0.25);
    expect(mid.arkit[at('jawOpen')]).toBeCloseTo(0.5, 6);
    expect(mid.arkit[at('mouthSmileLeft')]).toBeCloseTo(0.25, 6);
    expect(mid.jawPose[0]).toBeCloseTo(0.1, 6);
    expect(sampleClip(c, 99).arkit[at('browInnerUp')]).toBeCloseTo(0.8, 6); // clamped to the end
  });

  it('refuses bad clips with a message that names the problem', () => {
    const c = clip();
    expect(() => checkClip({ ...c, fps: 0 })).toThrow(/fps/);
    expect(() => checkClip({ ...c, keys: [] })).toThrow(/no keys/);
    const bad = record('x', {});
    bad.arkit[3] = 1.5;
    expect(() => checkClip({ ...c, keys: [{ time: 0, expression: bad }] })).toThrow(/eyeLookOutLeft is 1.5/);
    expect(() => checkClip({ ...c, keys: [c.keys[1]!, c.keys[0]!] })).toThrow(/after the key before/);
    expect(() => checkClip({ ...c, keys: Array.from({ length: 36_001 }, (_, i) => ({ time: i, expression: bad })) })).toThrow(/limit clipKeys/);
  });

  it('smooths with the binomial kernel (¼ ½ ¼), renormalised at the ends', () => {
    const s = smoothClip(clip());
    const j = s.keys.map((k) => k.expression.arkit[at('jawOpen')]!);
    expect(j[0]).toBeCloseTo((2 * 0 + 1) / 3, 6); // ends: (½·a + ¼·b) / ¾
    expect(j[1]).toBeCloseTo(0.5, 6); // ¼·0 + ½·1 + ¼·0
    expect(j[2]).toBeCloseTo(0.25, 6);
    expect(s.keys[1]!.expression.jawPose[0]).toBeCloseTo(0.1, 6);
    // A constant clip stays constant; radius 0 is the identity.
    const flat = clipFromRecords('flat', [record('a', { eyeBlinkLeft: 0.3 }), record('b', { eyeBlinkLeft: 0.3 }), record('c', { eyeBlinkLeft: 0.3 })]);
    expect(smoothClip(flat, { radius: 2 }).keys.map((k) => k.expression.arkit[at('eyeBlinkLeft')])).toEqual([0.3, 0.3, 0.3].map(Math.fround));
    expect(smoothClip(clip(), { radius: 0 }).keys.map((k) => Array.from(k.expression.arkit))).toEqual(clip().keys.map((k) => Array.from(k.expression.arkit)));
  });

  it('drops and retimes keys, keeping order and a start at 0', () => {
    const dropped = dropKey(clip(), 0);
    expect(dropped.keys.map((k) => [k.expression.name, k.time])).toEqual([['b', 0], ['c', 0.5], ['d', 1]]);
    expect(retimeKey(clip(), 1, 0.8).keys.map((k) => k.time)).toEqual([0, 0.8, 1, 1.5]);
    expect(() => retimeKey(clip(), 1, 1.2)).toThrow(/between its neighbours/);
    expect(() => dropKey(clip(), 7)).toThrow(/keys 0…3, not 7/);
    expect(applyClipEdit(clip(), { op: 'respace', fps: 10 }).keys.map((k) => k.time)).toEqual([0, 0.1, 0.2, 0.3]);
  });

  it('round-trips through its stored JSON within 1e-6', () => {
    const c = smoothClip(clipFromRecords('eyes', [record('a', { jawOpen: 0.123456789 }, 0.05, true), record('b', {}, 0, true)]));
    const back = clipKeysFromJson(clipKeysToJson(c.keys), { name: c.name, fps: c.fps });
    back.keys.forEach((k, i) => {
      expect(k.time).toBe(c.keys[i]!.time);
      k.expression.arkit.forEach((w, n) => expect(Math.abs(w - c.keys[i]!.expression.arkit[n]!)).toBeLessThan(1e-6));
      for (const side of ["left", "right"] as const) k.expression.eyePose![side].forEach((v, a) => expect(v).toBeCloseTo(c.keys[i]!.expression.eyePose![side][a]!, 6));
    });
    expect(() => clipKeysFromJson('[{"t":0,"w":[1,2]}]', { name: 'x', fps: 2 })).toThrow(/52 numbers/);
    expect(() => clipKeysFromJson('{', { name: 'x', fps: 2 })).toThrow(/not JSON/);
  });
});

describe('clip → export animation', () => {
  const ict = exportShapes(['jawOpen', 'mouthSmile_L', 'browInnerUp_L', 'browInnerUp_R', 'eyeBlink_L'], 5);

  it('drives ARKit-named shapes by name (split halves are one shape) and the jaw and eyes as quaternions', () => {
    const c = clipFromRecords('t', [record('a', { jawOpen: 0.7, browInnerUp: 0.4 }, 0.3, true), record('b', { mouthSmileLeft: 0.9 }, 0, true)]);
    const anim = clipAnimation(c, ict);
    expect(Array.from(anim.times)).toEqual([0, 0.5]);
    expect(Object.keys(anim.morphWeights).sort()).toEqual(['browInnerUp', 'eyeBlinkLeft', 'jawOpen', 'mouthSmileLeft']);
    expect(anim.morphWeights.jawOpen![0]).toBeCloseTo(0.7, 6);
    expect(anim.morphWeights.browInnerUp![0]).toBeCloseTo(0.4, 6);
    expect(anim.morphWeights.mouthSmileLeft![1]).toBeCloseTo(0.9, 6);
    expect(Array.from(anim.jointRotations.jaw!.subarray(0, 4))).toEqual(axisAngleToQuaternion([0.3, 0, 0]).map(Math.fround));
    expect(anim.jointRotations.jaw![0]).toBeCloseTo(Math.sin(0.15), 6);
    expect(anim.jointRotations.eye_L![1]).toBeCloseTo(Math.sin(0.05), 6);
  });

  it('needs a retargeting for PCA packs (an error, not a silent wrong result), and uses it when given', () => {
    const flame = exportShapes([], 3);
    const c = clipFromRecords('t', [record('a', { jawOpen: 1 }, 0.2)]);
    expect(() => clipAnimation(c, flame)).toThrow(/needs arkitToPack/);
    const pose = expressionPose(c.keys[0]!.expression, flame, { retarget: (r) => ({ expression: [r.arkit[at('jawOpen')]! * 2, -1, 0], jaw: [0.25, 0, 0] }) });
    expect([...pose.morphs]).toEqual([['exp_00', 2], ['exp_01', -1], ['exp_02', 0]]);
    expect(pose.joints.get('jaw')![0]).toBeCloseTo(Math.sin(0.125), 9);
  });
});

describe('ARKit CSV (Live Link Face layout)', () => {
  it('writes the header, 52 shapes (a permutation of ARKit names) and 9 rotations, one row per frame', () => {
    expect(new Set(LIVE_LINK_FACE_BLENDSHAPES.map((n) => n.toLowerCase()))).toEqual(new Set(ARKIT_BLENDSHAPES.map((n) => n.toLowerCase())));
    const csv = arkitCsv(clip());
    const lines = csv.split('\r\n');
    expect(lines.pop()).toBe('');
    expect(lines[0]).toBe(ARKIT_CSV_HEADER);
    expect(lines[0]!.split(',')).toHaveLength(2 + 52 + 9);
    expect(lines[0]!.startsWith('Timecode,BlendShapeCount,EyeBlinkLeft,EyeLookDownLeft,')).toBe(true);
    expect(lines[0]!.endsWith(',TongueOut,HeadYaw,HeadPitch,HeadRoll,LeftEyeYaw,LeftEyePitch,LeftEyeRoll,RightEyeYaw,RightEyePitch,RightEyeRoll')).toBe(true);
    expect(lines).toHaveLength(1 + 4); // 1.5 s at 2 fps: frames at 0, 0.5, 1, 1.5
    const cols = lines[0]!.split(',');
    const row = lines[2]!.split(',');
    expect(row[0]).toBe('00:00:00:01.000');
    expect(row[1]).toBe('61');
    expect(Number(row[cols.indexOf('JawOpen')])).toBe(1);
    expect(Number(row[cols.indexOf('MouthSmileLeft')])).toBe(0.5);
    // At 4 fps the frames between keys are the blend.
    const fine = arkitCsv({ ...clip(), fps: 4 }).split('\r\n');
    expect(fine).toHaveLength(1 + 7 + 1);
    expect(Number(fine[2]!.split(',')[cols.indexOf('JawOpen')])).toBe(0.5);
  });

  it('writes Live Link timecodes HH:MM:SS:FF.mmm', () => {
    expect(liveLinkTimecode(0, 30)).toBe('00:00:00:00.000');
    expect(liveLinkTimecode(65, 30)).toBe('00:00:02:05.000');
    expect(liveLinkTimecode(60 * 60 * 60 + 59, 60)).toBe('01:00:00:59.000');
    expect(liveLinkTimecode(1, 29.97)).toBe('00:00:00:01.000');
  });
});
