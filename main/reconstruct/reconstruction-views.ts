import type { FitStyle, ReconstructedHeadMesh, ReconstructionView } from '../../core/api/contract';
import { fitLandmarks } from '../../core/reconstruct/fit-photos';
import type { PhotoFitWithReconstruction, StoredReconstruction } from '../library/reconstructions-table';
import { detailStamp, loadDetail } from '../detail/stored-detail';
import type { Studio } from '../services/studio';
import { photoFitOf, storedAlbedo, storedEyeColours } from './stored-results';

export interface FitImageOptions {
  /** Longest side of the image (the photo's own size when smaller). */
  maxSide: number;
  /** 'grey': the preview shading; 'shaded': albedo ⊙ the photo's SH lighting (grey without a stored albedo). */
  style: FitStyle;
  /** A pack's reconstruction instead of the newest on any pack. */
  packId?: string;
}

export const FIT_IMAGE_DEFAULTS: FitImageOptions = { maxSide: 1024, style: 'grey' };

/**
 * What the photo viewer shows of a photo's newest reconstruction (on a pack, or any): errors and the
 * model's 68 landmarks projected into the photo — read from the library, never solved again.
 *
 * ```ts
 * const view = await reconstructionView(studio, photoId);
 * ```
 */
export async function reconstructionView(studio: Studio, photoId: number, packId?: string): Promise<ReconstructionView | null> {
  const project = studio.requireProject();
  const fit = project.library.reconstructions.latestFitOfPhoto(photoId, packId);
  if (!fit) return null;
  return {
    photoId,
    packId: fit.reconstruction.packId,
    nme: fit.metrics.nme,
    nmeSingle: fit.metrics.nmeSingle,
    jointPhotoCount: fit.reconstruction.photoIds.length,
    modelLandmarks68: fit.fit.modelLandmarks68 ?? (await projectedLandmarks(studio, fit)),
    photometricRms: fit.metrics.photometricRms ?? null,
    identityDistance: fit.metrics.identityDistance ?? null,
    detail: fit.metrics.detail ?? null,
    subjectId: fit.reconstruction.subjectId,
    createdAt: fit.reconstruction.createdAt,
  };
}

/** The model's 68 landmarks for fits stored before they were kept with the fit (rows from version 5). */
async function projectedLandmarks(studio: Studio, fit: PhotoFitWithReconstruction): Promise<number[][]> {
  const tables = await studio.models.tables(await studio.models.pack(fit.reconstruction.packId));
  const p = fitLandmarks(tables.points, fit.reconstruction.shape, photoFitOf(fit));
  return Array.from({ length: 68 }, (_, l) => [p[l * 2]!, p[l * 2 + 1]!]);
}

/**
 * A photo's fitted head rendered with the photo's camera on a transparent background (PNG), for the
 * UI to blend over the photo; rendered once per reconstruction and style (then cached). Null when the
 * photo has no reconstruction.
 *
 * ```ts
 * const png = await fitImage(studio, photoId, { style: 'shaded' });
 * ```
 */
export async function fitImage(studio: Studio, photoId: number, options: Partial<FitImageOptions> = {}): Promise<Uint8Array | null> {
  const o = { ...FIT_IMAGE_DEFAULTS, ...options };
  const project = studio.requireProject();
  const photo = project.library.reads.getPhoto(photoId);
  const fit = photo && project.library.reconstructions.latestFitOfPhoto(photoId, o.packId);
  if (!photo || !fit) return null;
  const rec = fit.reconstruction;
  const k = Math.min(1, o.maxSide / Math.max(photo.width, photo.height));
  const shaded = o.style !== 'grey' && !!fit.fit.light;
  // 'detail' without a detail layer is the shaded render; the key names the layer's solve, which a re-run replaces.
  const detail = shaded && o.style === 'detail' ? loadDetail(project, rec.id) : null;
  const key = `fit:${rec.id}:${photoId}:${shaded ? 'shaded' : 'grey'}:${detail ? `detail-${detail.meta.version}-${detail.meta.seconds}` : ''}:${o.maxSide}`;
  return studio.views.get(
    key,
    async () => {
      const pack = await studio.models.pack(rec.packId);
      return studio.pool.run('render.fit', {
        pack,
        tables: null,
        shape: rec.shape,
        fit: photoFitOf(fit),
        width: Math.max(1, Math.round(photo.width * k)),
        height: Math.max(1, Math.round(photo.height * k)),
        k,
        style: shaded ? 'shaded' : 'grey',
        albedo: shaded ? await storedAlbedo(project, rec.id) : null,
        light: fit.fit.light ?? null,
        detail: detail ? { ...detail.stored, size: detail.meta.size } : null,
        background: null,
        opacity: 1,
        markers: null,
      });
    },
    (png) => png.byteLength,
  );
}

/**
 * A photo's reconstructed head for the 3D view: the subject's shared shape with the photo's
 * expression and jaw, facing forward (the viewer's orbit camera does the turning). Null when the
 * photo has no reconstruction.
 *
 * ```ts
 * const mesh = await photoHeadMesh(studio, photoId, 'ict-facekit');
 * ```
 */
export async function photoHeadMesh(studio: Studio, photoId: number, packId?: string): Promise<ReconstructedHeadMesh | null> {
  const fit = studio.requireProject().library.reconstructions.latestFitOfPhoto(photoId, packId);
  if (!fit) return null;
  const mesh = await headMesh(studio, fit.reconstruction, photoId, fit.fit.expression, fit.fit.jaw);
  const photo = studio.requireProject().library.reads.getPhoto(photoId);
  const { rotation, camera } = photoFitOf(fit);
  return { ...mesh, photoView: photo ? { rotation, camera: { scale: camera.scale, tx: camera.tx, ty: camera.ty }, width: photo.width, height: photo.height } : null };
}

/**
 * A subject's shared head (their shape, neutral expression, rest pose) on a pack — the newest pack
 * they were reconstructed on when none is named. Null without a reconstruction there.
 *
 * ```ts
 * const mesh = await subjectHeadMesh(studio, subjectId);
 * ```
 */
export async function subjectHeadMesh(studio: Studio, subjectId: number, packId?: string): Promise<ReconstructedHeadMesh | null> {
  const rec = studio.requireProject().library.reconstructions.latestForSubject(subjectId, packId);
  if (!rec) return null;
  return headMesh(studio, rec, null, null, null);
}

async function headMesh(studio: Studio, rec: StoredReconstruction, photoId: number | null, expression: number[] | null, jaw: number[] | null): Promise<ReconstructedHeadMesh> {
  const project = studio.requireProject();
  // The person's eye colours come with the albedo: the key says which ones the eye texture was painted with.
  const eyeColours = storedEyeColours(project.library.maps.get(rec.id, 'vertex-albedo')?.meta ?? {});
  // The geometry is made once; whether a texture is stored is read each time (maps can be added later).
  const mesh = await studio.views.get(
    `mesh:${rec.id}:${photoId ?? 'neutral'}:${eyeColours ? [...eyeColours.sclera, ...eyeColours.iris].join(',') : 'default-eyes'}`,
    async () => {
      const pack = await studio.models.pack(rec.packId);
      const m = await studio.pool.run('head.mesh', { pack, shape: rec.shape, expression, jaw, eyeColours });
      const b64 = { positions: base64(m.positions), normals: base64(m.normals), uvs: m.uvs && base64(m.uvs), tangents: m.tangents && base64(m.tangents) };
      const parts = Buffer.from(m.parts.buffer, m.parts.byteOffset, m.parts.byteLength).toString('base64');
      const eyeTexture = m.eyeTexture && Buffer.from(m.eyeTexture.buffer, m.eyeTexture.byteOffset, m.eyeTexture.byteLength).toString('base64');
      return { packId: rec.packId, subjectId: rec.subjectId, photoId, reconstructionId: rec.id, triangleCount: m.triangleCount, ...b64, parts, eyeTexture };
    },
    (m) => m.positions.length * 2 + (m.uvs?.length ?? 0) + (m.tangents?.length ?? 0) + m.parts.length + (m.eyeTexture?.length ?? 0),
  );
  const hasDetail = !!mesh.uvs && detailStamp(project, rec.id) !== null;
  // Tangents serve the detail normal map alone: a head without one is not sent them.
  return { ...mesh, tangents: hasDetail ? mesh.tangents : null, hasAlbedo: project.library.maps.has(rec.id, 'albedo'), hasDetail };
}

/** Side of the 3D views' detail normal map: 4× the detail's 256² — finer adds bytes, not detail. */
export const DETAIL_NORMAL_SIZE = 1024;

/**
 * A reconstruction's detail normal map for the 3D views (PNG, tangent space, OpenGL convention, in
 * its pack's UV layout), baked in a worker once per detail solve: the static detail on the subject's
 * head, or with a photo of the reconstruction (`photoId`) that plus the wrinkles its expression
 * activates, as that photo's 3D head wears them. Null without a detail layer (or without that photo).
 *
 * ```ts
 * const png = await detailNormalImage(studio, mesh.reconstructionId, mesh.photoId);
 * ```
 */
export async function detailNormalImage(studio: Studio, reconstructionId: number, photoId: number | null = null): Promise<Uint8Array | null> {
  const project = studio.requireProject();
  const recs = project.library.reconstructions;
  const rec = recs.get(reconstructionId);
  const fit = rec && photoId !== null ? recs.fit(rec.id, photoId) : null;
  const stamp = rec ? detailStamp(project, rec.id) : null;
  if (!rec || !stamp || (photoId !== null && !fit)) return null;
  // The stamp changes when the detail is solved again: an older map is never shown for a new solve.
  return studio.views.get(
    `detail-normal:${rec.id}:${photoId ?? 'neutral'}:${stamp}:${DETAIL_NORMAL_SIZE}`,
    async () => {
      const detail = loadDetail(project, rec.id);
      if (!detail) throw new Error(`Reconstruction ${rec.id} has no detail layer`);
      const pack = await studio.models.pack(rec.packId);
      return studio.pool.run('detail.normal', { pack, shape: rec.shape, detail: detail.maps, expression: fit?.fit.expression ?? null, jaw: fit?.fit.jaw ?? null, textureSize: DETAIL_NORMAL_SIZE });
    },
    (png) => png.byteLength,
  );
}

const base64 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
