import { ApiError } from '../../core/api/api-error';
import { DECA_DETAIL_CODE_LENGTH } from '../../core/deca/deca-displacement';
import { DECA_UV_SIZE } from '../../core/deca/deca-uv-data';
import { decaDetailInput, decaDetailLayer, decaGroupInputs, meanDetailCode, storedGroups, type DecaDetailInput } from '../../core/detail/deca-detail-layer';
import type { DetailPhoto } from '../../core/detail/detail-stage';
import { expressionGroups } from '../../core/detail/expression-groups';
import type { PhotoFit } from '../../core/geometry/ortho-camera';
import type { Affine2D } from '../../core/perception/image-warp';
import type { UvTexture } from '../../core/reconstruct/photometric-samples';
import type { DetailSolveResult, PackRef } from '../compute/compute-tasks';
import type { PipelineContext } from '../reconstruct/reconstruct-pipeline';

/** One photo of the subject for the DECA method: its fit, its DECA crop and the photo as the measure takes it. */
export interface DecaStagePhoto {
  photoId: number;
  /** The photo's name, for errors. */
  name: string;
  fit: PhotoFit;
  /** Photo (original pixels) → DECA's 224² crop, from the face analysis; null when it has none. */
  toCrop: Affine2D | null;
  /** The full-size decoded photo E_detail's crop is taken from. */
  fullImage: () => Promise<DetailPhoto['image']>;
  /** The photo at the stage's working size, for the photometric measure. */
  measured: DetailPhoto;
}

/** What the DECA method is run with: the pack, the detail networks' folder, the subject's shape and albedo. */
export interface DecaStageInput {
  pack: PackRef;
  detailDir: string;
  shape: number[];
  albedo: UvTexture;
  photos: DecaStagePhoto[];
}

/**
 * DECA's detail stage with its own networks, for one subject (see README, "The DECA method"):
 * each photo's code δ_i = E_detail(its DECA crop); the subject's code δ̄ = the mean of the codes;
 * the static detail D(δ̄, 0, 0); per expression group the wrinkles D(δ̄, ψ_g, jaw_g) − D(δ̄, 0, 0) at
 * the group's representative (`decaGroupInputs`: activation 1 through its modes); and each photo's
 * photometric RMS with the coarse surface and with its own DECA detail D(δ_i, ψ_i, jaw_i), by the
 * fitted stage's measure. Displacements are DECA's `(uv_z + fixed) · mask`: 0 outside its mask, as
 * the stored layer is outside its region. Returned in the fitted stage's result shape, so it is
 * stored, shown and exported the same way.
 *
 * ```ts
 * const result = await decaDetailStage(ctx, { pack, detailDir, shape: rec.shape, albedo, photos });
 * ```
 */
export async function decaDetailStage(ctx: PipelineContext, input: DecaStageInput): Promise<DetailSolveResult> {
  const { pack, detailDir, photos } = input;
  const crops = await Promise.all(
    photos.map(async (p) => {
      if (!p.toCrop) throw new ApiError('bad-request', `${p.name}: the face analysis has no DECA crop, which E_detail needs (analyse the photo again)`);
      return { image: await p.fullImage(), toCrop: p.toCrop };
    }),
  );
  const codes = await ctx.pool.run('deca.detail.encode', { detailDir, crops }, { lane: 'inference', signal: ctx.signal });
  const subjectCode = meanDetailCode(codes);
  const groups = expressionGroups(pack.model);
  const neutral: DecaDetailInput = decaDetailInput([], []);
  const photoInputs = photos.map((p) => decaDetailInput(p.fit.expression, p.fit.jaw));
  const items = [
    { code: subjectCode, ...neutral },
    ...decaGroupInputs(groups).map((g) => ({ code: subjectCode, ...g })),
    ...photoInputs.map((p, i) => ({ code: codes[i]!, ...p })),
  ];
  const { displacement, mask } = await ctx.pool.run('deca.detail.decode', { detailDir, items, options: { fixed: 'mask' } }, { lane: 'inference', signal: ctx.signal });
  ctx.signal.throwIfAborted();
  const G = groups.length;
  const layer = decaDetailLayer(displacement[0]!, displacement.slice(1, 1 + G), mask, groups, photos.map((p) => p.fit));
  const own = displacement.slice(1 + G);
  const measure = await ctx.pool.run(
    'detail.measure',
    { pack, size: DECA_UV_SIZE, shape: input.shape, photos: photos.map((p) => p.measured), albedo: input.albedo, vertexAlbedo: null, maps: own.map((m) => [m]), render: null },
    { signal: ctx.signal },
  );
  return {
    mask: layer.mask,
    consensus: layer.consensus,
    wrinkles: layer.wrinkles,
    evidence: layer.evidence,
    groups: storedGroups(pack.model, groups),
    codes: codes.map((c) => Array.from(c)),
    subjectCode: Array.from(subjectCode),
    rmsCoarse: measure.coarse,
    rmsDetail: measure.detail.map((d) => d[0]!),
    iterations: 0,
    codeLength: DECA_DETAIL_CODE_LENGTH,
  };
}
