import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiHandlers } from '../../../core/api/contract';
import { validateRequest } from '../../../core/api/validate-request';
import type { FaceJson } from '../../../core/perception/face-json';
import type { DetailSolveResult } from '../../../main/compute/compute-tasks';
import { DETAIL_VERSION, detailMapsOf, type DetailMeta } from '../../../main/detail/stored-detail';
import { resolveMedia } from '../../../main/services/media-service';
import type { Studio } from '../../../main/services/studio';
import { SHARED_PHOTOS } from '../../helpers/temp-dir';
import { addSubject, openTestStudio, type TestStudio } from '../../helpers/test-studio';

// The review's per-photo states and reasons, read from stored rows (no fitting runs): fitted with
// its errors, rejected for no face / a profile face / a failed fit, analysed but not in the
// reconstruction, not analysed; per pack; the swap's controls; and the swap API's argument checks.

let t: TestStudio;
let studio: Studio;
let api: ApiHandlers;
let ann: number;
let bob: number;
let ids: number[];
let bobIds: number[];

const P021 = path.join(SHARED_PHOTOS, 'london_frl/p021');
const P025 = path.join(SHARED_PHOTOS, 'london_frl/p025');

const face = (status: FaceJson['status']): FaceJson => ({
  box: [400, 300, 500, 600],
  score: 0.9,
  status,
  landmarks68: status === 'ok' ? Array.from({ length: 68 }, (_, i) => [500 + i, 500 + (i % 7)]) : null,
  mesh468: null,
  pose: { yaw: status === 'profile' ? 85 : 5, pitch: 0, roll: 0 },
  embedding: null,
  decaCrop: null,
  detectorYaw: 0,
});

const fitValues = { camera: { scale: 2000, tx: 600, ty: 600 }, rotation: [0, 0, 0], jaw: [0, 0, 0], expression: [0, 0, 0, 0] };

function save(subjectId: number, packId: string, fits: { photoId: number; nme: number }[], jobId: number | null = null): number {
  return studio.requireProject().library.reconstructions.save(
    { subjectId, packId, packHash: '', fitter: 'test', options: {}, shape: [0, 0], photoIds: fits.map((f) => f.photoId), stages: [], jobId },
    fits.map((f) => ({ photoId: f.photoId, faceIndex: 0, fit: fitValues, metrics: { nme: f.nme, nmeSingle: f.nme, secondsPerPhoto: 1, photometricRms: 0.04, identityDistance: 0.5 } })),
  );
}

function putDetail(reconstructionId: number): void {
  const N = 8;
  const result = { mask: new Uint8Array(N * N).fill(1), consensus: new Float32Array(N * N), wrinkles: [], evidence: [], groups: [] } as unknown as DetailSolveResult;
  const meta: DetailMeta = { version: DETAIL_VERSION, size: N, groups: [], evidence: [], codes: {}, subjectCode: [0], codeLength: 1, iterations: 1, seconds: 1 };
  for (const m of detailMapsOf(result, meta)) studio.requireProject().library.maps.put({ ...m, reconstructionId });
}

beforeAll(async () => {
  t = await openTestStudio('deca-subject-review-');
  ({ studio, api } = t);
  const library = studio.requireProject().library;
  const files = ['021_03_neutral_front.jpg', '021_08_smiling_front.jpg', '021_01_neutral_left_profile.jpg', '021_02_neutral_left_3quarter.jpg', '021_04_neutral_right_3quarter.jpg', '021_05_neutral_right_profile.jpg'];
  ({ subjectId: ann, photoIds: ids } = await addSubject(studio, 'Ann', files.map((f) => path.join(P021, f))));
  ({ subjectId: bob, photoIds: bobIds } = await addSubject(studio, 'Bob', [path.join(P025, '025_03_neutral_front.jpg')]));
  expect(ids).toHaveLength(6);
  // 0, 1: fitted; 2: a profile whose silhouette was not read (and no pins); 3: no face at all; 4: a usable face whose fit failed in the job; 5: not analysed.
  library.faces.save(ids[0]!, [face('ok')], 0, 'test');
  library.faces.save(ids[1]!, [face('ok')], 0, 'test');
  library.faces.save(ids[2]!, [face('profile')], null, 'test');
  library.faces.save(ids[3]!, [], null, 'test');
  library.faces.save(ids[4]!, [face('ok')], 0, 'test');
  const job = library.writes.createJob('reconstruct', {}, ann);
  library.writes.addJobItem(job, { kind: 'photo', name: '021_02', outcome: 'failed', subjectId: ann, photoId: ids[4]!, code: 'fit-failed', message: 'did not converge', seconds: null }, 1);
  putDetail(save(ann, 'starter-head', [{ photoId: ids[0]!, nme: 0.031 }, { photoId: ids[1]!, nme: 0.027 }], job));
  // Newer, on another pack, with one photo and no detail.
  save(ann, 'ict-facekit', [{ photoId: ids[0]!, nme: 0.019 }]);
  putDetail(save(bob, 'starter-head', [{ photoId: bobIds[0]!, nme: 0.02 }]));
}, 60_000);

afterAll(() => t?.dispose());

describe('subject review', () => {
  it('gives each photo its state, its reason when not fitted, and its errors when fitted', async () => {
    const r = await api['subjects.review']({ subjectId: ann, packId: 'starter-head' });
    expect(r).toMatchObject({ subjectId: ann, packId: 'starter-head', hasDetail: true });
    expect(r.photos.map((p) => [p.photoId, p.state, p.reason, p.nme])).toEqual([
      [ids[0], 'fitted', null, 0.031],
      [ids[1], 'fitted', null, 0.027],
      [ids[2], 'rejected', 'a profile whose silhouette could not be read: pin it (3 or more pins) to fit it', null],
      [ids[3], 'rejected', 'no face found', null],
      [ids[4], 'rejected', 'the fit failed: did not converge', null],
      [ids[5], 'imported', null, null],
    ]);
    expect(r.photos[0]).toMatchObject({ photometricRms: 0.04, identityDistance: 0.5 });
    // Bob's photo, fitted with detail on the same pack: the swap's control.
    expect(r.controls).toEqual([{ photoId: bobIds[0], subjectId: bob, subjectName: 'Bob', originalName: '025_03_neutral_front.jpg' }]);
  });

  it('reviews the newest pack by default, and another when asked', async () => {
    const newest = await api['subjects.review']({ subjectId: ann });
    expect(newest).toMatchObject({ packId: 'ict-facekit', hasDetail: false, controls: [] });
    expect(newest.photos.map((p) => p.state)).toEqual(['fitted', 'analysed', 'rejected', 'rejected', 'analysed', 'imported']);
    expect(newest.photos[1]!.reason).toMatch(/not in the ict-facekit reconstruction/);
    // The failed fit belongs to the starter-head job: on ICT that photo is just not fitted yet.
    expect(newest.photos[4]!.reason).toMatch(/not in the ict-facekit reconstruction/);
    const none = await api['subjects.review']({ subjectId: bob, packId: 'ict-facekit' });
    expect(none).toMatchObject({ packId: null, reconstructionId: null, hasDetail: false });
    expect(none.photos.map((p) => p.state)).toEqual(['imported']);
    await expect(api['subjects.review']({ subjectId: 999 })).rejects.toThrow(/No subject with id 999/);
  });

  it('says how a profile left out of an encoder-started reconstruction would be fitted: its silhouette or its pins', async () => {
    const library = studio.requireProject().library;
    const cy = library.writes.createSubject('Cy');
    const files = ['021_03_neutral_front.jpg', '021_05_neutral_right_profile.jpg', '021_01_neutral_left_profile.jpg'];
    await studio.jobs.whenDone(studio.startImport(cy, files.map((f) => path.join(P021, f)), []));
    const [front, read, pinned] = library.reads.listPhotos(cy).map((p) => p.id) as [number, number, number];
    library.faces.save(front, [face('ok')], 0, 'test');
    library.faces.save(read, [{ ...face('profile'), profile: { points: [[27, 900, 600], [30, 980, 760], [8, 880, 1000]], eyeDistancePx: 120 } }], null, 'test');
    library.faces.save(pinned, [face('profile')], null, 'test');
    await api['pins.set']({ photoId: pinned, pins: [{ landmark: 30, x: 380, y: 720 }, { landmark: 33, x: 420, y: 770 }, { landmark: 8, x: 510, y: 960 }] });
    const project = studio.requireProject();
    project.library.reconstructions.save(
      { subjectId: cy, packId: 'starter-head', packHash: '', fitter: 'test', options: { init: 'encoder' }, shape: [0, 0], photoIds: [front], stages: [], jobId: null },
      [{ photoId: front, faceIndex: 0, fit: fitValues, metrics: { nme: 0.03, nmeSingle: 0.03, secondsPerPhoto: 1 } }],
    );
    const r = await api['subjects.review']({ subjectId: cy, packId: 'starter-head' });
    expect(r.photos.map((p) => [p.state, p.reason])).toEqual([
      ['fitted', null],
      ['analysed', 'a profile whose silhouette was read, left out of the starter-head reconstruction: its DECA encoder start needs frontal faces (reconstruct with --init landmarks to fit it)'],
      ['analysed', 'a profile with 3 or more pins, left out of the starter-head reconstruction: its DECA encoder start needs frontal faces (reconstruct with --init landmarks to fit it)'],
    ]);
  });

  it('checks the swap’s arguments and says why a swap cannot run', async () => {
    expect(() => validateRequest('detail.swap', { photoId: 1 })).toThrow(/fromPhotoId: is required/);
    expect(() => validateRequest('detail.swap', { photoId: 1, fromPhotoId: 0 })).toThrow(/must be a positive integer id/);
    expect(() => validateRequest('detail.swap', { photoId: 1, fromPhotoId: 2, packId: '../x' })).toThrow(/must be a pack id/);
    expect(() => validateRequest('subjects.review', { subjectId: 1, extra: true })).toThrow(/unknown field "extra"/);
    await expect(api['detail.swap']({ photoId: 999, fromPhotoId: ids[0]! })).rejects.toThrow(/No photo with id 999/);
    await expect(api['detail.swap']({ photoId: ids[2]!, fromPhotoId: ids[0]! })).rejects.toThrow(/has no reconstruction/);
    await expect(api['detail.swap']({ photoId: ids[0]!, fromPhotoId: ids[1]!, packId: 'ict-facekit' })).rejects.toThrow(/no detail layer/);
    await expect(api['detail.swap']({ photoId: ids[0]!, fromPhotoId: ids[3]!, packId: 'starter-head' })).rejects.toThrow(/Photo \d+ has no reconstruction on starter-head/);
    // The media route answers 404 with the same reasons, and for malformed ids.
    const media = (id: string, q: string) => resolveMedia(studio, 'swap', id, new URLSearchParams(q));
    expect(await media(String(ids[0]), '')).toMatchObject({ ok: false, status: 404 });
    expect(await media('x', `from=${ids[1]}`)).toMatchObject({ ok: false, status: 404 });
    expect(await media(String(ids[0]), `from=${ids[1]}&pack=..%2F`)).toMatchObject({ ok: false, status: 404 });
    expect(await media(String(ids[0]), `from=${ids[1]}&pack=ict-facekit`)).toMatchObject({ ok: false, status: 404, message: expect.stringMatching(/no detail layer/) });
  });
});
