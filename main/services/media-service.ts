import path from 'node:path';
import { ApiError } from '../../core/api/api-error';
import { swapView } from '../detail/swap-view';
import { detailNormalImage, fitImage } from '../reconstruct/reconstruction-views';
import type { Studio } from './studio';

/** What a media request answers: bytes or a file, its type and caching; or why there is none. */
export type MediaResponse =
  | { ok: true; contentType: string; body: Uint8Array | { file: string }; immutable: boolean; downloadName: string | null }
  | { ok: false; status: 404 | 405; message: string };

/** The kinds of media the UI loads: photos, thumbnails, fitted-head renders, albedo and detail normal textures, detail-swap renders, exported files. */
export const MEDIA_KINDS = ['thumb', 'photo', 'fit', 'albedo', 'detail-normal', 'swap', 'export'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/** A pack id as the API's validator takes it (see core/api/validate-request.ts). */
const PACK_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

const notFound = (message: string): MediaResponse => ({ ok: false, status: 404, message });

/**
 * The one media service behind both transports — the browser server's `/media/<kind>/<id>` and
 * Electron's `deca-media://<kind>/<id>` — over the open project's files and stored results:
 * `thumb/<sha256>`, `photo/<sha256>`, `fit/<photoId>?style=grey|shaded|detail[&pack=<packId>]`, `albedo/<reconstructionId>`,
 * `detail-normal/<reconstructionId>[?photo=<photoId>]`, `swap/<photoId>?from=<photoId>[&pack=<packId>]`, `export/<jobId>`. Renders and normal maps come
 * from the view cache (made once per reconstruction and detail solve).
 *
 * ```ts
 * const r = await resolveMedia(studio, 'fit', '12', new URLSearchParams('style=shaded'));
 * ```
 */
export async function resolveMedia(studio: Studio, kind: string, id: string, query: URLSearchParams): Promise<MediaResponse> {
  const project = studio.project;
  if (!project) return notFound('No project is open');
  const reads = project.library.reads;
  switch (kind) {
    case 'thumb':
    case 'photo': {
      if (!/^[0-9a-f]{64}$/.test(id)) return notFound('No such photo');
      const photo = reads.findPhotoWithContent(id);
      if (!photo) return notFound('No such photo');
      const file = kind === 'thumb' ? project.store.thumbnailPath(id) : project.store.originalPath(id, photo.format);
      return { ok: true, contentType: kind === 'thumb' ? 'image/jpeg' : `image/${photo.format}`, body: { file }, immutable: true, downloadName: null };
    }
    case 'fit': {
      if (!/^\d{1,12}$/.test(id)) return notFound('No such photo');
      const style = query.get('style');
      const pack = query.get('pack');
      if (pack !== null && !PACK_ID.test(pack)) return notFound('No such head model');
      const png = await fitImage(studio, Number(id), { style: style === 'shaded' || style === 'detail' ? style : 'grey', packId: pack ?? undefined });
      return png ? { ok: true, contentType: 'image/png', body: png, immutable: false, downloadName: null } : notFound('No reconstruction for this photo');
    }
    case 'albedo': {
      if (!/^\d{1,12}$/.test(id)) return notFound('No such reconstruction');
      const map = project.library.maps.get(Number(id), 'albedo');
      return map ? { ok: true, contentType: 'image/png', body: map.data, immutable: true, downloadName: null } : notFound('No albedo for this reconstruction');
    }
    case 'detail-normal': {
      const photo = query.get('photo');
      if (!/^\d{1,12}$/.test(id) || (photo !== null && !/^\d{1,12}$/.test(photo))) return notFound('No such reconstruction');
      // Not immutable: solving the detail again replaces the map under the same URL.
      const png = await detailNormalImage(studio, Number(id), photo === null ? null : Number(photo));
      return png ? { ok: true, contentType: 'image/png', body: png, immutable: false, downloadName: null } : notFound('No detail layer for this reconstruction');
    }
    case 'swap': {
      const from = query.get('from'), pack = query.get('pack');
      if (!/^\d{1,12}$/.test(id) || from === null || !/^\d{1,12}$/.test(from) || (pack !== null && !PACK_ID.test(pack))) return notFound('No such swap');
      try {
        // The same cached run as the API's detail.swap: numbers and render agree.
        const r = await swapView(studio, { photoId: Number(id), fromPhotoId: Number(from), packId: pack ?? undefined });
        return r.png ? { ok: true, contentType: 'image/png', body: r.png, immutable: false, downloadName: null } : notFound('No swap render');
      } catch (error) {
        // What the request names does not exist (no fit, no detail layer); anything else is a real failure.
        if (error instanceof ApiError) return notFound(error.message);
        throw error;
      }
    }
    case 'export': {
      if (!/^\d{1,12}$/.test(id)) return notFound('No such export');
      const job = reads.getJob(Number(id));
      const file = job?.kind === 'export' && job.state === 'done' ? reads.listJobItems(job.id).find((i) => i.kind === 'output')?.name : undefined;
      return file ? { ok: true, contentType: 'application/octet-stream', body: { file }, immutable: false, downloadName: path.basename(file) } : notFound('No such export');
    }
    default:
      return notFound('Not found');
  }
}
