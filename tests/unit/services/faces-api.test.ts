import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiHandlers } from '../../../core/api/contract';
import type { FaceResult } from '../../../core/perception/face-analysis';
import { faceToJson } from '../../../core/perception/face-json';
import { dispatch } from '../../../main/services/dispatch';
import type { Studio } from '../../../main/services/studio';
import { SHARED_PHOTOS } from '../../helpers/temp-dir';
import { addSubject, openTestStudio, type TestStudio } from '../../helpers/test-studio';

let t: TestStudio;
let studio: Studio;
let api: ApiHandlers;
let photoId: number;

const face = (x: number, status: FaceResult['status']): FaceResult => ({
  box: [x, 10, 100, 120],
  score: 0.9,
  status,
  landmarks68: status === 'ok' ? Array.from({ length: 68 }, (_, i) => [x + i, 50] as [number, number]) : null,
  mesh468: null,
  pose: status === 'ok' ? { yaw: 3, pitch: 1, roll: 0 } : null,
  embedding: status === 'ok' ? Array.from({ length: 128 }, () => 0.1) : null,
  decaCrop: null,
  detectorYaw: 0,
});

beforeEach(async () => {
  t = await openTestStudio('deca-faces-api-');
  ({ studio, api } = t);
  photoId = (await addSubject(studio, 'Two people', [path.join(SHARED_PHOTOS, 'london_frl/p021/021_03_neutral_front.jpg')])).photoIds[0]!;
});
afterEach(() => t.dispose());

describe('face analysis API', () => {
  it('answers null before analysis, then the faces without embeddings', async () => {
    expect(await api['photos.faces']({ photoId })).toBeNull();
    studio.requireProject().library.faces.save(photoId, [face(10, 'ok'), face(300, 'profile'), face(600, 'ok')].map(faceToJson), 0, 'test');
    const faces = await api['photos.faces']({ photoId });
    expect(faces).toMatchObject({ photoId, selectedFace: 0 });
    expect(faces!.faces.map((f) => f.status)).toEqual(['ok', 'profile', 'ok']);
    expect(Object.keys(faces!.faces[0]!).sort()).toEqual(['box', 'landmarks68', 'mesh468', 'pose', 'score', 'status']);
    expect(studio.requireProject().library.reads.getPhoto(photoId)!.status).toBe('analyzed');
  });

  it('lets the user pick another usable face, and refuses unusable or missing ones', async () => {
    studio.requireProject().library.faces.save(photoId, [face(10, 'ok'), face(300, 'profile'), face(600, 'ok')].map(faceToJson), 0, 'test');
    expect(await api['photos.selectFace']({ photoId, face: 2 })).toMatchObject({ selectedFace: 2 });
    expect((await api['photos.faces']({ photoId }))!.selectedFace).toBe(2);
    expect(await dispatch(api, 'photos.selectFace', { photoId, face: 1 })).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/cannot be used: profile/) } });
    expect(await dispatch(api, 'photos.selectFace', { photoId, face: 7 })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/no face 7/) } });
    expect(await dispatch(api, 'photos.selectFace', { photoId: 999, face: 0 })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await dispatch(api, 'photos.selectFace', { photoId, face: -1 })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });

  it('serves the 898 triangles of the 468-point mesh for the wireframe', async () => {
    const tris = await api['perception.meshTriangles']({});
    expect(tris).toHaveLength(898 * 3);
    expect(Math.max(...tris)).toBe(467);
  });
});
