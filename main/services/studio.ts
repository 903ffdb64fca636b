import path from 'node:path';
import { ApiError } from '../../core/api/api-error';
import type { AppInfo, ImportFileResult } from '../../core/api/contract';
import { promises as fs } from 'node:fs';
import type { ExportHeadRequest } from '../../core/api/contract';
import { exportPackHead } from '../export/export-pack-head';
import { collectSources, type ImportSource } from '../import/collect-sources';
import { importPhotos } from '../import/import-photos';
import { JobRunner } from '../jobs/job-runner';
import { readProviderSetting, type ProviderPreference } from '../inference/execution-providers';
import { analyzeJobItem, analyzePhotos, type AnalyzeSummary } from '../perception/analyze-photos';
import { FaceAnalyzer } from '../perception/face-analyzer';
import { PackStore } from '../packs/pack-store';
import { subjectShape } from '../reconstruct/subject-shape';
import { subjectTexture } from '../reconstruct/subject-texture';
import { ensureStarterPack } from '../packs/starter-pack';
import { startReconstructJobs, type StartReconstructOptions } from '../reconstruct/start-reconstruct';
import { writeFileAtomic } from '../project/atomic-write';
import { createProject, openProject, type Project } from '../project/project';
import { EventBus } from './event-bus';
import { RecentProjects } from './recent-projects';
import { StagingArea } from './staging-area';

export interface StudioOptions {
  mode: AppInfo['mode'];
  version: string;
  /** Folder for app settings (recent projects); the user's app-data folder. */
  settingsDir: string;
  /** Largest accepted image, in megapixels. */
  maxImportMegapixels?: number;
  /** Execution provider for face analysis; default: the user's setting (inference.json). */
  provider?: ProviderPreference;
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
 * The studio's services: the open project, its jobs and staged uploads, and the event bus every
 * transport listens to. One instance per process; API handlers, the CLI and tests drive it.
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
  readonly packs: PackStore;
  readonly maxImportMegapixels: number;
  private current: { project: Project; staging: StagingArea } | null = null;
  private starterPack: Promise<boolean> | null = null;
  private analyzer: FaceAnalyzer | null = null;

  constructor(readonly options: StudioOptions) {
    this.recent = new RecentProjects(options.settingsDir);
    this.packs = new PackStore(path.join(options.settingsDir, 'packs'));
    this.maxImportMegapixels = options.maxImportMegapixels ?? STUDIO_DEFAULTS.maxImportMegapixels;
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

  async openProject(dir: string): Promise<Project> {
    if (this.current && this.current.project.dir === path.resolve(dir)) return this.current.project;
    const project = await openProject(dir);
    await this.closeProject();
    return this.adopt(project);
  }

  async closeProject(): Promise<void> {
    if (!this.current) return;
    this.jobs.cancelAll();
    await this.jobs.idle();
    const { project } = this.current;
    this.current = null;
    await project.close();
    this.events.emit('project.changed', { project: null });
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
    return this.jobs.enqueue(project, 'import', { subjectId, paths, uploads: staged.length }, async (ctx) => {
      try {
        const { sources, missing, unreadable } = await collectSources(paths);
        const all: ImportSource[] = [...sources, ...staged];
        ctx.setTotal(all.length + missing.length + unreadable.length);
        for (const gone of missing) {
          ctx.addResult(notFound(gone));
        }
        for (const folder of unreadable) ctx.addResult(folder);
        const summary = await importPhotos(project, subjectId, all, {
          maxPixels: this.maxImportMegapixels * 1e6,
          signal: ctx.signal,
          onResult: (result) => ctx.addResult(result),
        });
        if (summary.imported > 0) this.events.emit('library.changed', { subjectId });
        return summary.fatal ? { error: summary.fatal } : undefined;
      } finally {
        await staging.release(staged);
      }
    });
  }

  /** The face pipeline, created on first use with the user's execution-provider setting. */
  faceAnalyzer(): FaceAnalyzer {
    this.analyzer ??= new FaceAnalyzer({ provider: this.options.provider ?? readProviderSetting(this.options.settingsDir) });
    return this.analyzer;
  }

  /** Releases the inference sessions (before the process exits). */
  async dispose(): Promise<void> {
    await this.closeProject();
    await this.analyzer?.dispose();
    this.analyzer = null;
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
    const analyzer = this.faceAnalyzer();
    return this.jobs.enqueue(project, 'analyze', { subjectId: options.subjectId ?? null, force: options.force === true }, async (ctx) => {
      let processed = 0;
      const summary = await analyzePhotos(project, analyzer, {
        subjectId: options.subjectId,
        force: options.force,
        signal: ctx.signal,
        onTotal: (total) => ctx.setTotal(total),
        onPhoto: (photoId, outcome, message) => {
          const name = project.library.reads.getPhoto(photoId)?.originalName ?? String(photoId);
          const item = analyzeJobItem(photoId, name, outcome, message);
          processed++;
          if (item) {
            ctx.setDone(processed - 1);
            ctx.addResult(item);
          } else {
            ctx.setDone(processed);
          }
          options.onPhoto?.(name, outcome, message);
        },
      });
      this.events.emit('library.changed', { subjectId: options.subjectId ?? null });
      options.onSummary?.(summary);
    });
  }

  /**
   * Starts one coarse-reconstruction job per subject (or for `subjectId`) on a pack: missing face
   * analyses are run first, results are stored per photo. Returns the job ids.
   */
  startReconstruct(options: StartReconstructOptions): number[] {
    return startReconstructJobs(this, options);
  }

  /** The installed packs, with the starter head generated on first use. */
  async listPacks(): ReturnType<PackStore['list']> {
    this.starterPack ??= ensureStarterPack(this.packs);
    await this.starterPack;
    return this.packs.list();
  }

  /**
   * Starts an export job: loads the pack, builds the rigged head and writes GLB or FBX to
   * `request.outPath` or the project's `exports/` folder. The job's one result names the file.
   */
  startExport(request: ExportHeadRequest): number {
    const project = this.requireProject();
    const ext = `.${request.format}`;
    if (request.outPath && (!path.isAbsolute(request.outPath) || path.extname(request.outPath).toLowerCase() !== ext)) {
      throw new ApiError('bad-request', `outPath must be an absolute path ending in ${ext}`);
    }
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    // A subject's head: its reconstructed shape (checked now, so the dialog hears about it at once).
    const person = request.subjectId === undefined ? null : subjectShape(project, request.subjectId, request.packId);
    const subjectName = request.subjectId === undefined ? '' : `${slug(project.library.reads.getSubject(request.subjectId)!.name)}-`;
    const out = request.outPath ?? path.join(project.dir, 'exports', `${subjectName}${request.packId}-${stamp}${ext}`);
    return this.jobs.enqueue(project, 'export', { ...request, outPath: out }, async (ctx) => {
      ctx.setTotal(1);
      this.starterPack ??= ensureStarterPack(this.packs);
      await this.starterPack;
      const model = await this.packs.load(request.packId).catch((error: Error) => {
        throw new ApiError('not-found', error.message);
      });
      // A person's head also takes their skin from the photos it was reconstructed from.
      const texture = person && request.textures !== false && model.uv ? await subjectTexture(project, model, request.subjectId!, request.textureSize ?? 1024) : null;
      const { bytes, summary } = await exportPackHead(model, { ...request, shape: person?.shape ?? request.shape, albedoPng: texture?.png });
      await fs.mkdir(path.dirname(out), { recursive: true });
      await writeFileAtomic(out, bytes, path.dirname(out));
      ctx.addResult({ source: out, outcome: 'imported', photoId: null, code: null, message: summary });
    });
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

  private async adopt(project: Project): Promise<Project> {
    this.current = { project, staging: new StagingArea(path.join(project.store.tmpDir, 'staging')) };
    const info = project.info();
    await this.recent.add({ path: info.path, name: info.name }).catch(() => undefined);
    this.events.emit('project.changed', { project: info });
    return project;
  }
}

/** A file-name-safe form of a subject's name. */
function slug(name: string): string {
  return name.normalize('NFKD').replace(/[^\w-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'subject';
}

function notFound(source: string): ImportFileResult {
  return { source, outcome: 'failed', photoId: null, code: 'unreadable', message: 'No such file or folder' };
}
