import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../core/api/api-error';
import type { ExpressionView, JobInfo, JobItem, PackInfo, SubjectReconstruction, SubjectSummary } from '../../../core/api/contract';
import { installFakeBridge } from '../../helpers/fake-bridge';

// The export dialog's store against a fake Electron bridge (Electron does not launch here): its
// defaults for the selected person, the native folder picker, and failure shown as failure.

const picked: string[] = [];
let folder: string | null = null;
let reconstructions: SubjectReconstruction[] = [];
let exportJob: JobInfo;
let exportItems: JobItem[] = [];
let startError: ApiError | null = null;

const ann: SubjectSummary = { id: 3, name: 'Ann', notes: '', createdAt: '', photoCount: 6, coverSha256: null };
const pack = (id: string, name: string): PackInfo => ({ id, name, license: '', vertexCount: 100, triangleCount: 0, shapeCount: 0, expressionCount: 3, jointNames: [] });
const job = (state: JobInfo['state'], error: string | null = null): JobInfo => ({ id: 9, kind: 'export', state, done: state === 'done' ? 1 : 0, total: 1, error, subjectId: 3, createdAt: '', updatedAt: '' });
const expression = (e: Pick<ExpressionView, 'kind' | 'id' | 'name' | 'source' | 'subject'>): ExpressionView => ({ ...e, arkit: [], jawPose: [0, 0, 0], eyePose: null });

const fake = installFakeBridge(
  {
    'packs.list': () => [pack('starter-head', 'Starter head'), pack('ict-facekit', 'ICT-FaceKit')],
    'subjects.list': () => [ann],
    'photos.list': () => [],
    'subjects.reconstructions': () => reconstructions,
    'export.start': () => {
      if (startError) throw startError;
      return { jobId: 9 };
    },
    'jobs.get': () => ({ job: exportJob, items: exportItems }),
    'clips.list': () => [{ id: 1, name: 'smiles', fps: 2, keyCount: 3, duration: 1, source: '', createdAt: '', updatedAt: '' }],
    'expressions.list': () => [
      expression({ kind: 'photo', id: null, name: 'smiling.jpg', source: { photoId: 12, packId: 'ict-facekit' }, subject: { id: 3, name: 'Ann' } }),
      expression({ kind: 'saved', id: 5, name: 'mine', source: null, subject: null }),
    ],
  },
  {
    pickFolder: async (purpose) => {
      picked.push(purpose);
      return folder;
    },
  },
);
const exportRequest = () => fake.requests('export.start')[0];

const { useExportStore } = await import('../../../renderer/src/stores/export');
const { useLibraryStore } = await import('../../../renderer/src/stores/library');
const { useStudioStore } = await import('../../../renderer/src/stores/studio');

beforeEach(async () => {
  picked.length = 0;
  folder = null;
  reconstructions = [];
  exportItems = [];
  startError = null;
  exportJob = job('done');
  useStudioStore().project = { name: 'P', path: '/work/P.decastudio', writable: true } as never;
  await useLibraryStore().refreshSubjects(); // selects Ann
});

describe('export store (Electron bridge)', () => {
  it("defaults to the selected person's face on the pack they were reconstructed on, and names them", async () => {
    reconstructions = [{ packId: 'ict-facekit', reconstructionId: 4, photoCount: 6, createdAt: '' }];
    const store = useExportStore();
    await store.show();
    expect(store.choices.packId).toBe('ict-facekit');
    expect(store.choices.useSubject).toBe(true);
    expect(store.title).toBe('Export Ann’s head');
    expect(store.subjectUnavailable).toBeNull();
    // Another pack: no reconstruction there, so the generic head, and why.
    store.choices.packId = 'starter-head';
    await Promise.resolve();
    expect(store.choices.useSubject).toBe(false);
    expect(store.title).toBe('Export the generic head (Starter head)');
    expect(store.subjectUnavailable).toMatch(/Ann has no reconstruction on Starter head yet/);
  });

  it("writes into the folder chosen with the native picker, with the person's id", async () => {
    reconstructions = [{ packId: 'starter-head', reconstructionId: 4, photoCount: 6, createdAt: '' }];
    exportItems = [{ kind: 'output', name: '/home/ann/Heads/Ann-starter-head.glb', outcome: 'done', subjectId: 3, photoId: null, code: null, message: 'GLB, 1 MiB', seconds: null }];
    const store = useExportStore();
    await store.show();
    expect(store.destination).toBe('/work/P.decastudio/exports');
    await store.chooseFolder(); // cancelled: nothing changes
    expect(store.destination).toBe('/work/P.decastudio/exports');
    folder = '/home/ann/Heads';
    await store.chooseFolder();
    expect(picked).toEqual(['export', 'export']);
    expect(store.destination).toBe('/home/ann/Heads');
    await store.start();
    expect(exportRequest()).toMatchObject({ packId: 'starter-head', subjectId: 3, outDir: '/home/ann/Heads' });
    expect(store.phase).toBe('done');
    expect(store.writtenPath).toBe('/home/ann/Heads/Ann-starter-head.glb');
    expect(store.downloadUrl).toBeNull(); // Electron shows the path; only browser mode downloads
  });

  it('shows a failed export as failed, whether the job fails or the start is refused, and never keeps an earlier "done"', async () => {
    const store = useExportStore();
    await store.show();
    exportItems = [{ kind: 'output', name: '/x.glb', outcome: 'done', subjectId: null, photoId: null, code: null, message: '', seconds: null }];
    await store.start();
    expect(store.phase).toBe('done');

    exportJob = job('failed', 'No model pack "ict-facekit" is installed');
    exportItems = [];
    await store.start();
    expect(store.phase).toBe('failed');
    expect(store.error).toMatch(/No model pack/);
    expect(store.writtenPath).toBeNull();

    startError = new ApiError('not-found', 'Ann has no reconstruction on starter-head yet');
    await store.start();
    expect(store.phase).toBe('failed');
    expect(store.job).toBeNull();
    expect(store.error).toMatch(/no reconstruction/);
  });

  it('offers the clips and the photos\' expressions; a clip, the test animation and a pose exclude each other; an ARKit CSV sends the clip alone', async () => {
    reconstructions = [{ packId: 'ict-facekit', reconstructionId: 4, photoCount: 6, createdAt: '' }];
    const store = useExportStore();
    await store.show({ clip: 'smiles' });
    expect(store.clips.map((c) => c.name)).toEqual(['smiles']);
    // Photos' and saved expressions are offered apart (the select groups them).
    expect(store.photoExpressions.map((e) => e.source!.photoId)).toEqual([12]);
    expect(store.savedExpressions.map((e) => e.name)).toEqual(['mine']);
    expect(store.choices.clip).toBe('smiles');
    store.choices.animation = 'demo';
    await Promise.resolve();
    expect(store.choices.clip).toBeNull();
    store.choices.clip = 'smiles';
    await Promise.resolve();
    expect(store.choices.animation).toBe('none');
    await store.start();
    expect(exportRequest()).toMatchObject({ packId: 'ict-facekit', format: 'glb', clip: 'smiles', animation: 'none', subjectId: 3 });

    store.choices.expressionFromPhotoId = 12;
    await Promise.resolve();
    expect(store.choices.clip).toBeNull();
    store.choices.format = 'arkit-csv';
    expect(store.title).toBe('Export an expression as ARKit CSV');
    fake.calls.length = 0;
    await store.start();
    // Weights only: no head options, no subject.
    expect(exportRequest()).toEqual({ packId: 'ict-facekit', format: 'arkit-csv', expressionFromPhotoId: 12 });

    store.choices.expressionFromPhotoId = null;
    expect(store.blocked).toMatch(/An ARKit CSV carries a clip or one expression/);
    store.choices.format = 'glb';
    store.choices.clip = 'smiles';
    store.choices.blendshapes = false;
    expect(store.blocked).toMatch(/keep them on/);
  });

  it('poses with a saved expression by name: one select offers it apart from the photos’, and it excludes a clip and a photo’s expression', async () => {
    reconstructions = [{ packId: 'ict-facekit', reconstructionId: 4, photoCount: 6, createdAt: '' }];
    const store = useExportStore();
    await store.show({ savedExpression: 'mine' });
    expect(store.choices.savedExpression).toBe('mine');
    expect(store.pose).toBe('saved:mine');
    expect(store.posed).toBe(true);
    await store.start();
    expect(exportRequest()).toMatchObject({ packId: 'ict-facekit', format: 'glb', savedExpression: 'mine', subjectId: 3 });
    expect(exportRequest()).not.toHaveProperty('expressionFromPhotoId');

    // The select's value chooses one kind and clears the other; a clip clears both.
    store.pose = 'photo:12';
    expect([store.choices.expressionFromPhotoId, store.choices.savedExpression]).toEqual([12, null]);
    store.pose = 'saved:mine';
    await Promise.resolve();
    expect([store.choices.expressionFromPhotoId, store.choices.savedExpression]).toEqual([null, 'mine']);
    store.choices.clip = 'smiles';
    await Promise.resolve();
    expect(store.choices.savedExpression).toBeNull();
    expect(store.pose).toBe('');
    store.choices.savedExpression = 'mine';
    await Promise.resolve();
    expect(store.choices.clip).toBeNull();

    // Alone as an ARKit CSV: its name in the title, the name alone in the request.
    store.choices.format = 'arkit-csv';
    expect(store.title).toBe('Export expression “mine” as ARKit CSV');
    expect(store.blocked).toBeNull();
    fake.calls.length = 0;
    await store.start();
    expect(exportRequest()).toEqual({ packId: 'ict-facekit', format: 'arkit-csv', savedExpression: 'mine' });

    // A preset naming no saved expression is not taken: the last choice stays.
    await store.show({ savedExpression: 'gone' });
    expect(store.choices.savedExpression).toBe('mine');
  });
});
