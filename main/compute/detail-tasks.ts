import sharp from 'sharp';
import { buildDetailDecoder, decodeDetail, encodeDetail, type SubjectDetail } from '../../core/detail/detail-decoder';
import { detailTiltMap } from '../../core/detail/detail-shading';
import { detailPhotoViews, detailStage, viewRms, withWrinkles, type DetailPhotoView } from '../../core/detail/detail-stage';
import { detailTexels, expandTexels, type DetailTexels } from '../../core/detail/detail-texels';
import { estimateDetailCode } from '../../core/detail/estimate-detail-code';
import { expressionGroups, groupActivations, groupSupports, type ExpressionGroup } from '../../core/detail/expression-groups';
import type { PhotoFit } from '../../core/geometry/ortho-camera';
import { texelFrames } from '../../core/detail/texel-frames';
import { poseHead } from '../../core/geometry/pose-head';
import { renderShadedHead } from '../../core/reconstruct/render-shaded-head';
import { detailNormalForView } from '../export/export-pack-head';
import type { ComputeTasks, PackRef, StoredDetail, TaskName } from './compute-tasks';
import type { TaskContext } from './task-context';
import type { WorkerState } from './worker-state';

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
      groups: d.groups.map((g) => ({ name: g.name, drivers: g.members.map((m) => ({ shape: p.model.expression.names[m.mode] ?? `mode${m.mode}`, weight: m.weight })), jawOpening: g.jawOpening })),
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
    let png: Uint8Array | null = null;
    if (render) {
      const t = target.photo, posed = poseHead(p.evaluator, p.model, target.shape, t.fit);
      const c = t.fit.camera, camera = { scale: c.scale * t.k, tx: c.tx * t.k, ty: c.ty * t.k };
      const tilt = detailTiltMap(d.texels, texelFrames(p.model, d.texels, posed.vertices, posed.normals), swapped);
      const { rgb } = renderShadedHead(p.model, posed.vertices, posed.normals, camera, t.image, target.albedo, t.light, { detailTilt: { size: d.texels.size, tilt } }, target.vertexAlbedo);
      png = await sharp(Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength), { raw: { width: t.image.width, height: t.image.height, channels: 3 } }).png().toBuffer();
    }
    return {
      coarse: viewRms(d.texels, tv, null),
      own: viewRms(d.texels, tv, decodeDetail(decoder, own, tv.activations)),
      swapped: viewRms(d.texels, tv, swapped),
      codeLength: decoder.codeLength,
      png,
    };
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

/** A stored person's full maps reduced to the detail texels the decoder works on. */
function compactDetail(texels: DetailTexels, stored: StoredDetail): SubjectDetail {
  const pick = (m: Float32Array) => {
    if (m.length !== texels.size * texels.size) throw new Error(`A stored detail map has ${m.length} texels, not ${texels.size}²`);
    return Float32Array.from(texels.texel, (i) => m[i]!);
  };
  return { consensus: pick(stored.consensus), wrinkles: stored.wrinkles.map(pick), evidence: stored.evidence };
}

