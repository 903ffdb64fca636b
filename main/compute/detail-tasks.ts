import sharp from 'sharp';
import { storedGroups } from '../../core/detail/deca-detail-layer';
import { buildDetailDecoder, decodeDetail, encodeDetail, type SubjectDetail } from '../../core/detail/detail-decoder';
import { detailTiltMap } from '../../core/detail/detail-shading';
import { detailPhotoViews, detailStage, viewRms, withWrinkles, type DetailPhoto, type DetailPhotoView } from '../../core/detail/detail-stage';
import { detailTexels, expandTexels, type DetailTexels } from '../../core/detail/detail-texels';
import { estimateDetailCode } from '../../core/detail/estimate-detail-code';
import { expressionGroups, groupActivations, groupSupports, type ExpressionGroup } from '../../core/detail/expression-groups';
import type { PhotoFit } from '../../core/geometry/ortho-camera';
import { texelFrames } from '../../core/detail/texel-frames';
import { poseHead } from '../../core/geometry/pose-head';
import type { UvTexture } from '../../core/reconstruct/photometric-samples';
import { renderShadedHead } from '../../core/reconstruct/render-shaded-head';
import { detailNormalForView } from '../export/export-pack-head';
import type { ComputeTasks, PackRef, StoredDetail, TaskName } from './compute-tasks';
import type { TaskContext } from './task-context';
import type { WorkerPack, WorkerState } from './worker-state';

type Handlers = { [K in TaskName]?: (req: ComputeTasks[K]['req'], ctx: TaskContext, state: WorkerState) => Promise<ComputeTasks[K]['res']> | ComputeTasks[K]['res'] };

/** A pack's detail region at one size, its expression groups and where their wrinkles may form. */
interface DetailSetup {
  texels: DetailTexels;
  groups: ExpressionGroup[];
  supports: Uint8Array[];
}

/**
 * The detail stage and its instruments as worker tasks: the subject's joint solve with the pack's
 * decoder and each photo's code, the swap measurement, and the detailed render (see core/detail).
 */
export const DETAIL_TASKS: Handlers = {
  'detail.solve': async ({ pack, size, shape, photos, albedo, others, options }, ctx, state) => {
    const p = state.pack(pack);
    const d = detailSetup(state, pack, size);
    const views = detailPhotoViews(p.model, p.evaluator, d.texels, d.groups, shape, photos, albedo, await state.faceMeshTriangles());
    ctx.progress('views');
    const result = detailStage(d.texels, views, d.supports, { ...options, shouldStop: ctx.shouldStop });
    ctx.throwIfStopped();
    const mine: SubjectDetail = { consensus: result.consensus, wrinkles: result.wrinkles, evidence: result.evidence };
    const decoder = buildDetailDecoder([mine, ...others.map((o) => compactDetail(d.texels, o))]);
    const codes = views.map((v) => estimateDetailCode(decoder, d.texels, v.observation, v.activations));
    return {
      mask: Uint8Array.from(expandTexels(d.texels, new Float32Array(d.texels.texel.length).fill(1))),
      consensus: expandTexels(d.texels, result.consensus),
      wrinkles: result.wrinkles.map((w) => expandTexels(d.texels, w)),
      evidence: result.evidence,
      groups: storedGroups(p.model, d.groups),
      codes: codes.map((c) => Array.from(c)),
      subjectCode: Array.from(encodeDetail(decoder, result.consensus)),
      rmsCoarse: views.map((v) => viewRms(d.texels, v, null)),
      rmsDetail: views.map((v, i) => viewRms(d.texels, v, decodeDetail(decoder, codes[i]!, v.activations))),
      iterations: result.iterations,
      codeLength: decoder.codeLength,
    };
  },

  'detail.swap': async ({ pack, size, people, target, source, render }, _ctx, state) => {
    const p = state.pack(pack);
    const d = detailSetup(state, pack, size);
    const decoder = buildDetailDecoder(people.map((o) => compactDetail(d.texels, o)));
    const tri = await state.faceMeshTriangles();
    const view = (s: typeof target): DetailPhotoView => detailPhotoViews(p.model, p.evaluator, d.texels, d.groups, s.shape, [s.photo], s.albedo, tri)[0]!;
    const tv = view(target);
    const sv = source.photoId === target.photoId ? tv : view(source);
    const own = estimateDetailCode(decoder, d.texels, tv.observation, tv.activations);
    const theirs = sv === tv ? own : estimateDetailCode(decoder, d.texels, sv.observation, sv.activations);
    const swapped = decodeDetail(decoder, theirs, tv.activations);
    const png = render ? await renderDetailed(p, d.texels, target.shape, target.photo, target.albedo, target.vertexAlbedo, swapped) : null;
    return {
      coarse: viewRms(d.texels, tv, null),
      own: viewRms(d.texels, tv, decodeDetail(decoder, own, tv.activations)),
      swapped: viewRms(d.texels, tv, swapped),
      codeLength: decoder.codeLength,
      png,
    };
  },

  'detail.measure': async ({ pack, size, shape, photos, albedo, vertexAlbedo, maps, render }, ctx, state) => {
    const p = state.pack(pack);
    const d = detailSetup(state, pack, size);
    if (maps.length !== photos.length) throw new Error(`${maps.length} lists of detail maps for ${photos.length} photos`);
    const views = detailPhotoViews(p.model, p.evaluator, d.texels, d.groups, shape, photos, albedo, await state.faceMeshTriangles());
    ctx.throwIfStopped();
    const compact = (m: Float32Array) => compactMap(d.texels, m);
    const detail = views.map((v, i) => maps[i]!.map((m) => viewRms(d.texels, v, compact(m))));
    const chosen = render ? maps[render.photo]?.[render.map] : undefined;
    if (render && !chosen) throw new Error(`No detail map ${render.map} for photo ${render.photo} to render`);
    const png = render ? await renderDetailed(p, d.texels, shape, photos[render.photo]!, albedo, vertexAlbedo, compact(chosen!)) : null;
    return { coarse: views.map((v) => viewRms(d.texels, v, null)), detail, png };
  },

  'detail.normal': ({ pack, shape, detail, expression, jaw, textureSize }, _ctx, state) => {
    const { model } = state.pack(pack);
    let displacement = detail.displacement;
    if (expression && detail.wrinkles.length) {
      // Activations by group name: the stored maps name their groups, the pack's groups say what drives them.
      const groups = state.memo(`groups:${pack.key}`, () => expressionGroups(model));
      const a = groupActivations(groups, expression, jaw ?? [0, 0, 0]);
      const byName = new Map(groups.map((g, i) => [g.name, a[i]!]));
      displacement = withWrinkles(detail.displacement, detail.wrinkles.map((w) => w.displacement), detail.wrinkles.map((w) => byName.get(w.group) ?? 0));
    }
    return detailNormalForView(model, { shape, detail, displacement, textureSize });
  },
};

/**
 * The detail region, groups and supports of a pack at a size, built once per worker.
 *
 * ```ts
 * const { texels } = detailSetup(state, pack, 256);
 * ```
 */
export function detailSetup(state: WorkerState, pack: PackRef, size: number): DetailSetup {
  return state.memo(`detail:${pack.key}:${size}`, () => {
    const { model } = state.pack(pack);
    const texels = detailTexels(model, { size });
    if (!texels) throw new Error(`Head model ${model.id} has no UV layout: the detail stage works in its UV space`);
    const groups = expressionGroups(model);
    return { texels, groups, supports: groupSupports(model, texels, groups) };
  });
}

/**
 * The tilt map of a person's detail on a posed head for the shaded renderer: their static detail
 * plus their wrinkles at the fit's group activations (from its expression and jaw).
 *
 * ```ts
 * const detailTilt = photoDetailTilt(state, pack, { ...stored, size: 256 }, fit, posed.vertices, posed.normals);
 * ```
 */
export function photoDetailTilt(state: WorkerState, pack: PackRef, detail: StoredDetail & { size: number }, fit: PhotoFit, vertices: Float32Array, normals: Float32Array): { size: number; tilt: Float32Array } {
  const p = state.pack(pack);
  const d = detailSetup(state, pack, detail.size);
  const c = compactDetail(d.texels, detail);
  const D = withWrinkles(c.consensus, c.wrinkles, groupActivations(d.groups, fit.expression, fit.jaw));
  return { size: d.texels.size, tilt: detailTiltMap(d.texels, texelFrames(p.model, d.texels, vertices, normals), D) };
}

/** A full map reduced to the detail texels. */
function compactMap(texels: DetailTexels, m: Float32Array): Float32Array {
  if (m.length !== texels.size * texels.size) throw new Error(`A stored detail map has ${m.length} texels, not ${texels.size}²`);
  return Float32Array.from(texels.texel, (i) => m[i]!);
}

/** A stored person's full maps reduced to the detail texels the decoder works on. */
function compactDetail(texels: DetailTexels, stored: StoredDetail): SubjectDetail {
  const pick = (m: Float32Array) => compactMap(texels, m);
  return { consensus: pick(stored.consensus), wrinkles: stored.wrinkles.map(pick), evidence: stored.evidence };
}

/** A photo rendered over itself with a detail displacement (compact texels), its albedo under its light, as PNG. */
async function renderDetailed(p: WorkerPack, texels: DetailTexels, shape: ArrayLike<number>, photo: DetailPhoto, albedo: UvTexture, vertexAlbedo: Float32Array | null, displacement: Float32Array): Promise<Uint8Array> {
  const posed = poseHead(p.evaluator, p.model, shape, photo.fit);
  const c = photo.fit.camera, camera = { scale: c.scale * photo.k, tx: c.tx * photo.k, ty: c.ty * photo.k };
  const tilt = detailTiltMap(texels, texelFrames(p.model, texels, posed.vertices, posed.normals), displacement);
  const { rgb } = renderShadedHead(p.model, posed.vertices, posed.normals, camera, photo.image, albedo, photo.light, { detailTilt: { size: texels.size, tilt } }, vertexAlbedo);
  return sharp(Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength), { raw: { width: photo.image.width, height: photo.image.height, channels: 3 } }).png().toBuffer();
}

