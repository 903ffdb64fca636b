import type { DetailMaps } from '../../core/detail/detail-maps';
import type { DetailSolveResult, StoredDetail } from '../compute/compute-tasks';
import type { StoredMap } from '../library/maps-table';
import type { Project } from '../project/project';

/** How a detail layer was made: the studio's fitted detail model, or DECA's own detail networks. */
export type DetailMethod = 'fitted' | 'deca';

/** Stored with the detail maps; bump when the stage's output changes so old results are solved again. */
export const DETAIL_VERSION = 'detail-fitted-1';
/** The same for the DECA method's layers (E_detail's codes through D_detail). */
export const DECA_DETAIL_VERSION = 'detail-deca-1';

/** The current version stamp of each method's layers. */
export const DETAIL_VERSIONS: Record<DetailMethod, string> = { fitted: DETAIL_VERSION, deca: DECA_DETAIL_VERSION };

/** What the 'detail-static' map's meta holds (besides the map itself). */
export interface DetailMeta {
  version: string;
  /** How the layer was made (absent in layers stored before there was a choice: 'fitted'). */
  method?: DetailMethod;
  /** DECA method: the SHA-256 of the detail networks it ran (a new install makes the layer stale). */
  networks?: string;
  size: number;
  groups: DetailSolveResult['groups'];
  evidence: number[];
  /** Per photo id: its detail code δ (against the decoder as it was when the stage ran), and the subject's. */
  codes: Record<string, number[]>;
  subjectCode: number[];
  codeLength: number;
  iterations: number;
  seconds: number;
}

/** A reconstruction's detail layer read back: its maps and meta. */
export interface LoadedDetail {
  meta: DetailMeta;
  stored: StoredDetail;
  maps: DetailMaps;
}

const f32 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
// Raw little-endian floats (every platform the studio runs on is little-endian); copied so the
// Float32Array is aligned whatever offset SQLite's buffer has.
const fromF32 = (b: Buffer) => new Float32Array(Uint8Array.from(b).buffer);

/**
 * The detail stage's result as library maps: the person's static detail ('detail-static', its meta
 * the codes and groups), the detail region ('detail-mask') and one wrinkle map per expression group
 * ('detail-wrinkle:<group>', with the shapes that drive it).
 *
 * ```ts
 * for (const m of detailMapsOf(result, meta)) library.maps.put({ ...m, reconstructionId });
 * ```
 */
export function detailMapsOf(result: DetailSolveResult, meta: DetailMeta): Omit<StoredMap, 'reconstructionId'>[] {
  const N = meta.size;
  return [
    { kind: 'detail-static', width: N, height: N, format: 'f32', data: f32(result.consensus), meta: { ...meta } },
    { kind: 'detail-mask', width: N, height: N, format: 'f32', data: f32(Float32Array.from(result.mask)), meta: {} },
    ...result.groups.map((g, i) => ({
      kind: `detail-wrinkle:${g.name}`,
      width: N,
      height: N,
      format: 'f32' as const,
      data: f32(result.wrinkles[i]!),
      meta: { group: g.name, drivers: g.drivers, jawOpening: g.jawOpening, evidence: result.evidence[i] ?? 0 },
    })),
  ];
}

/**
 * A reconstruction's detail layer, or null when the detail stage has not run on it (or ran with an
 * older version of the stage).
 *
 * ```ts
 * const detail = loadDetail(project, rec.id);
 * if (detail) exportOptions.detail = detail.maps;
 * ```
 */
export function loadDetail(project: Project, reconstructionId: number): LoadedDetail | null {
  const maps = project.library.maps;
  const s = maps.get(reconstructionId, 'detail-static');
  if (!s || s.format !== 'f32') return null;
  const meta = s.meta as unknown as DetailMeta;
  if (!isCurrent(meta)) return null;
  const N = meta.size;
  const read = (m: StoredMap | undefined, what: string) => {
    if (!m || m.format !== 'f32' || m.width !== N || m.height !== N || m.data.length !== N * N * 4) throw new Error(`Reconstruction ${reconstructionId}'s ${what} map is missing or damaged: run the detail stage again (--force)`);
    return fromF32(m.data);
  };
  const consensus = read(s, 'static detail');
  const mask = Uint8Array.from(read(maps.get(reconstructionId, 'detail-mask'), 'detail region'), (v) => (v > 0 ? 1 : 0));
  const wrinkles = meta.groups.map((g) => read(maps.get(reconstructionId, `detail-wrinkle:${g.name}`), `${g.name} wrinkle`));
  return {
    meta,
    stored: { consensus, wrinkles, evidence: meta.evidence },
    maps: { size: N, displacement: consensus, mask, wrinkles: meta.groups.map((g, i) => ({ group: g.name, displacement: wrinkles[i]!, drivers: g.drivers, jawOpening: g.jawOpening })) },
  };
}

/**
 * What names a reconstruction's current detail layer — its stage version and solve time, which a
 * re-run of the stage changes — or null without one (or with one from an older stage version):
 * the cache key of views made from it, read without loading its maps.
 *
 * ```ts
 * const stamp = detailStamp(project, rec.id); // 'detail-fitted-1-4.38' (or 'detail-deca-1-…'), or null
 * ```
 */
export function detailStamp(project: Project, reconstructionId: number): string | null {
  const s = project.library.maps.get(reconstructionId, 'detail-static');
  const meta = s?.format === 'f32' ? (s.meta as Partial<DetailMeta>) : null;
  return meta && isCurrent(meta) ? `${meta.version}-${meta.seconds}` : null;
}

/**
 * The method a stored layer was made with (layers from before the choice are the fitted method's).
 *
 * ```ts
 * if (detailMethodOf(detail.meta) === 'deca') …
 * ```
 */
export function detailMethodOf(meta: Pick<DetailMeta, 'method'>): DetailMethod {
  return meta.method ?? 'fitted';
}

/** A layer from the current version of its method's stage. */
function isCurrent(meta: Partial<DetailMeta>): boolean {
  return meta.version === DETAIL_VERSIONS[detailMethodOf(meta)];
}

/**
 * Every person's detail on a pack (at a size, or any), but `except`'s — each person's newest reconstruction there: what
 * the pack's decoder is learned from (layers of the fitted method only: the DECA method's come from DECA's decoder).
 *
 * ```ts
 * const others = peopleDetail(project, 'ict-facekit', 256, subjectId);
 * ```
 */
export function peopleDetail(project: Project, packId: string, size: number | null = null, except: number | null = null): { subjectId: number; reconstructionId: number; detail: LoadedDetail }[] {
  const lib = project.library;
  const out: { subjectId: number; reconstructionId: number; detail: LoadedDetail }[] = [];
  for (const s of lib.reads.listSubjects()) {
    if (s.id === except) continue;
    const rec = lib.reconstructions.latestForSubject(s.id, packId);
    const detail = rec ? loadDetail(project, rec.id) : null;
    if (rec && detail && detailMethodOf(detail.meta) === 'fitted' && (size === null || detail.meta.size === size)) out.push({ subjectId: s.id, reconstructionId: rec.id, detail });
  }
  return out;
}
