import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiHandlers, ExpressionView } from '../../../core/api/contract';
import { ARKIT_BLENDSHAPES } from '../../../core/expression/arkit-names';
import { arkitToPack } from '../../../core/expression/arkit-to-pack';
import type { HeadModel } from '../../../core/head-model/head-model';
import { dispatch } from '../../../main/services/dispatch';
import type { Studio } from '../../../main/services/studio';
import { openStudioWithAnn, storeOnePhotoFit, type StudioWithAnn } from '../../helpers/test-studio';

let t: StudioWithAnn;
let studio: Studio;
let api: ApiHandlers;
let photoId: number;
let subjectId: number;

const at = (n: string) => ARKIT_BLENDSHAPES.indexOf(n as (typeof ARKIT_BLENDSHAPES)[number]);
const weights = (named: Record<string, number>) => {
  const w = new Float32Array(52);
  for (const [n, v] of Object.entries(named)) w[at(n)] = v;
  return w;
};

/** Stores a reconstruction of the photo on a pack whose fit is the given ARKit expression put on that pack. */
const storeFit = (model: HeadModel, expression: Float64Array) => storeOnePhotoFit(studio, { subjectId, photoId, model, expression });

beforeEach(async () => {
  t = await openStudioWithAnn('deca-expressions-api-');
  ({ studio, api, subjectId, photoId } = t);
});
afterEach(() => t.dispose());

describe('expressions API', () => {
  it("lists a fitted photo's ARKit weights (solved in the workers) and saved expressions; saves and deletes by name and id", async () => {
    expect(await api['expressions.list']({})).toEqual([]);
    const starter = (await studio.models.pack('starter-head')).model;
    storeFit(starter, arkitToPack({ arkit: weights({ mouthSmileLeft: 0.8, mouthSmileRight: 0.8, jawOpen: 0.3 }) }, starter).expression);
    const listed = await api['expressions.list']({ subjectId });
    expect(listed).toHaveLength(1);
    const photo = listed[0]!;
    // The fitted jaw (0.02 rad) is in the weights; the record keys the joint at rest (#12).
    expect(photo).toMatchObject({ kind: 'photo', id: null, name: '002_08_smiling_front.jpg', jawPose: [0, 0, 0], eyePose: null, source: { photoId, packId: 'starter-head' }, subject: { id: subjectId, name: 'Ann' } });
    // No ICT-FaceKit installed here: the starter head's own ARKit shapes give the weights back.
    expect(photo.arkit[at('mouthSmileLeft')]).toBeGreaterThan(0.6);
    expect(photo.arkit[at('mouthSmileRight')]).toBeGreaterThan(0.6);
    expect(photo.arkit[at('jawOpen')]).toBeGreaterThan(0.25);
    expect(photo.arkit[at('eyeBlinkLeft')]).toBeLessThan(0.05);

    const saved = await dispatch(api, 'expressions.save', { name: 'Ann smiling', arkit: photo.arkit, jawPose: photo.jawPose, sourcePhotoId: photoId });
    expect(saved).toMatchObject({ ok: true, value: { kind: 'saved', name: 'Ann smiling', source: { photoId, packId: 'starter-head' }, subject: null } });
    const id = (saved as { value: ExpressionView }).value.id!;
    const hand = await api['expressions.save']({ name: 'wink', arkit: Array.from(weights({ eyeBlinkLeft: 1 })), jawPose: [0, 0, 0], eyePose: { left: [0, 0.1, 0], right: [0, 0.1, 0] } });
    expect(hand).toMatchObject({ kind: 'saved', source: null, eyePose: { left: [0, 0.1, 0] } });
    expect((await api['expressions.list']({})).map((e) => `${e.kind}:${e.name}`)).toEqual(['photo:002_08_smiling_front.jpg', 'saved:Ann smiling', 'saved:wink']);

    // Validated and checked: names are unique, weights 52 within 0…1, the jaw three angles.
    expect(await dispatch(api, 'expressions.save', { name: 'wink', arkit: Array(52).fill(0), jawPose: [0, 0, 0] })).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/already exists/) } });
    expect(await dispatch(api, 'expressions.save', { name: 'x', arkit: Array(51).fill(0), jawPose: [0, 0, 0] })).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/arkit: must be an array of 52 numbers/) } });
    expect(await dispatch(api, 'expressions.save', { name: 'x', arkit: [1.5, ...Array(51).fill(0)], jawPose: [0, 0, 0] })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/arkit\[0\]: must be a weight from 0 to 1/) } });
    expect(await dispatch(api, 'expressions.save', { name: 'x', arkit: Array(52).fill(0), jawPose: [0, 'a', 0] })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/jawPose\[1\]/) } });
    expect(await dispatch(api, 'expressions.save', { name: ' ', arkit: Array(52).fill(0), jawPose: [0, 0, 0] })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await dispatch(api, 'expressions.save', { name: 'x', arkit: Array(52).fill(0), jawPose: [0, 0, 0], sourcePhotoId: 999 })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await dispatch(api, 'expressions.list', { subjectId: 999 })).toMatchObject({ ok: false, error: { code: 'not-found' } });

    expect(await api['expressions.delete']({ id })).toBeNull();
    expect(await dispatch(api, 'expressions.delete', { id })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect((await api['expressions.list']({})).map((e) => e.name)).toEqual(['002_08_smiling_front.jpg', 'wink']);
  });

  it('says what is missing for a pack without ARKit names when ICT-FaceKit is not installed', async () => {
    // A FLAME-like pack: the starter head's expression modes without names.
    const starter = (await studio.models.pack('starter-head')).model;
    const pca: HeadModel = { ...starter, id: 'pca-test', expression: { ...starter.expression, names: [] } };
    await studio.packs.save(pca);
    storeFit(pca, new Float64Array(pca.expression.count).fill(0.1));
    expect(await dispatch(api, 'expressions.list', {})).toMatchObject({
      ok: false,
      error: { code: 'not-found', message: expect.stringMatching(/"pca-test" has no ARKit-named shapes.*no ICT-FaceKit pack is installed: deca-studio packs import/) },
    });
  });
});
