import { DECA_DETAIL_CODE_LENGTH } from '../deca/deca-displacement';
import { DECA_EXPRESSION_MODES } from '../deca/deca-init';
import type { HeadModel } from '../head-model/head-model';
import { groupActivations, type ExpressionGroup } from './expression-groups';

/** What DECA's D_detail is conditioned on besides the code: the first 50 expression coefficients and the jaw's axis-angle. */
export interface DecaDetailInput {
  exp: Float32Array;
  jaw: [number, number, number];
}

/** A group as the stored detail layer names it: its drivers by the pack's shape names (`mode<k>` for unnamed modes). */
export interface StoredGroup {
  name: string;
  drivers: { shape: string; weight: number }[];
  jawOpening: number;
}

/**
 * The pack's expression groups as stored with a detail layer: each member mode by its name
 * (`mode<k>` when the pack's modes are unnamed, FLAME's PCA expressions).
 *
 * ```ts
 * const groups = storedGroups(model, expressionGroups(model)); // [{ name: 'mode0', drivers: [{ shape: 'mode0', weight: 1 }], jawOpening: 0.35 }, …]
 * ```
 */
export function storedGroups(model: Pick<HeadModel, 'expression'>, groups: readonly ExpressionGroup[]): StoredGroup[] {
  return groups.map((g) => ({ name: g.name, drivers: g.members.map((m) => ({ shape: model.expression.names[m.mode] ?? `mode${m.mode}`, weight: m.weight })), jawOpening: g.jawOpening }));
}

/**
 * A photo's fitted expression and jaw as D_detail's input: the pack's first 50 expression
 * coefficients (DECA's ψ: FLAME's first 50 modes, which a FLAME-compatible pack has first) and the
 * jaw's axis-angle (DECA's pose[3:6]).
 *
 * ```ts
 * const input = decaDetailInput(fit.expression, fit.jaw);
 * ```
 */
export function decaDetailInput(expression: ArrayLike<number>, jaw: ArrayLike<number>): DecaDetailInput {
  const exp = new Float32Array(DECA_EXPRESSION_MODES);
  for (let k = 0; k < Math.min(DECA_EXPRESSION_MODES, expression.length); k++) exp[k] = expression[k]!;
  return { exp, jaw: [jaw[0] ?? 0, jaw[1] ?? 0, jaw[2] ?? 0] };
}

/**
 * Each expression group's representative for D_detail: the expression that activates the group to
 * exactly 1 and nothing else (see `groupActivations`) — its member modes at wᵢ / Σw² (the
 * least-norm ψ with Σ wᵢψᵢ = 1: for FLAME's one-mode groups, the mode at coefficient 1), jaw closed.
 * A group whose members lie beyond D_detail's 50 modes and that the jaw drives is represented by
 * the jaw opened by its `jawOpening`; one with neither gets the neutral input (no wrinkles).
 * The wrinkle map is then D(δ̄, ψ_g, jaw_g) − D(δ̄, 0, 0): the layer's "wrinkles at activation 1".
 *
 * ```ts
 * const inputs = decaGroupInputs(expressionGroups(model)); // one per group
 * ```
 */
export function decaGroupInputs(groups: readonly ExpressionGroup[]): DecaDetailInput[] {
  return groups.map((g) => {
    const members = g.members.filter((m) => m.mode < DECA_EXPRESSION_MODES && m.weight !== 0);
    const exp = new Float32Array(DECA_EXPRESSION_MODES);
    const w2 = members.reduce((s, m) => s + m.weight * m.weight, 0);
    for (const m of members) exp[m.mode] += m.weight / w2;
    const jaw: [number, number, number] = members.length === 0 && g.jawOpening > 0 ? [g.jawOpening, 0, 0] : [0, 0, 0];
    return { exp, jaw };
  });
}

/**
 * The subject's detail code δ̄: the mean of their photos' E_detail codes.
 *
 * ```ts
 * const subjectCode = meanDetailCode(codes);
 * ```
 */
export function meanDetailCode(codes: readonly ArrayLike<number>[]): Float32Array {
  if (codes.length === 0) throw new Error('The subject code is the mean of at least one photo code');
  const out = new Float64Array(DECA_DETAIL_CODE_LENGTH);
  for (const c of codes) {
    if (c.length !== DECA_DETAIL_CODE_LENGTH) throw new Error(`A DECA detail code has ${DECA_DETAIL_CODE_LENGTH} values, not ${c.length}`);
    for (let k = 0; k < out.length; k++) out[k] += c[k]!;
  }
  return Float32Array.from(out, (v) => v / codes.length);
}

/** A subject's detail layer from DECA's decoder, full maps in the pack's (DECA's) UV layout. */
export interface DecaDetailLayer {
  /** D(δ̄, 0, 0): the static detail. */
  consensus: Float32Array;
  /** Per group: D(δ̄, ψ_g, jaw_g) − D(δ̄, 0, 0). */
  wrinkles: Float32Array[];
  /** 1 where DECA's detail mask is above 0. */
  mask: Uint8Array;
  /** Per group: Σ over the photos of its activation² (what the fitted stage calls evidence). */
  evidence: number[];
}

/**
 * The stored detail layer of the DECA method from D_detail's displacements: the static map, each
 * group's wrinkles against it and the region DECA's mask covers; the evidence of each group is how
 * much the subject's photos showed it (Σ activation²).
 *
 * ```ts
 * const layer = decaDetailLayer(staticMap, groupMaps, mask, groups, fits);
 * ```
 */
export function decaDetailLayer(
  staticMap: Float32Array,
  groupMaps: readonly Float32Array[],
  mask: ArrayLike<number>,
  groups: readonly ExpressionGroup[],
  photos: readonly { expression: ArrayLike<number>; jaw: ArrayLike<number> }[],
): DecaDetailLayer {
  if (groupMaps.length !== groups.length) throw new Error(`${groupMaps.length} wrinkle maps for ${groups.length} expression groups`);
  for (const m of [...groupMaps, mask]) if (m.length !== staticMap.length) throw new Error(`A detail map has ${m.length} texels, the static map ${staticMap.length}`);
  const evidence = new Array<number>(groups.length).fill(0);
  for (const p of photos) groupActivations(groups, p.expression, p.jaw).forEach((a, g) => (evidence[g]! += a * a));
  return {
    consensus: staticMap,
    wrinkles: groupMaps.map((m) => Float32Array.from(m, (v, i) => v - staticMap[i]!)),
    mask: Uint8Array.from(mask, (v) => (v > 0 ? 1 : 0)),
    evidence,
  };
}
