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
import type { ExpressionClip } from '../../core/expression/expression-clip';
import { exportShapes } from '../../core/expression/arkit-names';
import { drivenByArkitNames } from '../../core/export/clip-animation';
import type { ExpressionRecord } from '../../core/expression/expression-record';
import { requireClip, writeClipCsv, writeExpressionCsv, writeSavedExpressionCsv } from '../expression/clip-library';
import { requireSavedExpression } from '../expression/saved-expression-record';
import { recordsOfPhotos, workerPhotoExpressions, type PhotoExpressionSource } from '../expression/photo-expression-source';
import { SubjectNeutrals } from '../expression/subject-neutrals';
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
  if (request.format === 'arkit-csv') return exportArkitCsv(studio, project, request, outPath);
  const format = request.format;
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
  // A clip, a photo's or a saved expression, read from the project; checked here so a bad name fails before any work.
  const photoSource = workerPhotoExpressions(studio.models, studio.pool);
  const inputs = await expressionInputs(project, request, photoSource);
  // On a subject's head an expression plays relative to the neutral of the person it was captured
  // from, on top of this subject's own neutral (#12: the person's mouth and chin the pack's identity
  // modes miss live in their fitted expressions; core/expression/subject-neutral.ts).
  const neutrals = rec && project ? new SubjectNeutrals(project, photoSource) : null;
  const target = rec ? { subjectId: rec.subjectId, packId: rec.packId } : null;
  const clip = inputs.clip && neutrals && target ? await neutrals.clipOnto(inputs.clip, target) : inputs.clip;
  let pose = inputs.pose && neutrals && target ? (await neutrals.onto([inputs.pose], target))[0] : inputs.pose;
  // With no expression asked for, the head rests at its person's neutral, as the viewer's sliders at
  // 0 show it (the blendshapes' initial weights; ψ itself stays in the shapes, so it can be undone).
  if (!pose && neutrals && target && request.blendshapes !== false && !request.expression?.some((x) => x !== 0)) {
    // A neutral that cannot be solved (FLAME without ICT-FaceKit installed) leaves the head at ψ = 0.
    const neutral = await neutrals.of(target.subjectId, target.packId).catch(() => null);
    const name = project!.library.reads.getSubject(target.subjectId)?.name ?? `subject ${target.subjectId}`;
    if (neutral) pose = { name: `${name}'s neutral`, arkit: neutral, jawPose: [0, 0, 0], eyePose: null, source: null };
  }
  const pack = await studio.models.pack(rec?.packId ?? request.packId);
  // A pack without ARKit-named shapes (FLAME) takes ARKit weights through ICT-FaceKit's shapes (arkitToPack).
  const viaIct = (clip || pose) && !drivenByArkitNames(exportShapes(pack.model.expression.names, pack.model.expression.count));
  const arkitVia = viaIct ? (await studio.models.pack('ict-facekit').catch(() => null))?.model : undefined;
  const { bytes, summary } = await studio.pool.run(
    'export.head',
    {
      pack,
      // Unset choices are left out, so the export's defaults apply (a spread undefined would override them).
      options: definedOnly({
        format,
        shape,
        expression: request.expression,
        blendshapes: request.blendshapes,
        animation: request.animation,
        clip,
        pose,
        arkitVia,
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

/**
 * `format: 'arkit-csv'`: the request's clip, or its photo's or saved expression as a one-row clip, alone in
 * Live Link Face's CSV layout — the writers the `export --format arkit-csv` CLI uses. No head is
 * built: an ARKit CSV carries weights, so the pack and subject do not change it.
 */
async function exportArkitCsv(studio: Studio, project: Project | null, request: ExportHeadRequest, outPath: string): Promise<ExportedFile> {
  const motion = motionOf(request);
  if (motion === null) throw new ApiError('bad-request', "An ARKit CSV carries a clip or one expression: give a clip, a photo's expression or a saved expression");
  if (!project) throw new ApiError('no-project', 'Clips and expressions are read from a project: open one first');
  const written =
    motion === 'clip'
      ? await writeClipCsv(project, request.clip!, outPath)
      : motion === 'saved'
        ? await writeSavedExpressionCsv(project, request.savedExpression!, outPath)
        : await writeExpressionCsv(project, request.expressionFromPhotoId!, outPath, workerPhotoExpressions(studio.models, studio.pool));
  const what = motion === 'clip' ? `clip "${request.clip}"` : motion === 'saved' ? `saved expression "${request.savedExpression}"` : `photo ${request.expressionFromPhotoId}'s expression`;
  return { path: written.path, summary: `ARKit CSV (Live Link Face layout), ${written.rows} rows, ${written.bytes} bytes: ${what}`, reconstructionId: null, photoCount: 0 };
}

/**
 * Which motion an export request carries (a clip, a photo's expression, a saved expression, or
 * none); more than one is refused, naming them.
 *
 * ```ts
 * motionOf({ packId: 'ict-facekit', format: 'glb', savedExpression: 'smirk' }); // 'saved'
 * ```
 */
export function motionOf(request: ExportHeadRequest): 'clip' | 'photo' | 'saved' | null {
  const given = [
    request.clip !== undefined && ('clip' as const),
    request.expressionFromPhotoId !== undefined && ('photo' as const),
    request.savedExpression !== undefined && ('saved' as const),
  ].filter((m) => m !== false);
  if (given.length > 1) throw new ApiError('bad-request', "Give one of a clip, a photo's expression or a saved expression, not several");
  return given[0] ?? null;
}

/**
 * The clip (by name), photo expression or saved expression (by name) an export request names,
 * loaded from the project; a request with more than one, or with a clip and the demo animation, or
 * an expression and explicit expression weights, is refused.
 */
export async function expressionInputs(project: Project | null, request: ExportHeadRequest, source?: PhotoExpressionSource): Promise<{ clip?: ExpressionClip; pose?: ExpressionRecord }> {
  const motion = motionOf(request);
  if (motion === null) return {};
  if (!project) throw new ApiError('no-project', 'Clips and expressions are read from a project: open one first');
  if (motion === 'clip' && request.animation === 'demo') throw new ApiError('bad-request', 'Give a clip or the demo animation, not both');
  if (motion === 'clip') return { clip: requireClip(project, request.clip!).clip };
  if (request.expression?.some((x) => x !== 0)) throw new ApiError('bad-request', 'An expression to pose with replaces the expression weights: give one or the other');
  if (motion === 'saved') return { pose: requireSavedExpression(project, request.savedExpression!) };
  const [record] = await recordsOfPhotos(project, [request.expressionFromPhotoId!], source);
  return { pose: record };
}

function definedOnly<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
