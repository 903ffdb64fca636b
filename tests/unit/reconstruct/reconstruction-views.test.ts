import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiHandlers, ReconstructedHeadMesh } from '../../../core/api/contract';
import { validateRequest } from '../../../core/api/validate-request';
import { buildExportHead } from '../../../core/export/export-head';
import { vertexTangents } from '../../../core/export/vertex-tangents';
import type { HeadModel } from '../../../core/head-model/head-model';
import { HeadModelEvaluator } from '../../../core/head-model/head-model-evaluator';
import { syntheticHeadModel } from '../../../core/head-model/synthetic-head-model';
import { rotationMatrix } from '../../../core/geometry/ortho-camera';
import { poseHead } from '../../../core/geometry/pose-head';
import type { DetailSolveResult } from '../../../main/compute/compute-tasks';
import { DETAIL_VERSION, detailMapsOf, type DetailMeta } from '../../../main/detail/stored-detail';
import type { PhotoFitMetrics, PhotoFitValues } from '../../../main/library/reconstructions-table';
import { DETAIL_NORMAL_SIZE, reconstructionView } from '../../../main/reconstruct/reconstruction-views';
import { resolveMedia } from '../../../main/services/media-service';
import { dispatch } from '../../../main/services/dispatch';
import type { Studio } from '../../../main/services/studio';
import { SHARED_PHOTOS } from '../../helpers/temp-dir';
import { addSubject, openTestStudio, type TestStudio } from '../../helpers/test-studio';

// The 3D views' and the viewer's data from stored reconstructions, on small synthetic packs so that
// no fitting runs: what the handlers answer is checked against the head model evaluated directly.

let t: TestStudio;
let studio: Studio;
let api: ApiHandlers;
let subjectId: number;
let emptySubjectId: number;
let photoIds: number[];
let textured: HeadModel;
let plain: HeadModel;

const P021 = path.join(SHARED_PHOTOS, 'london_frl/p021');

/** A synthetic head with a per-corner UV layout (every corner its own coordinate, as UV seams need) and a see-through overlay. */
function texturedModel(): HeadModel {
  const m = syntheticHeadModel({ vertices: 600, shapeCount: 6, expressionCount: 4, seed: 3 });
  const corners = m.triangles.length;
  const coords = new Float32Array(corners * 2);
  for (let c = 0; c < corners; c++) (coords[c * 2] = (c % 97) / 96), (coords[c * 2 + 1] = (c % 89) / 88);
  return { ...m, id: 'synth-uv', uv: { coords, triangles: Uint32Array.from({ length: corners }, (_, c) => c) }, regions: { ...m.regions, overlays: Uint32Array.of(0, 1, 2) } };
}

const shapeOf = (model: HeadModel) => Array.from({ length: model.shape.count }, (_, i) => (i % 2 ? -1 : 1) * (1.5 - i * 0.2));

function parameters(model: HeadModel, _photos: number[], fit: { rotation: number[]; jaw: number[]; expression: number[] }): PhotoFitValues & { shape: number[] } {
  return { shape: shapeOf(model), camera: { scale: 2000, tx: 600, ty: 600 }, ...fit };
}

/** Stores a subject reconstruction the way the pipeline does (no fitting runs here). */
function saveReconstruction(model: HeadModel, fits: { photoId: number; fit: PhotoFitValues; metrics: PhotoFitMetrics }[]): number {
  return studio.requireProject().library.reconstructions.save(
    { subjectId, packId: model.id, packHash: '', fitter: 'test', options: {}, shape: shapeOf(model), photoIds: fits.map((f) => f.photoId), stages: [], jobId: null },
    fits.map((f) => ({ ...f, faceIndex: 0 })),
  );
}

let texturedRec = 0;

const metrics = (extra: Partial<PhotoFitMetrics> = {}): PhotoFitMetrics => ({ nme: 0.03, nmeSingle: 0.025, secondsPerPhoto: 1, ...extra });
const f32 = (b64: string) => new Float32Array(Uint8Array.from(Buffer.from(b64, 'base64')).buffer);

/** The model's vertices laid out per triangle corner (opaque triangles only), as the 3D view draws them. */
function perCorner(model: HeadModel, vertices: ArrayLike<number>): Float32Array {
  const hidden = new Set(model.regions.overlays ?? []);
  const out: number[] = [];
  for (let t = 0; t < model.triangles.length / 3; t++) {
    const tri = [0, 1, 2].map((c) => model.triangles[t * 3 + c]!);
    if (tri.some((v) => hidden.has(v))) continue;
    for (const v of tri) out.push(vertices[v * 3]!, vertices[v * 3 + 1]!, vertices[v * 3 + 2]!);
  }
  return Float32Array.from(out);
}

const maxDifference = (a: Float32Array, b: Float32Array) => a.reduce((m, x, k) => Math.max(m, Math.abs(x - b[k]!)), 0);

beforeAll(async () => {
  t = await openTestStudio('deca-reconstruction-views-');
  ({ studio, api } = t);
  textured = texturedModel();
  plain = { ...syntheticHeadModel({ vertices: 400, shapeCount: 6, expressionCount: 4, seed: 4 }), id: 'synth-plain' };
  await studio.packs.save(textured);
  await studio.packs.save(plain);
  const files = ['021_03_neutral_front.jpg', '021_08_smiling_front.jpg', '021_02_neutral_left_3quarter.jpg'].map((f) => path.join(P021, f));
  ({ subjectId, photoIds } = await addSubject(studio, 'Ann', files));
  emptySubjectId = (await addSubject(studio, 'Nobody yet', [])).subjectId;
  expect(photoIds).toHaveLength(3);
  const jaw = [0.25, 0, 0];
  const expression = [0.8, -0.5, 0.3, 0];
  // Photos 0 and 1 wear the same expression and jaw with different head turns; photo 2 is neutral.
  texturedRec = saveReconstruction(textured, [
    { photoId: photoIds[0]!, fit: parameters(textured, photoIds, { rotation: [0, 0, 0], jaw, expression }), metrics: metrics({ photometricRms: 0.031, identityDistance: 0.42 }) },
    { photoId: photoIds[1]!, fit: parameters(textured, photoIds, { rotation: [0.1, 0.6, -0.05], jaw, expression }), metrics: metrics({ identityDistance: 0.71 }) },
    { photoId: photoIds[2]!, fit: parameters(textured, photoIds, { rotation: [0, -0.3, 0], jaw: [0, 0, 0], expression: [0, 0, 0, 0] }), metrics: metrics() },
  ]);
}, 60_000);

afterAll(() => t?.dispose());

describe('reconstruction views', () => {
  it('gives the viewer the stored photometric error and identity distance, null where not measured', async () => {
    const views = await Promise.all(photoIds.map((photoId) => reconstructionView(studio, photoId)));
    expect(views.map((v) => [v!.photometricRms, v!.identityDistance])).toEqual([
      [0.031, 0.42],
      [null, 0.71],
      [null, null],
    ]);
    expect(views[0]).toMatchObject({ photoId: photoIds[0], packId: textured.id, subjectId, nme: 0.03, nmeSingle: 0.025, jointPhotoCount: 3 });
    expect(views[0]!.modelLandmarks68).toHaveLength(68);
    // Through the API too (what the renderer receives).
    expect(await api['photos.reconstruction']({ photoId: photoIds[1]! })).toMatchObject({ photometricRms: null, identityDistance: 0.71 });
  });

  it("draws a photo's head with its expression and jaw but facing forward, per triangle corner with the pack's UVs", async () => {
    const heads = (await Promise.all(photoIds.map((photoId) => api['photos.head']({ photoId })))) as ReconstructedHeadMesh[];
    const opaque = perCorner(textured, textured.template).length / 9;
    expect(opaque).toBeLessThan(textured.triangles.length / 3); // the overlay's triangles are left out
    for (const [i, h] of heads.entries()) {
      expect(h).toMatchObject({ packId: textured.id, subjectId, photoId: photoIds[i], triangleCount: opaque, hasAlbedo: false });
      expect(f32(h.positions)).toHaveLength(opaque * 9);
      expect(f32(h.normals)).toHaveLength(opaque * 9);
      expect(f32(h.uvs!)).toHaveLength(opaque * 6);
    }
    const [front, turned, neutral] = heads.map((h) => f32(h.positions));
    // The head turn is the orbit camera's business: the same expression and jaw give the same mesh.
    expect(maxDifference(front!, turned!)).toBeLessThan(1e-6);
    // It is the pack evaluated with the shared shape, the photo's expression and the jaw rotation alone.
    const p = parameters(textured, photoIds, { rotation: [0, 0, 0], jaw: [0.25, 0, 0], expression: [0.8, -0.5, 0.3, 0] });
    const pose = new Float64Array(textured.joints.names.length * 3);
    pose.set(p.jaw, textured.joints.names.indexOf('jaw') * 3);
    const expected = new HeadModelEvaluator(textured, { simd: false }).evaluate({ shape: p.shape, expression: p.expression, pose });
    expect(maxDifference(front!, perCorner(textured, expected.vertices))).toBeLessThan(1e-5);
    expect(maxDifference(front!, neutral!)).toBeGreaterThan(1e-3);
    // Each corner carries its own UV (the per-corner layout), not its vertex's.
    const uv = f32(heads[0]!.uvs!);
    let corner = 0;
    for (let t = 0; t < textured.triangles.length / 3 && corner < 20; t++) {
      if ([0, 1, 2].some((c) => textured.regions.overlays!.includes(textured.triangles[t * 3 + c]!))) continue;
      for (let c = 0; c < 3; c++, corner++) expect([uv[corner * 2], uv[corner * 2 + 1]]).toEqual([textured.uv!.coords[(t * 3 + c) * 2], textured.uv!.coords[(t * 3 + c) * 2 + 1]]);
    }
  });

  it("says how a photo's head sits in its photo: turned by the fit's rotation, it is the posed head the fit's camera projects", async () => {
    const photoId = photoIds[1]!;
    const h = (await api['photos.head']({ photoId })) as ReconstructedHeadMesh;
    const photo = studio.requireProject().library.reads.getPhoto(photoId)!;
    expect(h.photoView).toEqual({ rotation: [0.1, 0.6, -0.05], camera: { scale: 2000, tx: 600, ty: 600 }, width: photo.width, height: photo.height });
    // R·x of the forward-facing corners is the head posed as the fit has it (the renders' and the landmarks' head).
    const p = parameters(textured, photoIds, { rotation: [0.1, 0.6, -0.05], jaw: [0.25, 0, 0], expression: [0.8, -0.5, 0.3, 0] });
    const posed = poseHead(new HeadModelEvaluator(textured, { simd: false }), textured, p.shape, { rotation: [0.1, 0.6, -0.05], jaw: [0.25, 0, 0], expression: Float64Array.from(p.expression) });
    const R = rotationMatrix([0.1, 0.6, -0.05]), front = f32(h.positions);
    const turned = front.map((_, i) => { const c = i - (i % 3), a = i % 3; return R[a * 3]! * front[c]! + R[a * 3 + 1]! * front[c + 1]! + R[a * 3 + 2]! * front[c + 2]!; });
    expect(maxDifference(turned, perCorner(textured, posed.vertices))).toBeLessThan(1e-5);
    // A pack without eyes, teeth or mouth regions: every drawn triangle is skin, and no eye texture.
    expect(Array.from(Buffer.from(h.parts!, 'base64'))).toEqual(new Array(h.triangleCount).fill(0));
    expect(h.eyeTexture).toBeNull();
    // The shared head is in no photo.
    expect((await api['subjects.head']({ subjectId, packId: textured.id }))!.photoView).toBeUndefined();
  });

  it("draws the subject's shared head neutral on the newest pack, or on the pack asked for", async () => {
    const shared = await api['subjects.head']({ subjectId });
    expect(shared).toMatchObject({ packId: textured.id, subjectId, photoId: null, hasAlbedo: false });
    const p = parameters(textured, photoIds, { rotation: [0, 0, 0], jaw: [0, 0, 0], expression: [] });
    const neutral = new HeadModelEvaluator(textured, { simd: false }).evaluate({ shape: p.shape });
    expect(maxDifference(f32(shared!.positions), perCorner(textured, neutral.vertices))).toBeLessThan(1e-5);

    // A newer reconstruction on a pack without UVs becomes the default; the textured pack stays reachable.
    saveReconstruction(plain, [{ photoId: photoIds[0]!, fit: parameters(plain, [photoIds[0]!], { rotation: [0, 0.2, 0], jaw: [0.1, 0, 0], expression: [0.5, 0, 0, 0] }), metrics: metrics() }]);
    const newest = await api['subjects.head']({ subjectId });
    expect(newest).toMatchObject({ packId: plain.id, uvs: null, triangleCount: plain.triangles.length / 3 });
    expect((await api['photos.head']({ photoId: photoIds[0]! }))!.packId).toBe(plain.id);
    expect((await api['subjects.head']({ subjectId, packId: textured.id }))!.packId).toBe(textured.id);
    expect(await api['subjects.head']({ subjectId, packId: 'starter-head' })).toBeNull();
    expect(await api['subjects.head']({ subjectId: emptySubjectId })).toBeNull();
  });

  it('says when the reconstruction has an albedo texture', async () => {
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#c08070' } }).png().toBuffer();
    studio.requireProject().library.maps.put({ reconstructionId: texturedRec, kind: 'albedo', width: 4, height: 4, format: 'png', data: png, meta: {} });
    expect((await api['subjects.head']({ subjectId, packId: textured.id }))!.hasAlbedo).toBe(true);
    expect((await api['subjects.head']({ subjectId, packId: plain.id }))!.hasAlbedo).toBe(false);
  });

  it('serves the detail normal map once the detail is solved: per solve, with a photo its wrinkles, and the tangents it was baked against', async () => {
    const media = async (id: string, query = '') => {
      const r = await resolveMedia(studio, 'detail-normal', id, new URLSearchParams(query));
      return r.ok && !('file' in r.body) ? r.body : r.ok ? null : r.status;
    };
    expect(await media(String(texturedRec))).toBe(404);
    const before = (await api['photos.head']({ photoId: photoIds[2]! }))!;
    expect(before).toMatchObject({ hasDetail: false, tangents: null });
    // A solved layer as the detail stage stores it: a bump in the static map, wrinkles for the first group.
    const put = (seconds: number, height: number) => {
      const N = 32, bump = (cx: number) => Float32Array.from({ length: N * N }, (_, i) => height * Math.exp(-(((i % N) - cx) ** 2 + (Math.floor(i / N) - 16) ** 2) / 20));
      const result = { mask: new Uint8Array(N * N).fill(1), consensus: bump(12), wrinkles: [bump(22)], evidence: [1], groups: [{ name: 'mode0', drivers: [], jawOpening: 0.35 }] } as unknown as DetailSolveResult;
      const meta: DetailMeta = { version: DETAIL_VERSION, size: N, groups: result.groups, evidence: [1], codes: {}, subjectCode: [0], codeLength: 1, iterations: 1, seconds };
      for (const m of detailMapsOf(result, meta)) studio.requireProject().library.maps.put({ ...m, reconstructionId: texturedRec });
    };
    put(1.5, 0.002);
    const head = (await api['photos.head']({ photoId: photoIds[2]! }))!;
    expect(head).toMatchObject({ hasDetail: true, reconstructionId: texturedRec });
    // Unit tangents across the normals, with a handedness, per corner.
    const [t, n] = [f32(head.tangents!), f32(head.normals)];
    expect(t).toHaveLength(head.triangleCount * 12);
    for (let k = 0; k < head.triangleCount * 3; k += 7) {
      const [x, y, z, w] = t.subarray(k * 4, k * 4 + 4);
      expect(Math.hypot(x!, y!, z!)).toBeCloseTo(1, 4);
      expect(Math.abs(x! * n[k * 3]! + y! * n[k * 3 + 1]! + z! * n[k * 3 + 2]!)).toBeLessThan(0.05);
      expect(Math.abs(w!)).toBe(1);
    }
    // The shared head's are exactly those of the export head the map is baked on (per corner, opaque triangles).
    const shared = (await api['subjects.head']({ subjectId, packId: textured.id }))!;
    const exported = buildExportHead(textured, { shape: shapeOf(textured) }, { blendshapes: false, textures: {} });
    const baked = vertexTangents(exported.positions, exported.normals, exported.uvs!, exported.indices);
    const hidden = new Set(textured.regions.overlays ?? []), st = f32(shared.tangents!);
    let corner = 0, worst = 0;
    for (let k = 0; k < textured.triangles.length; k += 3) {
      if ([0, 1, 2].some((c) => hidden.has(textured.triangles[k + c]!))) continue;
      for (let c = 0; c < 3; c++, corner++) for (let d = 0; d < 4; d++) worst = Math.max(worst, Math.abs(st[corner * 4 + d]! - baked[exported.indices[k + c]! * 4 + d]!));
    }
    expect(corner).toBe(shared.triangleCount * 3);
    expect(worst).toBeLessThan(1e-3); // measured: 3e-4 (the posed and the rest evaluation round apart)
    // The pack without UVs has no detail to show.
    expect(await api['subjects.head']({ subjectId, packId: plain.id })).toMatchObject({ hasDetail: false, tangents: null });

    const neutral = (await media(String(texturedRec))) as Uint8Array;
    const same = (png: Uint8Array | number | null) => png instanceof Uint8Array && Buffer.from(png).equals(neutral);
    const { data, info } = await sharp(neutral).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([DETAIL_NORMAL_SIZE, DETAIL_NORMAL_SIZE, 3]);
    let tilted = 0;
    for (let i = 0; i < data.length; i += 3) if (Math.abs(data[i]! - 128) + Math.abs(data[i + 1]! - 128) > 6) tilted++;
    expect(tilted).toBeGreaterThan(1000);
    // The second request is the cached map; a photo without expression shows the static detail, one
    // whose expression and jaw activate the group its wrinkles too.
    expect(await media(String(texturedRec))).toBe(neutral);
    expect(same(await media(String(texturedRec), `photo=${photoIds[2]}`))).toBe(true);
    expect(same(await media(String(texturedRec), `photo=${photoIds[0]}`))).toBe(false);
    // Solved again (same reconstruction): a new map under the same URL.
    put(2.5, -0.002);
    const again = await media(String(texturedRec));
    expect(again).toBeInstanceOf(Uint8Array);
    expect(same(again)).toBe(false);
    const rec = String(texturedRec);
    for (const [id, query] of [[String(texturedRec + 100), ''], [rec, 'photo=999999'], [rec, 'photo=x'], ['abc', ''], ['../1', '']]) expect(await media(id!, query)).toBe(404);
  });

  it('validates the 3D-view requests and answers not-found for missing photos and subjects', async () => {
    expect(validateRequest('photos.head', { photoId: 3 })).toEqual({ photoId: 3 });
    expect(validateRequest('subjects.head', { subjectId: 2, packId: 'ict-facekit' })).toEqual({ subjectId: 2, packId: 'ict-facekit' });
    for (const [method, req] of [
      ['photos.head', {}],
      ['photos.head', { photoId: -1 }],
      ['photos.head', { photoId: 1.5 }],
      ['photos.head', { photoId: '1' }],
      ['subjects.head', { subjectId: 0 }],
      ['subjects.head', { subjectId: 1, packId: 'Bad Id' }],
      ['subjects.head', { subjectId: 1, packId: '../x' }],
    ] as const) {
      expect(await dispatch(api, method, req), `${method} ${JSON.stringify(req)}`).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    }
    expect(await dispatch(api, 'photos.head', { photoId: 999_999 })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await dispatch(api, 'subjects.head', { subjectId: 999_999 })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await dispatch(api, 'photos.reconstruction', { photoId: 999_999 })).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });
});
