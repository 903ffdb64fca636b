import { subjectRig } from '../expression/subject-rig';
import { SubjectNeutrals } from '../expression/subject-neutrals';
import { ApiError } from '../../core/api/api-error';
import type { ApiHandlers, PhotoFaces } from '../../core/api/contract';
import { readCanonicalFaceMeshAsset } from '../packs/starter-pack';
import { parseCanonicalFaceMesh } from '../../core/starter-head/canonical-face-mesh';
import type { StoredFaceAnalysis } from '../library/face-analyses-table';
import { photoHeadMesh, reconstructionView, subjectHeadMesh } from '../reconstruct/reconstruction-views';
import { startReconstructJobs } from '../reconstruct/start-reconstruct';
import { checkDetailMethod, startDetailJobs } from '../detail/start-detail';
import { swapView, toSwapView } from '../detail/swap-view';
import { subjectReview } from '../reconstruct/subject-review';
import { photoPinsView, pickPinPoint, refitPinnedPhoto, setPhotoPins, undoPhotoPins } from '../reconstruct/photo-pin-edits';
import { deleteExpression, listExpressions, saveExpression } from '../expression/expression-api';
import { createClipFromPhotos, updateClip } from '../expression/clip-library';
import { startClipFromFrames } from '../expression/start-clip-from-frames';
import { workerArkitService } from '../expression/arkit-solve-service';
import { workerPhotoExpressions } from '../expression/photo-expression-source';
import type { Studio } from './studio';

/**
 * Binds every method of the API contract to the studio's services. Requests reach these
 * handlers already validated (see `validateRequest`); transports only add authentication.
 *
 * ```ts
 * const handlers = createApiHandlers(studio);
 * const subjects = await handlers['subjects.list']({});
 * ```
 */
export function createApiHandlers(studio: Studio): ApiHandlers {
  const library = () => studio.requireProject().library;
  const changed = (subjectId: number | null) => studio.events.emit('library.changed', { subjectId });

  let meshTriangles: Promise<number[]> | null = null;
  const photoOf = (photoId: number) => {
    const photo = library().reads.getPhoto(photoId);
    if (!photo) throw new ApiError('not-found', `No photo with id ${photoId}`);
    return photo;
  };

  return {
    'app.info': () => studio.appInfo(),
    'project.create': async ({ path, name }) => (await studio.createProject(path, name)).info(),
    'project.open': async ({ path }) => (await studio.openProject(path)).info(),
    'project.close': async () => {
      await studio.closeProject();
      return null;
    },

    'subjects.list': async () => library().reads.listSubjects(),
    'subjects.create': async ({ name, notes }) => {
      const lib = library();
      if (lib.reads.findSubjectByName(name)) throw new ApiError('conflict', `A subject named "${name}" already exists`);
      const id = lib.writes.createSubject(name, notes ?? '');
      changed(id);
      return lib.reads.getSubject(id)!;
    },
    'subjects.rename': async ({ id, name }) => {
      const lib = library();
      const clash = lib.reads.findSubjectByName(name);
      if (clash && clash.id !== id) throw new ApiError('conflict', `A subject named "${name}" already exists`);
      if (!lib.writes.renameSubject(id, name)) throw new ApiError('not-found', `No subject with id ${id}`);
      changed(id);
      return lib.reads.getSubject(id)!;
    },
    'subjects.delete': async ({ id }) => {
      const project = studio.requireProject();
      if (!project.library.reads.getSubject(id)) throw new ApiError('not-found', `No subject with id ${id}`);
      const shas = project.library.writes.deleteSubject(id);
      await removeUnusedContent(studio, shas);
      changed(id);
      return null;
    },

    'photos.list': async ({ subjectId }) => library().reads.listPhotos(subjectId),
    'photos.delete': async ({ id }) => {
      const lib = library();
      const photo = lib.reads.getPhoto(id);
      if (!photo) throw new ApiError('not-found', `No photo with id ${id}`);
      lib.writes.deletePhoto(id);
      await removeUnusedContent(studio, [photo.sha256]);
      changed(photo.subjectId);
      return null;
    },

    'import.start': async ({ subjectId, paths, stagedIds }) => {
      if (!paths?.length && !stagedIds?.length) throw new ApiError('bad-request', 'Nothing to import: give files, folders or uploads');
      return { jobId: studio.startImport(subjectId, paths ?? [], stagedIds ?? []) };
    },
    'analyze.start': async ({ subjectId, force }) => ({ jobId: studio.startAnalyze({ subjectId, force }) }),
    'photos.faces': async ({ photoId }) => {
      photoOf(photoId);
      const stored = library().faces.get(photoId);
      return stored ? toPhotoFaces(stored) : null;
    },
    'photos.selectFace': async ({ photoId, face }) => {
      photoOf(photoId);
      try {
        const updated = toPhotoFaces(library().faces.selectFace(photoId, face));
        changed(photoOf(photoId).subjectId);
        return updated;
      } catch (error) {
        throw new ApiError('bad-request', (error as Error).message);
      }
    },
    'detail.start': async ({ subjectId, packId, force, method }) => {
      const packs = await studio.listPacks();
      if (!packs.some((p) => p.id === packId)) throw new ApiError('not-found', `No model pack "${packId}" is installed`);
      await checkDetailMethod(studio, packId, method);
      return { jobIds: startDetailJobs(studio, { subjectId, packId, force, method, reconstruct: { identity: true } }) };
    },
    'reconstruct.start': async ({ subjectId, packId, force }) => {
      const packs = await studio.listPacks();
      if (!packs.some((p) => p.id === packId)) throw new ApiError('not-found', `No model pack "${packId}" is installed`);
      // The studio shows every metric, the identity check on the textured render included (~0.5 s a photo).
      return { jobIds: startReconstructJobs(studio, { subjectId, packId, force, identity: true }) };
    },
    'photos.reconstruction': async ({ photoId, packId }) => {
      photoOf(photoId);
      return reconstructionView(studio, photoId, packId);
    },
    'photos.head': async ({ photoId, packId }) => {
      photoOf(photoId);
      return photoHeadMesh(studio, photoId, packId);
    },
    'subjects.rig': async ({ subjectId, packId }) => {
      if (!library().reads.getSubject(subjectId)) throw new ApiError('not-found', `No subject with id ${subjectId}`);
      return subjectRig(studio, subjectId, packId);
    },
    'subjects.review': async ({ subjectId, packId }) => subjectReview(studio.requireProject(), subjectId, packId),
    // The swap runs in a compute worker; its render is kept for the `swap` media request that follows.
    'detail.swap': async (req) => toSwapView(await swapView(studio, req)),
    'pins.get': async ({ photoId }) => photoPinsView(studio.requireProject(), photoId),
    'pins.set': async ({ photoId, pins, pack }) => {
      const packs = async () => (await studio.listPacks(), studio.packs);
      const view = await setPhotoPins(studio.requireProject(), packs, photoId, { pins, ...(pack ? { pack } : {}) });
      changed(photoOf(photoId).subjectId);
      return view;
    },
    'pins.pick': async ({ photoId, x, y, packId }) => pickPinPoint(studio, photoId, x, y, packId),
    'pins.undo': async ({ photoId }) => {
      const view = undoPhotoPins(studio.requireProject(), photoId);
      changed(photoOf(photoId).subjectId);
      return view;
    },
    'pins.refit': async ({ photoId, packId, pins, pack }) => refitPinnedPhoto(studio, photoId, packId, pins ? { pins, ...(pack ? { pack } : {}) } : undefined),
    'subjects.head': async ({ subjectId, packId }) => {
      if (!library().reads.getSubject(subjectId)) throw new ApiError('not-found', `No subject with id ${subjectId}`);
      return subjectHeadMesh(studio, subjectId, packId);
    },
    'subjects.reconstructions': async ({ subjectId }) => {
      if (!library().reads.getSubject(subjectId)) throw new ApiError('not-found', `No subject with id ${subjectId}`);
      return library().reconstructions.listForSubject(subjectId).map((r) => ({ packId: r.packId, reconstructionId: r.id, photoCount: r.photoIds.length, createdAt: r.createdAt }));
    },
    'perception.meshTriangles': async () => {
      meshTriangles ??= readCanonicalFaceMeshAsset().then((bytes) => Array.from(parseCanonicalFaceMesh(bytes).triangles));
      return meshTriangles;
    },
    // The UI gets no file-system paths or sizes, only what describes the pack.
    'settings.get': () => studio.settingsInfo(),
    'settings.set': (patch) => studio.updateSettings(patch),
    'packs.list': () => studio.packInfos(),
    'packs.install': (request) => studio.installPack(request),
    'packs.remove': async ({ id }) => {
      await studio.removePack(id);
      return null;
    },
    'packs.evaluate': async (request) => {
      const m = await studio.pool.run('pack.evaluate', { pack: await studio.models.pack(request.packId), request });
      return { ...m, positions: base64(m.positions), normals: base64(m.normals), indices: m.indices && base64(m.indices), landmarks: base64(m.landmarks) };
    },
    'export.start': async (req) => ({ jobId: studio.startExport(req) }),
    'expressions.list': (req) => listExpressions(studio, req),
    'expressions.save': async (req) => saveExpression(studio, req),
    'expressions.delete': async ({ id }) => deleteExpression(studio, id),
    'clips.list': async () => library().clips.list(),
    'clips.get': async ({ id }) => {
      const stored = library().clips.get(id);
      if (!stored) throw new ApiError('not-found', `No clip with id ${id}`);
      const { clip, ...summary } = stored;
      // Each key with the neutral it is relative to (its photo's person's), as the viewer plays it.
      const neutrals = new SubjectNeutrals(studio.requireProject(), workerPhotoExpressions(studio.models, studio.pool));
      const keys = [];
      for (const k of clip.keys) {
        const neutral = await neutrals.ofRecord(k.expression);
        keys.push({ time: k.time, arkit: Array.from(k.expression.arkit), jawPose: k.expression.jawPose, neutral: neutral ? Array.from(neutral) : null });
      }
      return { ...summary, keys };
    },
    'clips.create': async ({ name, photoIds, fps, smooth }) => {
      const clip = await createClipFromPhotos(studio.requireProject(), name, photoIds, { fps, smooth, source: workerPhotoExpressions(studio.models, studio.pool) });
      changed(null);
      return clip;
    },
    'clips.update': async ({ id, name, edits }) => {
      const clip = updateClip(studio.requireProject(), id, { name, edits });
      changed(null);
      return clip;
    },
    'clips.createFromFrames': async (req) => ({ jobId: startClipFromFrames(studio, req, workerArkitService(studio.models, studio.pool)) }),
    'clips.delete': async ({ id }) => {
      library().clips.remove(id);
      changed(null);
      return null;
    },
    'jobs.list': async () => library().reads.listJobs(),
    'jobs.get': async ({ id }) => {
      const lib = library();
      const job = lib.reads.getJob(id);
      if (!job) throw new ApiError('not-found', `No job with id ${id}`);
      return { job, items: lib.reads.listJobItems(id) };
    },
    'jobs.cancel': async ({ id }) => {
      if (!library().reads.getJob(id)) throw new ApiError('not-found', `No job with id ${id}`);
      studio.jobs.cancel(id);
      return null;
    },
  };
}

/** What the UI draws: the stored analysis without embeddings and crop transforms. */
function toPhotoFaces(stored: StoredFaceAnalysis): PhotoFaces {
  return {
    photoId: stored.photoId,
    selectedFace: stored.selectedFace,
    analyzedAt: stored.analyzedAt,
    faces: stored.faces.map(({ box, score, status, landmarks68, mesh468, pose, profile }) => ({
      box, score, status, landmarks68, mesh468, pose,
      // The viewer says whether a profile was read (and draws its points) or needs pins.
      ...(status === 'profile' ? { profile: profile ? { points: profile.points } : null } : {}),
    })),
  };
}

/** Files are shared by content across subjects: remove them only when no row uses them any more. */
async function removeUnusedContent(studio: Studio, shas: readonly string[]): Promise<void> {
  const project = studio.requireProject();
  for (const sha of new Set(shas)) {
    if (project.library.reads.contentUseCount(sha) === 0) await project.store.removeContent(sha);
  }
}

const base64 = (a: Float32Array | Uint32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
