import { describe, expect, it } from 'vitest';
import { ARKIT_BLENDSHAPES } from '../../../core/expression/arkit-names';
import type { ExpressionClip } from '../../../core/expression/expression-clip';
import type { ExpressionRecord } from '../../../core/expression/expression-record';
import type { PhotoExpression, PhotoExpressionSource } from '../../../main/expression/photo-expression-source';
import { SubjectNeutrals } from '../../../main/expression/subject-neutrals';
import type { Project } from '../../../main/project/project';

const at = (name: (typeof ARKIT_BLENDSHAPES)[number]) => ARKIT_BLENDSHAPES.indexOf(name);

/**
 * Two people on ICT-FaceKit: Bob (photos 1–6, every fit with mouthPucker 0.3, three of them
 * smiling) and Ann (photos 11–14, every fit with jawForward 0.2); Cy (photo 21) has one photo.
 */
function fixture() {
  const photos = new Map<number, number>();
  const records: PhotoExpression[] = [];
  const add = (subjectId: number, photoId: number, set: Partial<Record<(typeof ARKIT_BLENDSHAPES)[number], number>>, packId = 'ict-facekit') => {
    photos.set(photoId, subjectId);
    const arkit = new Float32Array(ARKIT_BLENDSHAPES.length);
    for (const [k, v] of Object.entries(set)) arkit[at(k as (typeof ARKIT_BLENDSHAPES)[number])] = v!;
    records.push({ name: `photo ${photoId}`, arkit, jawPose: [0, 0, 0], eyePose: null, source: { photoId, packId }, photoId, subjectId, subjectName: `s${subjectId}`, fileName: `${photoId}.jpg` });
  };
  for (let i = 0; i < 3; i++) add(1, 1 + i, { mouthPucker: 0.3 });
  for (let i = 0; i < 3; i++) add(1, 4 + i, { mouthPucker: 0.3, mouthSmileLeft: 0.8, mouthSmileRight: 0.8 });
  for (let i = 0; i < 4; i++) add(2, 11 + i, { jawForward: 0.2 });
  add(3, 21, { mouthSmileLeft: 0.9 });
  // Bob also fitted on the starter head: a pack's neutral comes from that pack's records only.
  for (let i = 0; i < 4; i++) add(1, 31 + i, { cheekPuff: 0.5 }, 'starter-head');
  const calls: string[] = [];
  const source: PhotoExpressionSource = async (_, o) => {
    calls.push(`${o.subjectId}/${o.packId}`);
    return records.filter((r) => r.subjectId === o.subjectId && (!o.packId || r.source!.packId === o.packId));
  };
  const project = { library: { reads: { getPhoto: (id: number) => (photos.has(id) ? { id, subjectId: photos.get(id)! } : undefined) } } } as unknown as Project;
  return { neutrals: new SubjectNeutrals(project, source), records, calls };
}

describe('SubjectNeutrals: records onto a subject’s head', () => {
  it("plays Bob's smile on Ann's neutral without Bob's pucker, and Bob's own photos on Bob unchanged", async () => {
    const { neutrals, records, calls } = fixture();
    const smile = records.find((r) => r.photoId === 4)!;
    const [onAnn] = await neutrals.onto([smile], { subjectId: 2, packId: 'ict-facekit' });
    expect(onAnn!.arkit[at('mouthPucker')]).toBeCloseTo(0, 6);
    expect(onAnn!.arkit[at('jawForward')]).toBeCloseTo(0.2, 6);
    expect(onAnn!.arkit[at('mouthSmileLeft')]).toBeCloseTo(0.8, 6);
    const [onBob] = await neutrals.onto([smile], { subjectId: 1, packId: 'ict-facekit' });
    expect(onBob).toBe(smile);
    // Bob's neutral on the starter head is its own (cheekPuff), not ICT-FaceKit's (mouthPucker).
    const onStarter = await neutrals.of(1, 'starter-head');
    expect(onStarter![at('cheekPuff')]).toBeCloseTo(0.5, 6);
    expect(onStarter![at('mouthPucker')]).toBe(0);
    // Solved once per subject and pack.
    await neutrals.of(2, 'ict-facekit');
    expect(calls.sort()).toEqual(['1/ict-facekit', '1/starter-head', '2/ict-facekit']);
  });

  it('adds the neutral to a record made by hand; a person with one photo has none', async () => {
    const { neutrals, records } = fixture();
    const byHand: ExpressionRecord = { name: 'hand', arkit: new Float32Array(ARKIT_BLENDSHAPES.length), jawPose: [0.1, 0, 0], eyePose: null, source: null };
    byHand.arkit[at('browInnerUp')] = 0.5;
    const [onAnn] = await neutrals.onto([byHand], { subjectId: 2, packId: 'ict-facekit' });
    expect(onAnn!.arkit[at('browInnerUp')]).toBeCloseTo(0.5, 6);
    expect(onAnn!.arkit[at('jawForward')]).toBeCloseTo(0.2, 6);
    expect(onAnn!.jawPose).toEqual([0.1, 0, 0]);
    expect(await neutrals.of(3, 'ict-facekit')).toBeNull();
    // Cy's one smiling photo onto Cy (no neutral): unchanged; onto Bob: over Bob's pucker.
    const cy = records.find((r) => r.photoId === 21)!;
    expect((await neutrals.onto([cy], { subjectId: 3, packId: 'ict-facekit' }))[0]).toBe(cy);
    const [onBob] = await neutrals.onto([cy], { subjectId: 1, packId: 'ict-facekit' });
    expect(onBob!.arkit[at('mouthPucker')]).toBeCloseTo(0.3, 6);
    expect(onBob!.arkit[at('mouthSmileLeft')]).toBeCloseTo(0.9, 6);
    // A record whose photo is gone counts as made by hand.
    expect(await neutrals.ofRecord({ source: { photoId: 999, packId: 'ict-facekit' } })).toBeNull();
  });

  it('carries every key of a clip, times and sources kept', async () => {
    const { neutrals, records } = fixture();
    const clip: ExpressionClip = { name: 'c', fps: 2, keys: [records[0]!, records[4]!, records[6]!].map((expression, i) => ({ time: i / 2, expression })) };
    const played = await neutrals.clipOnto(clip, { subjectId: 2, packId: 'ict-facekit' });
    expect(played.keys.map((k) => k.time)).toEqual([0, 0.5, 1]);
    expect(played.keys.map((k) => k.expression.source)).toEqual(clip.keys.map((k) => k.expression.source));
    expect(played.keys.map((k) => k.expression.arkit[at('mouthPucker')])).toEqual([0, 0, 0]);
    expect(played.keys[1]!.expression.arkit[at('mouthSmileLeft')]).toBeCloseTo(0.8, 6);
    expect(played.keys[2]!.expression).toBe(records[6]); // Ann's own photo
  });
});
