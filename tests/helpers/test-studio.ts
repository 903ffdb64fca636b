import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ApiHandlers } from '../../core/api/contract';
import type { HeadModel } from '../../core/head-model/head-model';
import { startBrowserServer, type BrowserServer } from '../../main/server/browser-server';
import { createApiHandlers } from '../../main/services/api-handlers';
import { Studio, type StudioOptions } from '../../main/services/studio';
import { makeTempDir, SHARED_PHOTOS } from './temp-dir';

// The services' tests each need a studio with a project open in a temp folder, often a subject with
// real photos imported, sometimes a reconstruction stored as the pipeline stores one (no fit runs).

/** London p002 smiling, facing the camera: the photo a stored fit is put on. */
export const P002_SMILING_FRONT = path.join(SHARED_PHOTOS, 'london_frl/p002/002_08_smiling_front.jpg');

/** A studio with a new project "P" open, its API handlers, and where both live. */
export interface TestStudio {
  tmp: ReturnType<typeof makeTempDir>;
  /** The studio's settings folder (packs, recent projects): `DECA_STUDIO_HOME` for the CLI. */
  home: string;
  /** The open project's folder. */
  projectPath: string;
  studio: Studio;
  api: ApiHandlers;
  /** Closes the studio and removes the temp folder. */
  dispose(): Promise<void>;
}

/**
 * Opens a studio (CLI mode unless told otherwise) with settings under a new temp folder and a new
 * project "P" there.
 *
 * ```ts
 * const t = await openTestStudio('deca-clips-api-');
 * await t.api['clips.list']({});
 * await t.dispose();
 * ```
 */
export async function openTestStudio(prefix: string, options: Partial<StudioOptions> = {}): Promise<TestStudio> {
  const tmp = makeTempDir(prefix);
  const home = path.join(tmp.dir, 'home');
  const studio = new Studio({ mode: 'cli', version: 'test', settingsDir: home, ...options });
  const projectPath = path.join(tmp.dir, 'P.decastudio');
  await studio.createProject(projectPath, 'P');
  return {
    tmp,
    home,
    projectPath,
    studio,
    api: createApiHandlers(studio),
    async dispose() {
      await studio.dispose();
      tmp.cleanup();
    },
  };
}

/**
 * Creates a subject in the open project and imports photos into it (the import job, waited for).
 *
 * ```ts
 * const { subjectId, photoIds } = await addSubject(t.studio, 'Ann', [P002_SMILING_FRONT]);
 * ```
 */
export async function addSubject(studio: Studio, name: string, files: readonly string[]): Promise<{ subjectId: number; photoIds: number[] }> {
  const library = studio.requireProject().library;
  const subjectId = library.writes.createSubject(name);
  if (files.length) await studio.jobs.whenDone(studio.startImport(subjectId, [...files], []));
  return { subjectId, photoIds: library.reads.listPhotos(subjectId).map((p) => p.id) };
}

/** A test studio with Ann and her one photo imported, and the starter head installed. */
export interface StudioWithAnn extends TestStudio {
  subjectId: number;
  /** Ann's photo: London p002 smiling, facing the camera. */
  photoId: number;
}

/**
 * Opens a test studio (see `openTestStudio`) with Ann, her photo `P002_SMILING_FRONT` and the
 * starter head: what a test needs to store a fit (`storeOnePhotoFit`) and use it.
 *
 * ```ts
 * const t = await openStudioWithAnn('deca-expressions-api-');
 * storeOnePhotoFit(t.studio, { subjectId: t.subjectId, photoId: t.photoId, model: starter });
 * ```
 */
export async function openStudioWithAnn(prefix: string, options: Partial<StudioOptions> = {}): Promise<StudioWithAnn> {
  const t = await openTestStudio(prefix, options);
  try {
    const { subjectId, photoIds } = await addSubject(t.studio, 'Ann', [P002_SMILING_FRONT]);
    await t.studio.ensureStarterPack();
    return { ...t, subjectId, photoId: photoIds[0]! };
  } catch (error) {
    await t.dispose(); // the caller never gets it to dispose of
    throw error;
  }
}

/**
 * Stores a one-photo reconstruction as the pipeline would, without fitting: the model's neutral
 * shape, the given expression coefficients (default neutral), a 0.02 rad jaw and a head-on camera.
 *
 * ```ts
 * const starter = (await studio.models.pack('starter-head')).model;
 * storeOnePhotoFit(studio, { subjectId, photoId, model: starter });
 * ```
 */
export function storeOnePhotoFit(studio: Studio, fit: { subjectId: number; photoId: number; model: HeadModel; expression?: ArrayLike<number> }): number {
  const { subjectId, photoId, model } = fit;
  const expression = fit.expression ? Array.from(fit.expression) : Array<number>(model.expression.count).fill(0);
  return studio.requireProject().library.reconstructions.save(
    { subjectId, packId: model.id, packHash: 'test', fitter: 'test', options: {}, shape: Array(model.shape.count).fill(0), photoIds: [photoId], stages: [], jobId: null },
    [{ photoId, faceIndex: 0, fit: { rotation: [0, 0, 0], jaw: [0.02, 0, 0], expression, camera: { scale: 1000, tx: 600, ty: 600 } }, metrics: { nme: 0.02, nmeSingle: 0.02, secondsPerPhoto: 1 } }],
  );
}

/** A browser-mode studio behind its HTTP server, over a stand-in renderer (an index.html). */
export interface TestServer {
  tmp: ReturnType<typeof makeTempDir>;
  studio: Studio;
  server: BrowserServer;
  /** The stand-in renderer's folder (a test may add assets). */
  rendererDir: string;
  /** The project opened at the start, when one was asked for. */
  projectPath: string | null;
  /** Stops the server, closes the studio and removes the temp folder. */
  close(): Promise<void>;
}

/**
 * Starts browser mode as `deca-studio serve` does, in a new temp folder (settings under home/, the
 * renderer a one-line index.html), and opens a new project named `options.project` there when given.
 *
 * ```ts
 * const t = await startTestServer('deca-upload-', { project: 'P' });
 * await fetch(`http://127.0.0.1:${t.server.port}/`, { headers: { Authorization: `Bearer ${t.server.token}` } });
 * await t.close();
 * ```
 */
export async function startTestServer(prefix: string, options: { project?: string } = {}): Promise<TestServer> {
  const tmp = makeTempDir(prefix);
  const rendererDir = path.join(tmp.dir, 'renderer');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>DECA Studio</title>');
  const studio = new Studio({ mode: 'browser', version: 'test', settingsDir: path.join(tmp.dir, 'home') });
  const server = await startBrowserServer({ studio, rendererDir });
  const projectPath = options.project ? path.join(tmp.dir, `${options.project}.decastudio`) : null;
  if (projectPath) await studio.createProject(projectPath, options.project!);
  return {
    tmp,
    studio,
    server,
    rendererDir,
    projectPath,
    async close() {
      await server.close();
      await studio.dispose();
      tmp.cleanup();
    },
  };
}
