import type { ReconstructedHeadMesh } from '../../core/api/contract';
import type { HeadModel } from '../../core/head-model/head-model';
import { HeadModelEvaluator } from '../../core/head-model/head-model-evaluator';
import { poseHead } from '../../core/geometry/pose-head';
import { opaqueTriangles } from '../../core/geometry/opaque-triangles';
import type { PackStore } from '../packs/pack-store';
import type { Project } from '../project/project';
import { hasSubjectAlbedo } from './albedo-store';
import { listReconstructions, type StoredReconstruction } from './reconstruction-store';
import { latestReconstruction } from './reconstruction-view';

/**
 * A photo's reconstructed head for the 3D view: the subject's shared shape with the photo's
 * expression and jaw, facing forward (the photo's head turn is left to the viewer's orbit camera).
 * Null when the photo has no reconstruction.
 *
 * ```ts
 * const mesh = await photoHeadMesh(project, studio.packs, photoId);
 * ```
 */
export async function photoHeadMesh(project: Project, store: PackStore, photoId: number): Promise<ReconstructedHeadMesh | null> {
  const photo = project.library.reads.getPhoto(photoId);
  const rec = photo && latestReconstruction(project, photoId);
  if (!photo || !rec) return null;
  const model = await store.load(rec.packId);
  return headMesh(project, model, rec, photo.subjectId, photoId);
}

/**
 * A subject's shared head (their shape, neutral expression, rest pose) on a pack — the newest pack
 * they were reconstructed on when none is named. Null without a reconstruction there.
 *
 * ```ts
 * const mesh = await subjectHeadMesh(project, studio.packs, subjectId);
 * ```
 */
export async function subjectHeadMesh(project: Project, store: PackStore, subjectId: number, packId?: string): Promise<ReconstructedHeadMesh | null> {
  const photoIds = new Set(project.library.reads.listPhotos(subjectId).map((p) => p.id));
  const recs = listReconstructions(project.library.db, packId).filter((r) => photoIds.has(r.photoId));
  const rec = recs.sort((a, b) => b.id - a.id)[0];
  if (!rec) return null;
  const model = await store.load(rec.packId);
  return headMesh(project, model, rec, subjectId, null);
}

function headMesh(project: Project, model: HeadModel, rec: StoredReconstruction, subjectId: number, photoId: number | null): ReconstructedHeadMesh {
  const p = rec.parameters;
  const ev = new HeadModelEvaluator(model);
  const expression = photoId === null ? new Float64Array(model.expression.count) : Float64Array.from(p.expression);
  const jaw = (photoId === null ? [0, 0, 0] : p.jaw) as [number, number, number];
  const out = poseHead(ev, model, p.shape, { rotation: [0, 0, 0], jaw, expression });
  const keep = opaqueTriangles(model.triangles, model.regions.overlays);
  let T = 0;
  for (let t = 0; t < keep.length; t++) T += keep[t]!;
  const positions = new Float32Array(T * 9), normals = new Float32Array(T * 9);
  const uvs = model.uv ? new Float32Array(T * 6) : null;
  let k = 0;
  for (let t = 0; t < keep.length; t++) {
    if (!keep[t]) continue;
    for (let c = 0; c < 3; c++, k++) {
      const v = model.triangles[t * 3 + c]!;
      for (let d = 0; d < 3; d++) (positions[k * 3 + d] = out.vertices[v * 3 + d]!), (normals[k * 3 + d] = out.normals[v * 3 + d]!);
      if (uvs && model.uv) {
        const u = model.uv.triangles[t * 3 + c]!;
        uvs[k * 2] = model.uv.coords[u * 2]!;
        uvs[k * 2 + 1] = model.uv.coords[u * 2 + 1]!;
      }
    }
  }
  return {
    packId: model.id,
    subjectId,
    photoId,
    triangleCount: T,
    positions: base64(positions),
    normals: base64(normals),
    uvs: uvs && base64(uvs),
    hasAlbedo: hasSubjectAlbedo(project.library.db, subjectId, model.id),
  };
}

const base64 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
