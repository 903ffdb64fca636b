import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { decaFixedDisplacement, decaTemplateUv, decaUvMask, DECA_UV_SIZE, type DecaTemplateUv } from '../../core/deca/deca-uv-data';
import { appDataDir } from '../app-paths';
import { DecaDetail, type DecaDetailFiles, type DecaDetailMaps } from './deca-detail';

/** The user's files for `detail install`: the converted networks and DECA's UV data. */
export interface DecaDetailSources {
  /** E_detail converted by native-models/deca/convert_deca_detail.py. */
  encoder: string;
  /** D_detail converted by the same script. */
  decoder: string;
  /** DECA's data/head_template.obj (FLAME topology, per-corner UVs). */
  uvTemplate: string;
  /** DECA's data/uv_face_eye_mask.png. */
  mask: string;
  /** DECA's data/fixed_displacement_256.npy; without it no fixed displacement is added. */
  fixed?: string | null;
}

/** An installed detail model, read back. */
export interface DecaDetailInstall {
  files: DecaDetailFiles;
  maps: DecaDetailMaps;
  template: DecaTemplateUv;
}

interface DetailManifest {
  format: 'deca-detail';
  formatVersion: 1;
  uvSize: number;
  vertexCount: number;
  /** Installed file names, inside the folder. */
  files: { encoder: string; decoder: string; uvTemplate: string; mask: string; fixed: string | null };
  /** The names the user gave, for `detail` messages. */
  sources: Record<string, string | null>;
}

const FILES = { encoder: 'E_detail.onnx', decoder: 'D_detail.onnx', uvTemplate: 'head_template.obj', mask: 'uv-face-eye-mask.f32', fixed: 'fixed-displacement.f32' } as const;

/** Where the user's DECA detail networks and UV data are kept (beside the coarse encoder). */
export function installedDetailDir(dataDir = appDataDir()): string {
  return path.join(dataDir, 'deca', 'detail');
}

/**
 * Checks and installs DECA's detail networks with its UV data: the ONNX signatures, a probe run whose
 * outputs must be finite, head_template.obj's FLAME topology and UVs, the mask and the fixed
 * displacement (256², finite). Everything is written to a temporary folder and renamed into place, so
 * a failure leaves the earlier install (or none) as it was.
 *
 * ```ts
 * await installDetail({ encoder: 'E.onnx', decoder: 'D.onnx', uvTemplate: 'head_template.obj', mask: 'uv_face_eye_mask.png' });
 * ```
 */
export async function installDetail(src: DecaDetailSources, dataDir = appDataDir()): Promise<string> {
  const about = async <T>(file: string, what: () => Promise<T>): Promise<T> => {
    try {
      return await what();
    } catch (e) {
      throw new Error(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : (e as Error).message}`);
    }
  };
  const template = await about(src.uvTemplate, async () => decaTemplateUv(await fs.readFile(src.uvTemplate)));
  const mask = await about(src.mask, () => readMaskImage(src.mask));
  const fixed = src.fixed ? await about(src.fixed, async () => decaFixedDisplacement(await fs.readFile(src.fixed!))) : null;
  const nets = await DecaDetail.open({ encoder: src.encoder, decoder: src.decoder });
  try {
    await nets.probe();
  } finally {
    await nets.dispose();
  }

  const target = installedDetailDir(dataDir);
  const parent = path.dirname(target);
  await fs.mkdir(parent, { recursive: true });
  const tmp = path.join(parent, `.tmp-detail-${randomBytes(4).toString('hex')}`);
  await fs.mkdir(tmp);
  try {
    await fs.copyFile(src.encoder, path.join(tmp, FILES.encoder));
    await fs.copyFile(src.decoder, path.join(tmp, FILES.decoder));
    await fs.copyFile(src.uvTemplate, path.join(tmp, FILES.uvTemplate));
    await fs.writeFile(path.join(tmp, FILES.mask), littleEndian(mask));
    if (fixed) await fs.writeFile(path.join(tmp, FILES.fixed), littleEndian(fixed));
    const manifest: DetailManifest = {
      format: 'deca-detail',
      formatVersion: 1,
      uvSize: DECA_UV_SIZE,
      vertexCount: template.vertexCount,
      files: { ...FILES, fixed: fixed ? FILES.fixed : null },
      sources: { encoder: path.basename(src.encoder), decoder: path.basename(src.decoder), uvTemplate: path.basename(src.uvTemplate), mask: path.basename(src.mask), fixed: src.fixed ? path.basename(src.fixed) : null },
    };
    await fs.writeFile(path.join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const old = path.join(parent, `.old-detail-${randomBytes(4).toString('hex')}`);
    const hadOld = await fs.rename(target, old).then(() => true, () => false);
    await fs.rename(tmp, target);
    if (hadOld) await fs.rm(old, { recursive: true, force: true });
    return target;
  } catch (error) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Reads an installed detail model: the networks' paths, the mask, the fixed displacement and the
 * template's UVs.
 *
 * ```ts
 * const { files, maps, template } = await readDetailInstall();
 * ```
 */
export async function readDetailInstall(dir = installedDetailDir()): Promise<DecaDetailInstall> {
  let manifest: DetailManifest;
  try {
    manifest = JSON.parse(await fs.readFile(path.join(dir, 'manifest.json'), 'utf8')) as DetailManifest;
  } catch {
    throw new Error(`No DECA detail networks are installed at ${dir}: convert yours (native-models/deca/convert_deca_detail.py) and run "deca-studio detail install"`);
  }
  if (manifest.format !== 'deca-detail' || manifest.formatVersion !== 1 || manifest.uvSize !== DECA_UV_SIZE) throw new Error(`${dir}: not a DECA detail install this version can read; install it again`);
  const file = (name: string) => {
    if (path.basename(name) !== name) throw new Error(`${dir}: bad file name ${name}`);
    return path.join(dir, name);
  };
  const floats = async (name: string) => {
    const bytes = await fs.readFile(file(name));
    if (bytes.length !== DECA_UV_SIZE * DECA_UV_SIZE * 4) throw new Error(`${dir}: ${name} is damaged; install again`);
    const out = new Float32Array(DECA_UV_SIZE * DECA_UV_SIZE);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
    return out;
  };
  const f = manifest.files;
  return {
    files: { encoder: file(f.encoder), decoder: file(f.decoder) },
    maps: { mask: await floats(f.mask), fixed: f.fixed ? await floats(f.fixed) : null },
    template: decaTemplateUv(await fs.readFile(file(f.uvTemplate)), { vertexCount: manifest.vertexCount }),
  };
}

/** DECA's mask image as DECA reads it (first channel / 255, nearest-resized to 256²). */
async function readMaskImage(file: string): Promise<Float32Array> {
  let decoded;
  try {
    decoded = await sharp(file, { failOn: 'error' }).raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw new Error(`not a readable image (${(e as Error).message})`);
  }
  const { data, info } = decoded;
  return decaUvMask(new Uint8Array(data.buffer, data.byteOffset, data.length), info.width, info.height, info.channels);
}

function littleEndian(a: Float32Array): Uint8Array {
  const out = new Uint8Array(a.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < a.length; i++) view.setFloat32(i * 4, a[i]!, true);
  return out;
}
