import type { EyeColours } from '../../core/texture/eye-colours';
import sharp from 'sharp';
import { ApiError } from '../../core/api/api-error';
import type { PhotoFit } from '../../core/geometry/ortho-camera';
import type { AlbedoMaps } from '../compute/compute-tasks';
import { toShared } from '../compute/shared-data';
import type { StoredMap } from '../library/maps-table';
import type { PhotoFitWithReconstruction, StoredPhotoFit, StoredReconstruction } from '../library/reconstructions-table';
import type { Project } from '../project/project';

/**
 * The solved albedo as library maps: the texture as PNG (pack UV layout) and the per-vertex albedo
 * for parts outside it as raw RGB bytes.
 *
 * ```ts
 * for (const m of await albedoMapsOf(solved, photoIds)) library.maps.put({ ...m, reconstructionId });
 * ```
 */
export async function albedoMapsOf(albedo: AlbedoMaps, photoIds: readonly number[]): Promise<Omit<StoredMap, 'reconstructionId'>[]> {
  const out: Omit<StoredMap, 'reconstructionId'>[] = [];
  const t = albedo.texture;
  if (t) {
    const png = await sharp(Buffer.from(t.rgb.buffer, t.rgb.byteOffset, t.rgb.byteLength), { raw: { width: t.size, height: t.size, channels: 3 } }).png().toBuffer();
    out.push({ kind: 'albedo', width: t.size, height: t.size, format: 'png', data: png, meta: { photoIds: [...photoIds], coverage: albedo.coverage } });
  }
  const v = albedo.vertexAlbedo;
  if (v) {
    const bytes = Buffer.from(Uint8Array.from(v, (x) => Math.round(Math.min(1, Math.max(0, x)) * 255)));
    // The eye colours travel with the eyes' per-vertex albedo they were measured from (exports paint the eye material with them).
    out.push({ kind: 'vertex-albedo', width: v.length / 3, height: 1, format: 'rgb8', data: bytes, meta: albedo.eyes ? { eyes: albedo.eyes } : {} });
  }
  return out;
}

/**
 * A reconstruction's stored albedo decoded for rendering (shared memory, so workers read it in
 * place); null when it has none.
 *
 * ```ts
 * const albedo = await storedAlbedo(project, rec.id);
 * ```
 */
export async function storedAlbedo(project: Project, reconstructionId: number): Promise<AlbedoMaps | null> {
  const tex = project.library.maps.get(reconstructionId, 'albedo');
  const vert = project.library.maps.get(reconstructionId, 'vertex-albedo');
  if (!tex && !vert) return null;
  const rgb = tex ? new Uint8Array(await sharp(tex.data).removeAlpha().raw().toBuffer()) : null;
  return toShared({
    texture: tex && rgb ? { size: tex.width, rgb } : null,
    vertexAlbedo: vert ? Float32Array.from(vert.data, (b) => b / 255) : null,
    coverage: tex ? Number(tex.meta.coverage ?? 0) : 0,
    eyes: vert ? storedEyeColours(vert.meta) : null,
  });
}

/**
 * A stored photo fit as the fitter's type.
 *
 * ```ts
 * const fit = photoFitOf(stored);
 * ```
 */
export function photoFitOf(stored: StoredPhotoFit): PhotoFit {
  const f = stored.fit;
  return { rotation: f.rotation as [number, number, number], jaw: f.jaw as [number, number, number], expression: Float64Array.from(f.expression), camera: f.camera };
}

/**
 * A photo's newest fit (on a pack, or any), or a not-found error that says what to do.
 *
 * ```ts
 * const fit = requirePhotoFit(project, photoId, packId);
 * ```
 */
export function requirePhotoFit(project: Project, photoId: number, packId?: string): PhotoFitWithReconstruction {
  const fit = project.library.reconstructions.latestFitOfPhoto(photoId, packId);
  if (!fit) throw new ApiError('not-found', `Photo ${photoId} has no reconstruction${packId ? ` on ${packId}` : ''}: run deca-studio reconstruct first`);
  return fit;
}

/**
 * A subject's newest reconstruction (on a pack, or any), or a not-found error naming the subject.
 *
 * ```ts
 * const rec = requireSubjectReconstruction(project, subjectId, 'ict-facekit');
 * ```
 */
export function requireSubjectReconstruction(project: Project, subjectId: number, packId?: string): StoredReconstruction {
  const subject = project.library.reads.getSubject(subjectId);
  if (!subject) throw new ApiError('not-found', `No subject with id ${subjectId}`);
  const rec = project.library.reconstructions.latestForSubject(subjectId, packId);
  if (!rec) throw new ApiError('not-found', `“${subject.name}” has no reconstruction${packId ? ` on ${packId}` : ''} yet: reconstruct the subject first`);
  return rec;
}

/**
 * The eye colours stored in a vertex-albedo map's meta (see `albedoMapsOf`), checked; null when
 * absent or malformed (reconstructions from before eye colours were measured).
 *
 * ```ts
 * const eyes = storedEyeColours(project.library.maps.get(rec.id, 'vertex-albedo')?.meta ?? {});
 * ```
 */
export function storedEyeColours(meta: Record<string, unknown>): EyeColours | null {
  const e = meta.eyes as { sclera?: unknown; iris?: unknown } | undefined;
  const rgb = (x: unknown): x is [number, number, number] => Array.isArray(x) && x.length === 3 && x.every((c) => typeof c === 'number' && c >= 0 && c <= 1);
  return e && rgb(e.sclera) && rgb(e.iris) ? { sclera: e.sclera, iris: e.iris } : null;
}
