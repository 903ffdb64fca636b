import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { PackInfo } from '../../core/api/contract';
import type { HeadModel } from '../../core/head-model/head-model';
import { decodeHeadPack, encodeHeadPack, HEAD_PACK_FORMAT, type HeadPackEncodeOptions, type HeadPackManifest } from '../../core/head-model/head-pack-codec';
import { appDataDir } from '../app-paths';
import { packTempName, sweepPackTemps } from './sweep-pack-temps';

/** What `packs list` shows per pack: what the UI sees, plus where it lives on disk. */
export interface PackSummary extends PackInfo {
  bytes: number;
  path: string;
}

/**
 * The folder of installed model packs, `appDataDir()/packs/<id>/` with `manifest.json` and `.bin`
 * arrays. Writes go to a temporary sibling first and are renamed into place, so a failed import
 * leaves no half pack behind; what a killed import left is swept on the next list, save or remove.
 *
 * ```ts
 * const store = new PackStore();
 * await store.save(model);
 * const again = await store.load('ict-facekit');
 * ```
 */
export class PackStore {
  constructor(readonly dir: string = path.join(appDataDir(), 'packs')) {}

  async list(): Promise<PackSummary[]> {
    await sweepPackTemps(this.dir);
    const names = await fs.readdir(this.dir).catch(() => [] as string[]);
    const out: PackSummary[] = [];
    for (const name of names.sort()) {
      if (name.startsWith('.')) continue;
      const manifest = await this.readManifest(name).catch(() => null);
      if (!manifest) continue;
      const bytes = Object.values(manifest.arrays).reduce((s, a) => s + a.length * (a.dtype === 'float16' ? 2 : 4), 0);
      out.push({
        id: manifest.id,
        name: manifest.name,
        license: manifest.license,
        vertexCount: manifest.vertexCount,
        triangleCount: manifest.triangleCount,
        shapeCount: manifest.shapeCount,
        expressionCount: manifest.expressionCount,
        jointNames: manifest.jointNames,
        bytes,
        path: path.join(this.dir, name),
      });
    }
    return out;
  }

  /** The manifest of an installed pack; a clear error when there is none. */
  async readManifest(id: string): Promise<HeadPackManifest> {
    checkId(id);
    const file = path.join(this.dir, id, 'manifest.json');
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch {
      throw new Error(`No model pack "${id}" (looked in ${this.dir})`);
    }
    const manifest = JSON.parse(text) as HeadPackManifest;
    if (manifest.format !== HEAD_PACK_FORMAT) throw new Error(`${file} is not a head pack manifest`);
    return manifest;
  }

  /** Writes (or replaces) a pack atomically; returns its folder. */
  async save(model: HeadModel, options: Partial<HeadPackEncodeOptions> = {}): Promise<string> {
    checkId(model.id);
    const { manifest, files } = encodeHeadPack(model, options);
    await fs.mkdir(this.dir, { recursive: true });
    await sweepPackTemps(this.dir);
    const tmp = path.join(this.dir, packTempName('tmp', model.id, randomBytes(4).toString('hex')));
    await fs.mkdir(tmp);
    try {
      for (const [key, entry] of Object.entries(manifest.arrays)) {
        const bytes = files.get(entry.file)!;
        manifest.arrays[key] = { ...entry, sha256: createHash('sha256').update(bytes).digest('hex') };
        await fs.writeFile(path.join(tmp, entry.file), bytes);
      }
      await fs.writeFile(path.join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      const final = path.join(this.dir, model.id);
      const old = path.join(this.dir, packTempName('old', model.id, randomBytes(4).toString('hex')));
      const hadOld = await fs.rename(final, old).then(() => true, () => false);
      await fs.rename(tmp, final);
      if (hadOld) await fs.rm(old, { recursive: true, force: true });
      return final;
    } catch (error) {
      await fs.rm(tmp, { recursive: true, force: true });
      throw error;
    }
  }

  /** Loads a pack, verifying every file's SHA-256 against the manifest first. */
  async load(id: string): Promise<HeadModel> {
    const manifest = await this.readManifest(id);
    const dir = path.join(this.dir, id);
    const bytes = new Map<string, Uint8Array>();
    await Promise.all(
      Object.values(manifest.arrays).map(async (a) => {
        if (path.basename(a.file) !== a.file) throw new Error(`Pack ${id}: bad file name ${a.file}`);
        const data = await fs.readFile(path.join(dir, a.file));
        const sha = createHash('sha256').update(data).digest('hex');
        if (sha !== a.sha256) throw new Error(`Pack ${id}: ${a.file} is damaged (SHA-256 mismatch); import the model again`);
        bytes.set(a.file, data);
      }),
    );
    return decodeHeadPack(manifest, (file) => bytes.get(file)!);
  }

  async remove(id: string): Promise<void> {
    await sweepPackTemps(this.dir);
    await this.readManifest(id);
    await fs.rm(path.join(this.dir, id), { recursive: true, force: true });
  }
}

function checkId(id: string): void {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(id)) throw new Error(`"${id}" is not a pack id (lowercase letters, digits and dashes)`);
}
