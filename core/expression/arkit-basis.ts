import type { HeadModel } from '../head-model/head-model';
import { ARKIT_BLENDSHAPES, arkitName, exportShapes } from './arkit-names';

/**
 * For each of ARKit's 52 shapes (in {@link ARKIT_BLENDSHAPES} order), the model's expression modes
 * that make it: one mode where the model has the name (`eyeBlink_L` → eyeBlinkLeft), both halves of
 * a sideless shape a pack splits (ICT-FaceKit's `browInnerUp_L` + `browInnerUp_R` → browInnerUp, as
 * the export merges them), or null where the model has no such shape (FLAME's PCA modes: all null).
 *
 * ```ts
 * const modes = arkitModes(ict.expression.names);
 * modes[ARKIT_BLENDSHAPES.indexOf('browInnerUp')]; // [k_L, k_R]
 * ```
 */
export function arkitModes(names: readonly string[]): (number[] | null)[] {
  const byName = new Map<string, number[]>();
  for (const s of exportShapes(names, names.length)) {
    const own = s.sources.length === 1 ? arkitName(names[s.sources[0]!] ?? '') : s.name;
    if (own && own === s.name && !byName.has(own)) byName.set(own, s.sources);
  }
  return ARKIT_BLENDSHAPES.map((n) => byName.get(n) ?? null);
}

/**
 * How many of ARKit's 52 shapes a model's expression basis has (0 for FLAME's PCA modes).
 *
 * ```ts
 * if (arkitShapeCount(model) === 0) console.log('needs the ICT-FaceKit transfer');
 * ```
 */
export function arkitShapeCount(model: HeadModel): number {
  return arkitModes(model.expression.names).filter((m) => m !== null).length;
}

/**
 * The ARKit shapes' offsets at chosen places of a model: column k (ARKit order, 52 columns) holds
 * the offsets of shape k at `rows` values read by `read(basisRow, out)` from the model's basis row
 * of each mode (summed over a split shape's halves); a shape the model lacks is a zero column.
 * Column-major: column k is `data.subarray(k * rows, (k + 1) * rows)`.
 *
 * ```ts
 * const A = arkitColumns(ict, 3 * P, (row, out) => pointValues(pts, row, out));
 * ```
 */
export function arkitColumns(model: HeadModel, rows: number, read: (basisRow: Float32Array, out: Float64Array) => void): { data: Float64Array; present: boolean[] } {
  const modes = arkitModes(model.expression.names);
  const V3 = model.vertexCount * 3;
  const data = new Float64Array(ARKIT_BLENDSHAPES.length * rows);
  const tmp = new Float64Array(rows);
  modes.forEach((sources, k) => {
    for (const m of sources ?? []) {
      read(model.expression.data.subarray(m * V3, (m + 1) * V3), tmp);
      for (let r = 0; r < rows; r++) data[k * rows + r] += tmp[r]!;
    }
  });
  return { data, present: modes.map((m) => m !== null) };
}

/**
 * The model's ARKit modes one column each, as a fit of a pack's geometry needs them: a shape the
 * model has whole is one column, a sideless shape the pack splits (ICT-FaceKit's `cheekPuff_L`,
 * `cheekPuff_R`) is two, its halves, so a fitted expression that uses them unequally is matched by
 * the same halves (as one summed column it could only be matched by other shapes near the uneven
 * half: the mouth corners, for a puff on one side). `owner[c]` is the ARKit shape (ARKit order) of
 * column c; shapes the model lacks have none. Column-major as {@link arkitColumns}.
 *
 * ```ts
 * const { data, owner } = arkitModeColumns(ict, 3 * P, (row, out) => pointValues(pts, row, out));
 * ```
 */
export function arkitModeColumns(model: HeadModel, rows: number, read: (basisRow: Float32Array, out: Float64Array) => void): { data: Float64Array; owner: Int32Array; present: boolean[] } {
  const modes = arkitModes(model.expression.names);
  const V3 = model.vertexCount * 3;
  const owner: number[] = [], mode: number[] = [];
  modes.forEach((sources, k) => sources?.forEach((m) => (owner.push(k), mode.push(m))));
  const data = new Float64Array(owner.length * rows);
  mode.forEach((m, c) => read(model.expression.data.subarray(m * V3, (m + 1) * V3), data.subarray(c * rows, (c + 1) * rows)));
  return { data, owner: Int32Array.from(owner), present: modes.map((m) => m !== null) };
}
