import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { ApiError } from '../../core/api/api-error';
import type { ExportHeadRequest } from '../../core/api/contract';
import { writeFileAtomic } from '../project/atomic-write';
import type { Project } from '../project/project';
import { requireSubjectReconstruction, storedEyeColours } from '../reconstruct/stored-results';
import type { EyeColours } from '../../core/texture/eye-colours';
import { loadDetail } from '../detail/stored-detail';
import type { DetailMaps } from '../../core/detail/detail-maps';
import type { Studio } from '../services/studio';
import { EXPORT_PACK_HEAD_DEFAULTS } from './export-pack-head';

export interface ExportedFile {
  path: string;
  /** One line for people: format, size and what the file holds. */
  summary: string;
  /** For a subject: the reconstruction it came from, and how many photos it was solved from. */
  reconstructionId: number | null;
  photoCount: number;
}

/**
 * The one export path (the studio's export job and the `export` CLI both call it): a pack head, or a
 * subject's head from their stored reconstruction — its shape, its stored albedo (resampled only
 * when another texture size is asked for) and its detail layer when solved — built in a worker as GLB or FBX and written atomically.
 * Nothing is solved again.
 *
 * ```ts
 * const { path } = await exportHeadFile(studio, project, { packId: 'ict-facekit', subjectId, format: 'glb' }, '/tmp/ann.glb');
 * ```
 */
export async function exportHeadFile(studio: Studio, project: Project | null, request: ExportHeadRequest, outPath: string, signal?: AbortSignal): Promise<ExportedFile> {
  await studio.ensureStarterPack();
  let shape = request.shape;
  let albedoPng: Uint8Array | undefined;
  let detail: DetailMaps | undefined;
  let eyeColours: EyeColours | null = null;
  let textureSize = request.textureSize;
  let rec = null;
  if (request.subjectId !== undefined) {
    if (!project) throw new ApiError('no-project', 'A subject is exported from a project: open one first');
    rec = requireSubjectReconstruction(project, request.subjectId, request.packId);
    shape = rec.shape;
    const stored = request.textures === false ? undefined : project.library.maps.get(rec.id, 'albedo');
    // Without a size asked for, the stored albedo's own (2048² after reconstruct --texture-size 2048).
    const size = request.textureSize ?? stored?.width ?? EXPORT_PACK_HEAD_DEFAULTS.textureSize;
    textureSize = size;
    eyeColours = storedEyeColours(project.library.maps.get(rec.id, 'vertex-albedo')?.meta ?? {});
    if (stored) albedoPng = stored.width === size ? stored.data : await sharp(stored.data).resize(size, size, { kernel: 'lanczos3' }).png().toBuffer();
    // The detail layer, once solved: its normal map replaces the flat one, with the displacement and wrinkle maps.
    if (request.textures !== false) detail = loadDetail(project, rec.id)?.maps;
  }
  const pack = await studio.models.pack(rec?.packId ?? request.packId);
  const { bytes, summary } = await studio.pool.run(
    'export.head',
    {
      pack,
      // Unset choices are left out, so the export's defaults apply (a spread undefined would override them).
      options: definedOnly({
        format: request.format,
        shape,
        expression: request.expression,
        blendshapes: request.blendshapes,
        animation: request.animation,
        textures: request.textures,
        textureSize,
        albedoPng,
        eyeColours,
        detail,
      }),
    },
    { signal },
  );
  const out = path.resolve(outPath);
  await fs.mkdir(path.dirname(out), { recursive: true });
  await writeFileAtomic(out, bytes, path.dirname(out));
  return { path: out, summary, reconstructionId: rec?.id ?? null, photoCount: rec?.photoIds.length ?? 0 };
}

function definedOnly<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
