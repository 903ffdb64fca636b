import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { ApiError } from '../../core/api/api-error';
import { DECA_UV_SIZE } from '../../core/deca/deca-uv-data';
import { flameIncompatibility } from '../../core/deca/deca-init';
import { decaUvLayoutMismatch } from '../../core/deca/deca-uv-layout';
import type { HeadModel } from '../../core/head-model/head-model';
import { installedDetailDir, readDetailInstall, type DecaDetailInstall } from '../deca/detail-store';
import type { DetailMethod } from './stored-detail';

/** The detail methods, as `--method` and 'detail.start' name them. */
export const DETAIL_METHODS: readonly DetailMethod[] = ['fitted', 'deca'];

/** Where DECA's detail method stands for a pack: ready with the install read back, or what is missing. */
export type DecaMethodReadiness = { ready: true; install: DecaDetailInstall } | { ready: false; missing: string };

/**
 * Whether DECA's own detail networks can make a pack's detail layer: the pack must take DECA's
 * code (FLAME-compatible: 50 expression modes and a jaw), DECA's detail networks must be installed
 * (`detail install`), and the pack's UV layout must be the installed head_template.obj's (DECA's
 * maps are images in that layout: `packs import … --uv head_template.obj`).
 *
 * ```ts
 * const r = await decaMethodReadiness(model); if (!r.ready) console.log(r.missing);
 * ```
 */
export async function decaMethodReadiness(model: HeadModel, detailDir = installedDetailDir()): Promise<DecaMethodReadiness> {
  const incompatible = flameIncompatibility(model);
  if (incompatible) return { ready: false, missing: incompatible };
  let install: DecaDetailInstall;
  try {
    install = await readDetailInstall(detailDir);
  } catch (error) {
    return { ready: false, missing: (error as Error).message };
  }
  const mismatch = decaUvLayoutMismatch(model, install.template);
  return mismatch ? { ready: false, missing: mismatch } : { ready: true, install };
}

/** The method a detail job runs, with DECA's install when it is DECA's. */
export type ResolvedDetailMethod = { method: 'fitted' } | { method: 'deca'; install: DecaDetailInstall; detailDir: string };

/**
 * The detail method for a pack: the one asked for, or by default DECA's when it can run on the pack
 * (see {@link decaMethodReadiness}) at DECA's map size (256²), the fitted one otherwise. Asking for
 * 'deca' where it cannot run is a bad request naming what is missing.
 *
 * ```ts
 * const { method } = await resolveDetailMethod(undefined, pack.model, 256); // 'deca' on a FLAME pack with DECA's UVs and networks
 * ```
 */
export async function resolveDetailMethod(requested: DetailMethod | undefined, model: HeadModel, size: number, detailDir = installedDetailDir()): Promise<ResolvedDetailMethod> {
  if (requested !== undefined && !DETAIL_METHODS.includes(requested)) throw new ApiError('bad-request', `The detail method is fitted or deca, not "${String(requested)}"`);
  if (requested === 'fitted') return { method: 'fitted' };
  if (requested === 'deca' && size !== DECA_UV_SIZE) throw new ApiError('bad-request', `The DECA detail method makes ${DECA_UV_SIZE}² maps (D_detail's size), not ${size}²: leave out --size or use --method fitted`);
  if (size !== DECA_UV_SIZE) return { method: 'fitted' };
  const r = await decaMethodReadiness(model, detailDir);
  if (r.ready) return { method: 'deca', install: r.install, detailDir };
  if (requested === 'deca') throw new ApiError('bad-request', `The DECA detail method cannot run on pack "${model.id}": ${r.missing}`);
  return { method: 'fitted' };
}

/**
 * What names the installed detail networks and UV data: the SHA-256 of E_detail's and D_detail's
 * bytes, the mask and the fixed displacement, stored with a DECA-method layer so that installing
 * other networks or data makes it stale.
 *
 * ```ts
 * const stamp = await detailNetworksStamp(install); // 64 hex digits
 * ```
 */
export async function detailNetworksStamp(install: Pick<DecaDetailInstall, 'files' | 'maps'>): Promise<string> {
  const hash = createHash('sha256');
  for (const file of [install.files.encoder, install.files.decoder]) {
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
    hash.update('\0');
  }
  for (const map of [install.maps.mask, install.maps.fixed]) {
    hash.update(map ? new Uint8Array(map.buffer, map.byteOffset, map.byteLength) : new Uint8Array(0));
    hash.update('\0');
  }
  return hash.digest('hex');
}
