import { chamferDistance } from '../geometry/chamfer-distance';
import { rasterizeUv } from '../geometry/rasterize-uv';
import { applyDilation, dilationPlan, type DilationPlan } from './dilation-plan';
import type { ExportHead } from './export-head';
import { vertexTangents } from './vertex-tangents';

/**
 * Everything a tangent-space detail normal map of one export head needs that does not depend on the
 * displacement: per output texel its chart, its place on the source (displacement) grid and the 2×2
 * map from the displacement's UV derivatives to its slopes along the texel's tangent and bitangent;
 * per chart the source texels it owns. Planned once, then each map (the static detail, each wrinkle
 * group's) costs one pass over the texels that carry detail.
 */
export interface DetailNormalBake {
  /** Output texels per side. */
  size: number;
  /** Source (displacement) texels per side. */
  sourceSize: number;
  charts: BakeChart[];
  /** Output texels that carry detail: texel index, chart (index into `charts`). */
  texel: Int32Array;
  chart: Int32Array;
  /**
   * Per texel: the window index of its top-left Catmull-Rom tap (all 16 taps lie inside its chart's
   * window) and its centre's fraction (x, y) past the second tap, on the source grid.
   */
  tap: Int32Array;
  fraction: Float32Array;
  /** Per texel: (∂D/∂t, ∂D/∂b) = A·(∂D/∂u, ∂D/∂v), row-major, scaled by the region's coverage there. */
  slope: Float32Array;
  /** Grows the baked texels into empty UV space around the detailed charts. */
  dilation: DilationPlan;
}

/** One UV chart with detail, on a window of the source grid. */
interface BakeChart {
  /** The chart's id (its root vertex). */
  id: number;
  x0: number;
  y0: number;
  width: number;
  height: number;
  /** Window texel → source texel, or −1 outside the source map. */
  sourceTexel: Int32Array;
  /** 1 where the chart owns the texel and the detail region covers it (the displacement is known there). */
  known: Uint8Array;
  /** Grows `known` values over the chart's other texels and a margin around it. */
  grow: DilationPlan;
}

export interface DetailNormalBakeOptions {
  /** Output texels per side (the export's texture size). */
  size: number;
  /** Rings of texels grown past chart edges, so mip maps and bilinear taps read the chart's own normals. */
  dilate: number;
  /** 1 per export triangle that owns its UV area (see `bakeableTriangles`); all triangles when null. */
  triangleMask: Uint8Array | null;
  /**
   * Source texels over which the detail's tilt fades in from the region's edge where that edge lies
   * inside a chart (the face crop across the forehead): a displacement the crop cuts off then ends
   * softly instead of along a visible line. Edges at holes and chart borders are not feathered.
   */
  feather: number;
}

export const DETAIL_NORMAL_BAKE_DEFAULTS: DetailNormalBakeOptions = { size: 1024, dilate: 4, triangleMask: null, feather: 2 };

/** Source texels read around a sample: Catmull-Rom's 4×4 taps reach 2 texels, the raster up to 1 more. */
const MARGIN = 4;

/**
 * Plans the bake of detail normal maps for an export head from displacement maps on a `sourceSize²`
 * grid in the head's UV layout (row 0 at v = 1) whose `mask` marks the detail region. A UV chart is
 * a connected piece of the export mesh (it is split at UV seams); samples never cross charts, and a
 * chart's samples outside the region are extrapolated from inside it (the region ends at holes —
 * eyes, nostrils, lips — where the displacement need not be 0), while the normal's tilt fades with
 * the region's coverage (see `feather`), so the map is flat outside the region without a ridge or a
 * cut at its edge.
 *
 * ```ts
 * const bake = planDetailNormalBake(head, { size: 256, mask }, { size: 1024, triangleMask });
 * const rgb = bakeDetailNormals(bake, displacement);
 * ```
 */
export function planDetailNormalBake(
  head: Pick<ExportHead, 'positions' | 'normals' | 'uvs' | 'indices'>,
  region: { size: number; mask: Uint8Array },
  options: Partial<DetailNormalBakeOptions> = {},
): DetailNormalBake {
  const o = { ...DETAIL_NORMAL_BAKE_DEFAULTS, ...options };
  if (!head.uvs) throw new Error('a detail normal map needs UVs');
  const S = region.size, R = o.size, uv = { coords: head.uvs, triangles: head.indices };
  const chartOfTriangle = uvCharts(head.indices, head.positions.length / 3);
  const src = rasterizeUv(uv, S, { triangleMask: o.triangleMask });
  // Charts that hold detail, with the bounding box of their source texels.
  const charts = new Map<number, [number, number, number, number]>();
  for (let i = 0; i < S * S; i++) {
    const t = src.triangle[i]!;
    if (t < 0 || !region.mask[i]) continue;
    const c = chartOfTriangle[t]!;
    if (!charts.has(c)) charts.set(c, [S, S, -1, -1]);
  }
  for (let i = 0; i < S * S; i++) {
    const t = src.triangle[i]!;
    const box = t >= 0 ? charts.get(chartOfTriangle[t]!) : undefined;
    if (!box) continue;
    const x = i % S, y = (i - x) / S;
    box[0] = Math.min(box[0], x), box[1] = Math.min(box[1], y), box[2] = Math.max(box[2], x), box[3] = Math.max(box[3], y);
  }
  const chartIndex = new Map<number, number>();
  const bakeCharts: BakeChart[] = [];
  for (const [c, [bx0, by0, bx1, by1]] of charts) {
    chartIndex.set(c, bakeCharts.length);
    const x0 = bx0 - MARGIN, y0 = by0 - MARGIN, width = bx1 - bx0 + 1 + 2 * MARGIN, height = by1 - by0 + 1 + 2 * MARGIN;
    const sourceTexel = new Int32Array(width * height).fill(-1), known = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const sx = x0 + x, sy = y0 + y;
        if (sx < 0 || sy < 0 || sx >= S || sy >= S) continue;
        const i = sy * S + sx, t = src.triangle[i]!;
        sourceTexel[y * width + x] = i;
        if (t >= 0 && chartOfTriangle[t] === c && region.mask[i]) known[y * width + x] = 1;
      }
    }
    bakeCharts.push({ id: c, x0, y0, width, height, sourceTexel, known, grow: dilationPlan(known, width, height, { rings: MARGIN }) });
  }

  // The chart's coverage by the region: 0 on its texels outside the region, rising to 1 over
  // `feather` texels inside it (where the region's edge crosses the chart, e.g. the face crop's), 1
  // elsewhere on its region texels — then grown past the chart's edges.
  const coverage = bakeCharts.map((ch) => {
    const inChart = new Uint8Array(ch.width * ch.height), outside = new Uint8Array(ch.width * ch.height);
    for (let j = 0; j < inChart.length; j++) {
      const i = ch.sourceTexel[j]!;
      if (i >= 0 && src.triangle[i]! >= 0 && chartOfTriangle[src.triangle[i]!] === ch.id) (inChart[j] = 1), (outside[j] = 1 - ch.known[j]!);
    }
    const cov = chamferDistance(outside, ch.width, ch.height);
    for (let j = 0; j < cov.length; j++) cov[j] = inChart[j] ? Math.min(1, cov[j]! / (o.feather + 1)) : 0;
    applyDilation(dilationPlan(inChart, ch.width, ch.height, { rings: MARGIN }), cov, 1);
    return cov;
  });

  const out = rasterizeUv(uv, R, { triangleMask: o.triangleMask });
  const tangents = vertexTangents(head.positions, head.normals, head.uvs, head.indices);
  const T = head.indices.length / 3;
  const bakeChartOf = Int32Array.from(chartOfTriangle, (c) => chartIndex.get(c) ?? -1);
  const gradientMaps = new Float64Array(T * 6), mapped = new Uint8Array(T);
  // Texels of detailed charts, then their data: one pass to count, typed arrays without growth.
  const filled = new Uint8Array(R * R);
  let count = 0, wx0 = R, wy0 = R, wx1 = -1, wy1 = -1;
  for (let i = 0; i < R * R; i++) {
    const t = out.triangle[i]!;
    if (t < 0) continue;
    filled[i] = 1;
    if (bakeChartOf[t]! < 0) continue;
    count++;
    const x = i % R, y = (i - x) / R;
    if (x < wx0) wx0 = x;
    if (x > wx1) wx1 = x;
    if (y < wy0) wy0 = y;
    if (y > wy1) wy1 = y;
  }
  const candidates = new Int32Array(count);
  for (let i = 0, n = 0; i < R * R; i++) if (out.triangle[i]! >= 0 && bakeChartOf[out.triangle[i]!]! >= 0) candidates[n++] = i;
  const texel = new Int32Array(candidates.length), chart = new Int32Array(candidates.length);
  const tap = new Int32Array(candidates.length), fraction = new Float32Array(candidates.length * 2), slope = new Float32Array(candidates.length * 4);
  const frame = new Float64Array(6);
  let n = 0;
  for (const i of candidates) {
    const t = out.triangle[i]!, k = bakeChartOf[t]!, ch = bakeCharts[k]!;
    const x = i % R, y = (i - x) / R;
    const sx = ((x + 0.5) * S) / R - 0.5, sy = ((y + 0.5) * S) / R - 0.5;
    const cov = bilinear(coverage[k]!, ch.width, ch.height, sx - ch.x0, sy - ch.y0);
    if (!(cov > 1e-4)) continue;
    if (!mapped[t]) (mapped[t] = 1), surfaceGradientMap(head.positions, head.uvs, head.indices, t, gradientMaps);
    texelFrame(head.normals, tangents, head.indices, t, out.bary[i * 2]!, out.bary[i * 2 + 1]!, frame);
    texel[n] = i;
    chart[n] = k;
    // Within the window by construction (its margin covers the taps); clamped against rounding.
    const lx = Math.min(ch.width - 2.001, Math.max(1, sx - ch.x0)), ly = Math.min(ch.height - 2.001, Math.max(1, sy - ch.y0));
    const ix = Math.floor(lx), iy = Math.floor(ly);
    tap[n] = (iy - 1) * ch.width + ix - 1;
    fraction[n * 2] = lx - ix;
    fraction[n * 2 + 1] = ly - iy;
    // (∂D/∂t, ∂D/∂b) = (tᵀM, bᵀM)·(∂D/∂u, ∂D/∂v), with ∇ₛD = M·(∂D/∂u, ∂D/∂v).
    const m = t * 6;
    for (let a = 0; a < 2; a++) {
      const ax = frame[a * 3]!, ay = frame[a * 3 + 1]!, az = frame[a * 3 + 2]!;
      slope[n * 4 + a * 2] = cov * (ax * gradientMaps[m]! + ay * gradientMaps[m + 2]! + az * gradientMaps[m + 4]!);
      slope[n * 4 + a * 2 + 1] = cov * (ax * gradientMaps[m + 1]! + ay * gradientMaps[m + 3]! + az * gradientMaps[m + 5]!);
    }
    n++;
  }
  const window = [wx0 - o.dilate, wy0 - o.dilate, wx1 + o.dilate + 1, wy1 + o.dilate + 1] as const;
  return {
    size: R,
    sourceSize: S,
    charts: bakeCharts,
    texel: texel.slice(0, n),
    chart: chart.slice(0, n),
    tap: tap.slice(0, n),
    fraction: fraction.slice(0, n * 2),
    slope: slope.slice(0, n * 4),
    dilation: dilationPlan(filled, R, R, { rings: o.dilate, window: wx1 >= wx0 ? window : [0, 0, 0, 0] }),
  };
}

/**
 * Bakes one tangent-space normal map (8-bit RGB, `size²`, row 0 at v = 1, OpenGL convention: +X along
 * +u, +Y along +v) from a displacement map (metres along the normal, on the plan's source grid):
 * n = normalize(−∂D/∂t, −∂D/∂b, 1) with the slopes taken along the texel's unit tangent and
 * bitangent, from the displacement's Catmull-Rom interpolant (smooth, C¹: no facets at 4× upsampling).
 * Flat (128, 128, 255) outside the detail region. Given the map of another displacement (`base`),
 * only texels whose samples differ from it are baked, the rest copied: a wrinkle map (static +
 * one group's wrinkles) costs only its group's area.
 *
 * ```ts
 * const normal = bakeDetailNormals(bake, maps.displacement);
 * const forehead = bakeDetailNormals(bake, staticPlusForehead, { displacement: maps.displacement, rgb: normal });
 * ```
 */
export function bakeDetailNormals(bake: DetailNormalBake, displacement: ArrayLike<number>, base?: { displacement: ArrayLike<number>; rgb: Uint8Array }): Uint8Array {
  const R = bake.size, S = bake.sourceSize;
  const rgb = base ? Uint8Array.from(base.rgb) : new Uint8Array(R * R * 3);
  if (!base) for (let i = 0; i < R * R * 3; i += 3) (rgb[i] = 128), (rgb[i + 1] = 128), (rgb[i + 2] = 255);
  const window = (field: ArrayLike<number>, ch: BakeChart) => {
    const d = new Float32Array(ch.width * ch.height);
    for (let j = 0; j < d.length; j++) if (ch.known[j]) d[j] = field[ch.sourceTexel[j]!]!;
    applyDilation(ch.grow, d, 1);
    return d;
  };
  const windows = bake.charts.map((ch) => window(displacement, ch));
  // With a base: the top-left taps whose 4×4 samples include one that differs from the base's.
  const changed = bake.charts.map((ch, c) => {
    if (!base) return null;
    const other = window(base.displacement, ch), d = windows[c]!, W = ch.width;
    const hit = new Uint8Array(d.length);
    for (let j = 0; j < d.length; j++) {
      if (d[j] === other[j]) continue;
      const x = j % W, y = (j - x) / W;
      for (let ty = Math.max(0, y - 3); ty <= y; ty++) hit.fill(1, ty * W + Math.max(0, x - 3), ty * W + x + 1);
    }
    return hit;
  });
  const { texel, chart, tap, fraction: f, slope } = bake;
  for (let k = 0; k < texel.length; k++) {
    const c = chart[k]!, t0 = tap[k]!;
    if (changed[c] && !changed[c]![t0]) continue;
    const d = windows[c]!, W = bake.charts[c]!.width;
    const fx = f[k * 2]!, fy = f[k * 2 + 1]!;
    // Catmull-Rom weights (w) and their derivatives (g) along x and y.
    const fx2 = fx * fx, fx3 = fx2 * fx, fy2 = fy * fy, fy3 = fy2 * fy;
    const wx0 = 0.5 * (-fx3 + 2 * fx2 - fx), wx1 = 0.5 * (3 * fx3 - 5 * fx2 + 2), wx2 = 0.5 * (-3 * fx3 + 4 * fx2 + fx), wx3 = 0.5 * (fx3 - fx2);
    const gx0 = 0.5 * (-3 * fx2 + 4 * fx - 1), gx1 = 0.5 * (9 * fx2 - 10 * fx), gx2 = 0.5 * (-9 * fx2 + 8 * fx + 1), gx3 = 0.5 * (3 * fx2 - 2 * fx);
    const wy0 = 0.5 * (-fy3 + 2 * fy2 - fy), wy1 = 0.5 * (3 * fy3 - 5 * fy2 + 2), wy2 = 0.5 * (-3 * fy3 + 4 * fy2 + fy), wy3 = 0.5 * (fy3 - fy2);
    const gy0 = 0.5 * (-3 * fy2 + 4 * fy - 1), gy1 = 0.5 * (9 * fy2 - 10 * fy), gy2 = 0.5 * (-9 * fy2 + 8 * fy + 1), gy3 = 0.5 * (3 * fy2 - 2 * fy);
    // Per row: the x-derivative and the value of the row's cubic; then across rows.
    const r0 = t0, r1 = t0 + W, r2 = t0 + 2 * W, r3 = t0 + 3 * W;
    const a0 = gx0 * d[r0]! + gx1 * d[r0 + 1]! + gx2 * d[r0 + 2]! + gx3 * d[r0 + 3]!, b0 = wx0 * d[r0]! + wx1 * d[r0 + 1]! + wx2 * d[r0 + 2]! + wx3 * d[r0 + 3]!;
    const a1 = gx0 * d[r1]! + gx1 * d[r1 + 1]! + gx2 * d[r1 + 2]! + gx3 * d[r1 + 3]!, b1 = wx0 * d[r1]! + wx1 * d[r1 + 1]! + wx2 * d[r1 + 2]! + wx3 * d[r1 + 3]!;
    const a2 = gx0 * d[r2]! + gx1 * d[r2 + 1]! + gx2 * d[r2 + 2]! + gx3 * d[r2 + 3]!, b2 = wx0 * d[r2]! + wx1 * d[r2 + 1]! + wx2 * d[r2 + 2]! + wx3 * d[r2 + 3]!;
    const a3 = gx0 * d[r3]! + gx1 * d[r3 + 1]! + gx2 * d[r3 + 2]! + gx3 * d[r3 + 3]!, b3 = wx0 * d[r3]! + wx1 * d[r3 + 1]! + wx2 * d[r3 + 2]! + wx3 * d[r3 + 3]!;
    const sx = wy0 * a0 + wy1 * a1 + wy2 * a2 + wy3 * a3, sy = gy0 * b0 + gy1 * b1 + gy2 * b2 + gy3 * b3;
    // Source x grows with u and y against v: ∂D/∂u = S·∂D/∂x, ∂D/∂v = −S·∂D/∂y.
    const du = S * sx, dv = -S * sy;
    const st = slope[k * 4]! * du + slope[k * 4 + 1]! * dv, sb = slope[k * 4 + 2]! * du + slope[k * 4 + 3]! * dv;
    const inv = 1 / Math.sqrt(st * st + sb * sb + 1);
    const o = texel[k]! * 3;
    rgb[o] = Math.round(127.5 * (1 - st * inv));
    rgb[o + 1] = Math.round(127.5 * (1 - sb * inv));
    rgb[o + 2] = Math.round(127.5 * (1 + inv));
  }
  applyDilation(bake.dilation, rgb, 3);
  return rgb;
}

function bilinear(map: Float32Array, width: number, height: number, x: number, y: number): number {
  const ix = Math.floor(x), iy = Math.floor(y), fx = x - ix, fy = y - iy;
  const x0 = Math.min(width - 1, Math.max(0, ix)), x1 = Math.min(width - 1, Math.max(0, ix + 1));
  const r0 = Math.min(height - 1, Math.max(0, iy)) * width, r1 = Math.min(height - 1, Math.max(0, iy + 1)) * width;
  return (1 - fy) * ((1 - fx) * map[r0 + x0]! + fx * map[r0 + x1]!) + fy * ((1 - fx) * map[r1 + x0]! + fx * map[r1 + x1]!);
}

/** Chart per triangle: connected components of the (seam-split) mesh. */
function uvCharts(indices: Uint32Array, vertexCount: number): Int32Array {
  const parent = Int32Array.from({ length: vertexCount }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]!]!;
    return x;
  };
  for (let t = 0; t < indices.length; t += 3) {
    const a = find(indices[t]!);
    parent[find(indices[t + 1]!)] = a;
    parent[find(indices[t + 2]!)] = a;
  }
  return Int32Array.from({ length: indices.length / 3 }, (_, t) => find(indices[t * 3]!));
}

/** Writes M = J(JᵀJ)⁻¹ (3×2, row-major) of triangle t at out[6t…], J = (∂P/∂u, ∂P/∂v) in metres per UV unit; zeros when degenerate. */
function surfaceGradientMap(p: Float32Array, uv: Float32Array, idx: Uint32Array, t: number, out: Float64Array): void {
  const a = idx[t * 3]!, b = idx[t * 3 + 1]!, c = idx[t * 3 + 2]!;
  const du1 = uv[b * 2]! - uv[a * 2]!, dv1 = uv[b * 2 + 1]! - uv[a * 2 + 1]!, du2 = uv[c * 2]! - uv[a * 2]!, dv2 = uv[c * 2 + 1]! - uv[a * 2 + 1]!;
  const det = du1 * dv2 - du2 * dv1;
  if (Math.abs(det) < 1e-14) return;
  const J = [0, 0, 0, 0, 0, 0];
  for (let d = 0; d < 3; d++) {
    const e1 = p[b * 3 + d]! - p[a * 3 + d]!, e2 = p[c * 3 + d]! - p[a * 3 + d]!;
    J[d * 2] = (e1 * dv2 - e2 * dv1) / det;
    J[d * 2 + 1] = (e2 * du1 - e1 * du2) / det;
  }
  const g00 = J[0]! * J[0]! + J[2]! * J[2]! + J[4]! * J[4]!, g01 = J[0]! * J[1]! + J[2]! * J[3]! + J[4]! * J[5]!, g11 = J[1]! * J[1]! + J[3]! * J[3]! + J[5]! * J[5]!;
  const g = g00 * g11 - g01 * g01;
  if (!(g > 1e-30)) return;
  for (let d = 0; d < 3; d++) {
    out[t * 6 + d * 2] = (J[d * 2]! * g11 - J[d * 2 + 1]! * g01) / g;
    out[t * 6 + d * 2 + 1] = (J[d * 2 + 1]! * g00 - J[d * 2]! * g01) / g;
  }
}

/**
 * The unit tangent and bitangent a renderer builds at a point of a triangle from the interpolated
 * vertex normal and tangent: t = the tangent made orthogonal to n, b = (n × t)·w. Written to
 * out[0…2] and out[3…5].
 */
function texelFrame(normals: Float32Array, tangents: Float32Array, idx: Uint32Array, t: number, wb: number, wc: number, out: Float64Array): void {
  const a = idx[t * 3]!, b = idx[t * 3 + 1]!, c = idx[t * 3 + 2]!, wa = 1 - wb - wc;
  let nx = wa * normals[a * 3]! + wb * normals[b * 3]! + wc * normals[c * 3]!;
  let ny = wa * normals[a * 3 + 1]! + wb * normals[b * 3 + 1]! + wc * normals[c * 3 + 1]!;
  let nz = wa * normals[a * 3 + 2]! + wb * normals[b * 3 + 2]! + wc * normals[c * 3 + 2]!;
  let tx = wa * tangents[a * 4]! + wb * tangents[b * 4]! + wc * tangents[c * 4]!;
  let ty = wa * tangents[a * 4 + 1]! + wb * tangents[b * 4 + 1]! + wc * tangents[c * 4 + 1]!;
  let tz = wa * tangents[a * 4 + 2]! + wb * tangents[b * 4 + 2]! + wc * tangents[c * 4 + 2]!;
  const sign = wa * tangents[a * 4 + 3]! + wb * tangents[b * 4 + 3]! + wc * tangents[c * 4 + 3]! < 0 ? -1 : 1;
  const nl = Math.hypot(nx, ny, nz) || 1;
  (nx /= nl), (ny /= nl), (nz /= nl);
  const dot = tx * nx + ty * ny + tz * nz;
  (tx -= dot * nx), (ty -= dot * ny), (tz -= dot * nz);
  const tl = Math.hypot(tx, ty, tz) || 1;
  (tx /= tl), (ty /= tl), (tz /= tl);
  out[0] = tx;
  out[1] = ty;
  out[2] = tz;
  out[3] = sign * (ny * tz - nz * ty);
  out[4] = sign * (nz * tx - nx * tz);
  out[5] = sign * (nx * ty - ny * tx);
}
