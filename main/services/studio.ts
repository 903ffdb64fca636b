import path from 'node:path';
import { ApiError } from '../../core/api/api-error';
import type { AppInfo, ImportFileResult, JobItem, PackInfo, SettingsInfo, StudioSettings } from '../../core/api/contract';
import { ComputePool } from '../compute/compute-pool';
import { startExportJob } from '../export/start-export';
import type { ExportHeadRequest } from '../../core/api/contract';
import { collectSources, type ImportSource } from '../import/collect-sources';
import { importPhotos } from '../import/import-photos';
import { EXECUTION_PROVIDERS, readProviderSetting, type ProviderPreference } from '../inference/execution-providers';
import { AppSettings } from './app-settings';
import { JobRunner } from '../jobs/job-runner';
import { PackStore } from '../packs/pack-store';
import { ensureStarterPack } from '../packs/starter-pack';
import { STARTER_HEAD_ID } from '../../core/starter-head/build-starter-head';
import { analyzePhotos, type AnalyzeSummary } from '../perception/analyze-photos';
import { createProject, openProject, type Project } from '../project/project';
import { startReconstructJobs, type StartReconstructOptions } from '../reconstruct/start-reconstruct';
import { startDetailJobs, type StartDetailOptions } from '../detail/start-detail';
import { EventBus } from './event-bus';
import { ModelService } from './model-service';
import { PhotoCache } from './photo-cache';
import { RecentProjects } from './recent-projects';
import { StagingArea } from './staging-area';
import { ViewCache } from './view-cache';

export interface StudioOptions {
  mode: AppInfo['mode'];
  version: string;
  /** Folder for app settings (recent projects, packs, the DECA encoder); the user's app-data folder. */
  settingsDir: string;
  /** Largest accepted image, in megapixels. */
  maxImportMegapixels?: number;
  /** Execution provider for every ONNX model; default: the user's setting (inference.json). */
  provider?: ProviderPreference;
  /** Compute worker threads (default: the machine's cores, up to 4). */
  workers?: number;
  /** Where converted perception models are read from (default: the build's, or the user's cache). */
  modelDir?: string;
}

export const STUDIO_DEFAULTS = { maxImportMegapixels: 100 };

export interface StartAnalyzeOptions {
  subjectId?: number;
  force?: boolean;
  /** Told after each photo (the CLI prints a line). */
  onPhoto?: (name: string, outcome: 'analyzed' | 'skipped' | 'failed', message: string | null) => void;
  /** Told when the job ends with the summary. */
  onSummary?: (summary: AnalyzeSummary) => void;
}

/**
 * The studio's services: the open project, its jobs and staged uploads, the compute workers with
 * the model service (head models and ONNX sessions, once per process) and the decoded-photo cache,
 * and the event bus every transport listens to. One instance per process; API handlers, the CLI and
 * tests drive it. Nothing heavy runs on the caller's thread: it is all jobs and worker tasks.
 *
 * ```ts
 * const studio = new Studio({ mode: 'browser', version: '0.1.0', settingsDir });
 * await studio.openProject('/home/ann/Portraits.decastudio');
 * ```
 */
export class Studio {
  readonly events = new EventBus();
  readonly jobs = new JobRunner(this.events);
  readonly recent: RecentProjects;
  readonly settings: AppSettings;
  readonly packs: PackStore;
  readonly pool: ComputePool;
  readonly models: ModelService;
  readonly photoCache: PhotoCache;
  /** Rendered overlays and 3D-view meshes already made (the viewer asks again on every open). */
  readonly views = new ViewCache();
  readonly maxImportMegapixels: number;
  private current: { project: Project; staging: StagingArea } | null = null;
  private starterPack: Promise<boolean> | null = null;
  private installing = false;

  constructor(readonly options: StudioOptions) {
    this.recent = new RecentProjects(options.settingsDir);
    this.settings = new AppSettings(options.settingsDir);
    this.packs = new PackStore(path.join(options.settingsDir, 'packs'));
    this.maxImportMegapixels = options.maxImportMegapixels ?? STUDIO_DEFAULTS.maxImportMegapixels;
    const provider = options.provider ?? readProviderSetting(options.settingsDir);
    this.pool = new ComputePool({ ...(options.workers ? { workers: options.workers } : {}), workerData: { provider, modelDir: options.modelDir ?? null } });
    this.models = new ModelService(this.packs, this.pool, { ensure: (id) => (id === STARTER_HEAD_ID ? this.ensureStarterPack() : Promise.resolve()) });
    this.photoCache = new PhotoCache(this.pool);
  }

  get project(): Project | null {
    return this.current?.project ?? null;
  }

  /** The open project, or a `no-project` error for the UI to act on. */
  requireProject(): Project {
    if (!this.current) throw new ApiError('no-project', 'No project is open: create or open one first');
    return this.current.project;
  }

  get staging(): StagingArea {
    if (!this.current) throw new ApiError('no-project', 'No project is open: create or open one first');
    return this.current.staging;
  }

  // Create or open the new project first: a mistake (a wrong path, an existing project) must not
  // close the open one or cancel its jobs. Only once the new one is open is the old one closed.
  async createProject(dir: string, name: string): Promise<Project> {
    const project = await createProject(dir, name);
    await this.closeProject();
    return this.adopt(project);
  }

  /**
   * Opens a project (read-only for CLI verbs that only read: no lock is taken, no job can start,
   * the studio app may keep it open meanwhile). The new project is opened before the open one is
   * closed, so a mistake (a wrong path) leaves the user's work open.
   */
  async openProject(dir: string, options: { readonly?: boolean } = {}): Promise<Project> {
    if (this.current && this.current.project.dir === path.resolve(dir) && this.current.project.writable === !options.readonly) return this.current.project;
    const project = await openProject(dir, { readonly: options.readonly === true });
    await this.closeProject();
    return this.adopt(project, options.readonly !== true);
  }

  async closeProject(): Promise<void> {
    if (!this.current) return;
    this.jobs.cancelAll();
    await this.jobs.idle();
    const { project } = this.current;
    this.current = null;
    this.views.clear();
    await project.close();
    this.events.emit('project.changed', { project: null });
  }

  /** Installs the generated starter head when it is missing or stale (once per process). */
  async ensureStarterPack(): Promise<void> {
    this.starterPack ??= ensureStarterPack(this.packs).catch((e: unknown) => {
      this.starterPack = null;
      throw e;
    });
    await this.starterPack;
  }

  /**
   * Starts an import job into one subject from paths (files or folders) and staged uploads.
   * Returns at once with the job id; progress arrives as `job.updated` events.
   */
  startImport(subjectId: number, paths: readonly string[], stagedIds: readonly string[]): number {
    const project = this.requireProject();
    if (!project.library.reads.getSubject(subjectId)) throw new ApiError('not-found', `No subject with id ${subjectId}`);
    const staging = this.staging;
    const staged = staging.take(stagedIds);
    return this.jobs.enqueue(
      project,
      'import',
      { subjectId, paths, uploads: staged.length },
      async (ctx) => {
        try {
          const { sources, missing, unreadable } = await collectSources(paths);
          const all: ImportSource[] = [...sources, ...staged];
          ctx.setTotal(all.length + missing.length + unreadable.length);
          for (const gone of missing) ctx.addItem(fileItem(subjectId, notFound(gone)), true);
          // A folder that cannot be read gets its own error; the rest imports.
          for (const folder of unreadable) ctx.addItem(fileItem(subjectId, folder), true);
          const summary = await importPhotos(project, subjectId, all, {
            maxPixels: this.maxImportMegapixels * 1e6,
            signal: ctx.signal,
            onResult: (result) => ctx.addItem(fileItem(subjectId, result), true),
          });
          if (summary.imported > 0) this.events.emit('library.changed', { subjectId });
          return summary.fatal ? { error: summary.fatal } : undefined;
        } finally {
          await staging.release(staged);
        }
      },
      { subjectId },
    );
  }

  /** Releases the workers and the ONNX sessions they hold (before the process exits). */
  async dispose(): Promise<void> {
    await this.closeProject();
    await this.pool.dispose();
  }

  /**
   * Starts a face-analysis job over a subject's photos (or all): detection, landmarks, mesh, pose
   * and embedding stored per photo. Photos already analysed by this analyzer are skipped.
   */
  startAnalyze(options: StartAnalyzeOptions = {}): number {
    const project = this.requireProject();
    if (options.subjectId !== undefined && !project.library.reads.getSubject(options.subjectId)) {
      throw new ApiError('not-found', `No subject with id ${options.subjectId}`);
    }
    return this.jobs.enqueue(
      project,
      'analyze',
      { subjectId: options.subjectId ?? null, force: options.force === true },
      async (ctx) => {
        const photos = project.library.reads.listPhotos(options.subjectId);
        ctx.setTotal(photos.length);
        const summary = await analyzePhotos({ project, pool: this.pool, photos: this.photoCache, signal: ctx.signal }, photos, {
          force: options.force,
          onPhoto: (photo, outcome, message) => {
            if (outcome === 'failed') ctx.addItem({ kind: 'photo', name: photo.originalName, outcome: 'failed', subjectId: photo.subjectId, photoId: photo.id, code: 'unreadable', message, seconds: null }, true);
            else ctx.step();
            options.onPhoto?.(photo.originalName, outcome, message);
          },
        });
        this.events.emit('library.changed', { subjectId: options.subjectId ?? null });
        options.onSummary?.(summary);
      },
      { subjectId: options.subjectId ?? null },
    );
  }

  /**
   * Starts one reconstruction job per subject (or for `subjectId`) on a pack: missing face
   * analyses are run first, results are stored per subject and photo. Returns the job ids.
   */
  startReconstruct(options: StartReconstructOptions): number[] {
    return startReconstructJobs(this, options);
  }

  /** One 'detail' job per subject (or the one asked for): the coarse stage reused or run, then the detail stage. */
  startDetail(options: StartDetailOptions): number[] {
    return startDetailJobs(this, options);
  }

  /** The installed packs, with the starter head generated on first use. */
  async listPacks(): ReturnType<PackStore['list']> {
    await this.ensureStarterPack();
    return this.packs.list();
  }

  /**
   * Installs a head model from a path on this machine, read and saved in a compute worker (an ICT-FaceKit
   * zip takes seconds). One install at a time; `packs.progress` events follow the reading, and
   * `packs.changed` tells every window the new list, so no view needs a reload.
   */
  async installPack(request: { path: string; flameLandmarks?: string; flameMasks?: string; flameUv?: string }): Promise<PackInfo> {
    if (this.installing) throw new ApiError('conflict', 'A head model is being installed already: wait for it to finish');
    this.installing = true;
    try {
      const { path: source, ...extras } = request;
      const { id } = await this.pool
        .run('pack.install', { packsDir: this.packs.dir, source, ...extras }, { onProgress: (f) => this.events.emit('packs.progress', { path: request.path, fraction: Number(f) }) })
        .catch((e: unknown) => {
          throw e instanceof ApiError ? e : new ApiError('bad-request', (e as Error).message);
        });
      const packs = await this.packInfos();
      this.events.emit('packs.changed', { packs });
      return packs.find((p) => p.id === id)!;
    } finally {
      this.installing = false;
    }
  }

  /** Removes an installed head model (not while jobs run: they may be reading it). */
  async removePack(id: string): Promise<void> {
    // The starter head is generated by the studio and always there: removing it would only bring it back.
    if (id === STARTER_HEAD_ID) throw new ApiError('bad-request', 'The starter head comes with DECA Studio and cannot be removed');
    if (this.jobs.active > 0) throw new ApiError('conflict', 'Jobs are running: remove the head model when they have finished');
    if (!(await this.packs.list()).some((p) => p.id === id)) throw new ApiError('not-found', `No head model "${id}" is installed`);
    await this.packs.remove(id);
    this.events.emit('packs.changed', { packs: await this.packInfos() });
  }

  /** The installed packs as the UI lists them. */
  async packInfos(): Promise<PackInfo[]> {
    return (await this.listPacks()).map(({ bytes: _bytes, path: _path, ...info }) => info);
  }

  /**
   * Starts an export job: builds the rigged head (a subject's from their stored reconstruction and
   * albedo) in a worker and writes GLB or FBX. The job's output item names the file.
   */
  startExport(request: ExportHeadRequest, onDone?: (item: JobItem) => void): number {
    return startExportJob(this, request, onDone);
  }

  /** The settings page's view: the saved settings, the providers this machine offers, the one in use. */
  async settingsInfo(): Promise<SettingsInfo> {
    const [settings, inference] = await Promise.all([this.settings.read(), this.pool.run('inference.providers', {}, { lane: 'inference' })]);
    const override = this.options.provider ?? process.env.DECA_EXECUTION_PROVIDER ?? null;
    return {
      settings,
      providers: EXECUTION_PROVIDERS.map((p) => ({ name: p.name, label: p.label, available: p.name === 'cpu' || (p.platforms.includes(process.platform) && inference.usable.includes(p.name)) })),
      activeProvider: inference.active[0] ?? null,
      providerOverride: override,
    };
  }

  /**
   * Saves settings. A new execution provider restarts the inference worker so the next model opens on
   * it (its sessions are released); refused while jobs run, so none loses its models mid-way.
   */
  async updateSettings(patch: Partial<StudioSettings>): Promise<SettingsInfo> {
    const before = await this.settings.read();
    const providerChange = patch.executionProvider !== undefined && patch.executionProvider !== before.executionProvider;
    if (providerChange && this.jobs.active > 0) throw new ApiError('conflict', 'Jobs are running: change the execution provider when they have finished');
    if (patch.defaultPackId && !(await this.listPacks()).some((p) => p.id === patch.defaultPackId)) throw new ApiError('not-found', `No head model "${patch.defaultPackId}" is installed`);
    const after = await this.settings.update(patch);
    const override = this.options.provider ?? process.env.DECA_EXECUTION_PROVIDER;
    if (providerChange && !override) await this.pool.restartInference({ provider: after.executionProvider });
    return this.settingsInfo();
  }

  async appInfo(): Promise<AppInfo> {
    return {
      mode: this.options.mode,
      version: this.options.version,
      project: this.current?.project.info() ?? null,
      recentProjects: await this.recent.list(),
      maxImportMegapixels: this.maxImportMegapixels,
    };
  }

  private async adopt(project: Project, remember = true): Promise<Project> {
    this.current = { project, staging: new StagingArea(path.join(project.store.tmpDir, 'staging')) };
    const info = project.info();
    if (remember) await this.recent.add({ path: info.path, name: info.name }).catch(() => undefined);
    this.events.emit('project.changed', { project: info });
    return project;
  }
}

/** An import's per-file outcome as a job item ('imported' is 'done'). */
function fileItem(subjectId: number, r: ImportFileResult): JobItem {
  return { kind: 'file', name: r.source, outcome: r.outcome === 'imported' ? 'done' : r.outcome, subjectId, photoId: r.photoId, code: r.code, message: r.message, seconds: null };
}

function notFound(source: string): ImportFileResult {
  return { source, outcome: 'failed', photoId: null, code: 'unreadable', message: 'No such file or folder' };
}
