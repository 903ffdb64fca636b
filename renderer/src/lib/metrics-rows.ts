import type { PhotoReviewState, SubjectReview } from '../../../core/api/contract';

/** One photo's fit metrics on one reconstruction, as the metrics table shows them. */
export interface MetricsCell {
  state: PhotoReviewState;
  reason: string | null;
  /** Landmark error ÷ outer-eye-corner distance. */
  nme: number | null;
  /** Photometric RMS in the face mask, 0–255 levels. */
  photometric: number | null;
  identity: number | null;
  /** Photometric RMS over the detail texels, 0–255 levels: coarse, with the photo's own detail, and the gain (coarse − detail). */
  detailCoarse: number | null;
  detailFine: number | null;
  detailGain: number | null;
}

/** A row of the metrics table: a photo and its cells, one per reconstruction compared. */
export interface MetricsRow {
  photoId: number;
  name: string;
  cells: MetricsCell[];
}

/** The numeric columns of a reconstruction that the table sorts by. */
export const METRIC_FIELDS = ['nme', 'photometric', 'identity', 'detailGain'] as const;
export type MetricField = (typeof METRIC_FIELDS)[number];

/** What the table is sorted by: the photo's name (library order for 'order'), or a field of the `column`-th reconstruction. */
export type MetricsSort = { by: 'order' | 'name' } | { by: MetricField | 'state'; column: number };

const LEVELS = 255;
const STATE_RANK: Record<PhotoReviewState, number> = { fitted: 0, rejected: 1, analysed: 2, imported: 3 };

/**
 * The metrics table's rows: every photo of the subject in the library's order, with its state and
 * errors on each reviewed reconstruction (photometric errors in 0–255 levels, as the badges show them).
 *
 * ```ts
 * const rows = metricsRows(library.photos, [review.review!, review.compareReview!]);
 * ```
 */
export function metricsRows(photos: readonly { id: number; originalName: string }[], reviews: readonly SubjectReview[]): MetricsRow[] {
  const byPhoto = reviews.map((r) => new Map(r.photos.map((p) => [p.photoId, p])));
  const ids = reviews[0]?.photos.map((p) => p.photoId) ?? [];
  const names = new Map(photos.map((p) => [p.id, p.originalName]));
  return ids.map((photoId) => ({
    photoId,
    name: names.get(photoId) ?? `photo ${photoId}`,
    cells: byPhoto.map((m): MetricsCell => {
      const p = m.get(photoId);
      if (!p) return { state: 'imported', reason: null, nme: null, photometric: null, identity: null, detailCoarse: null, detailFine: null, detailGain: null };
      const d = p.detail;
      return {
        state: p.state,
        reason: p.reason,
        nme: p.nme,
        photometric: p.photometricRms === null ? null : p.photometricRms * LEVELS,
        identity: p.identityDistance,
        detailCoarse: d ? d.photometricRmsCoarse * LEVELS : null,
        detailFine: d ? d.photometricRmsDetail * LEVELS : null,
        detailGain: d ? (d.photometricRmsCoarse - d.photometricRmsDetail) * LEVELS : null,
      };
    }),
  }));
}

/**
 * The rows in the asked order: by name, by state (fitted first), or by a metric ascending (or
 * descending); photos without that number (not fitted, no detail) always last, ties in library order.
 *
 * ```ts
 * const worstFirst = sortMetricsRows(rows, { by: 'nme', column: 0 }, true);
 * ```
 */
export function sortMetricsRows(rows: readonly MetricsRow[], sort: MetricsSort, descending = false): MetricsRow[] {
  const order = new Map(rows.map((r, i) => [r.photoId, i]));
  const sign = descending ? -1 : 1;
  const key = (r: MetricsRow): number | string | null => {
    if (!('column' in sort)) return sort.by === 'order' ? order.get(r.photoId)! : r.name.toLowerCase();
    const cell = r.cells[sort.column];
    if (!cell) return null;
    return sort.by === 'state' ? STATE_RANK[cell.state] : cell[sort.by];
  };
  return [...rows].sort((a, b) => {
    const ka = key(a), kb = key(b);
    if (ka === null || kb === null) return ka === kb ? order.get(a.photoId)! - order.get(b.photoId)! : ka === null ? 1 : -1;
    const c = typeof ka === 'string' ? ka.localeCompare(kb as string) : ka - (kb as number);
    return c !== 0 ? sign * c : order.get(a.photoId)! - order.get(b.photoId)!;
  });
}

/** A reconstruction's line under the table: how many photos are fitted and the means of its metrics over them (null where none has it). */
export interface MetricsSummary {
  fitted: number;
  rejected: number;
  meanNme: number | null;
  meanPhotometric: number | null;
  meanIdentity: number | null;
  meanDetailGain: number | null;
}

/**
 * The means of each metric over the photos that have it, for the column `column`.
 *
 * ```ts
 * const { meanNme } = metricsSummary(rows, 0);
 * ```
 */
export function metricsSummary(rows: readonly MetricsRow[], column: number): MetricsSummary {
  const cells = rows.map((r) => r.cells[column]).filter((c): c is MetricsCell => !!c);
  const mean = (f: (c: MetricsCell) => number | null) => {
    const xs = cells.map(f).filter((x): x is number => x !== null);
    return xs.length ? xs.reduce((a, x) => a + x, 0) / xs.length : null;
  };
  return {
    fitted: cells.filter((c) => c.state === 'fitted').length,
    rejected: cells.filter((c) => c.state === 'rejected').length,
    meanNme: mean((c) => c.nme),
    meanPhotometric: mean((c) => c.photometric),
    meanIdentity: mean((c) => c.identity),
    meanDetailGain: mean((c) => c.detailGain),
  };
}
