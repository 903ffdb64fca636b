import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import type { ImageFormat } from '../../core/api/contract';
import { writeFileAtomic } from './atomic-write';
import { makePrivateDir } from './make-private-dir';

const EXTENSION: Record<ImageFormat, string> = { jpeg: 'jpg', png: 'png', webp: 'webp', tiff: 'tif' };
const SHA256 = /^[0-9a-f]{64}$/;

/**
 * The project's content-addressed files: originals under `photos/ab/<sha256>.<ext>` and
 * thumbnails under `thumbs/ab/<sha256>.jpg`. A file is written before the row that counts it,
 * so a crash can leave an orphan file (swept on the next open) but never a row without a file.
 *
 * ```ts
 * const store = new ContentStore('/home/ann/Portraits.decastudio');
 * await store.putOriginal(sha, 'jpeg', bytes);
 * ```
 */
export class ContentStore {
  readonly photosDir: string;
  readonly thumbsDir: string;
  readonly tmpDir: string;

  constructor(projectDir: string) {
    this.photosDir = path.join(projectDir, 'photos');
    this.thumbsDir = path.join(projectDir, 'thumbs');
    this.tmpDir = path.join(projectDir, 'tmp');
  }

  async ensureLayout(): Promise<void> {
    for (const dir of [this.photosDir, this.thumbsDir, this.tmpDir]) await makePrivateDir(dir);
  }

  originalPath(sha256: string, format: ImageFormat): string {
    return path.join(this.photosDir, shard(sha256), `${sha256}.${EXTENSION[format]}`);
  }

  thumbnailPath(sha256: string): string {
    return path.join(this.thumbsDir, shard(sha256), `${sha256}.jpg`);
  }

  async putOriginal(sha256: string, format: ImageFormat, bytes: Uint8Array): Promise<void> {
    const target = this.originalPath(sha256, format);
    if (!existsSync(target)) await writeFileAtomic(target, bytes, this.tmpDir);
  }

  async putThumbnail(sha256: string, bytes: Uint8Array): Promise<void> {
    const target = this.thumbnailPath(sha256);
    if (!existsSync(target)) await writeFileAtomic(target, bytes, this.tmpDir);
  }

  /** Removes every file stored for this content (original in any format, thumbnail). */
  async removeContent(sha256: string): Promise<void> {
    const dir = path.join(this.photosDir, shard(sha256));
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    for (const name of names) if (name.startsWith(sha256)) await fs.rm(path.join(dir, name), { force: true });
    await fs.rm(this.thumbnailPath(sha256), { force: true });
  }

  /**
   * Deletes files that no row refers to and every leftover temporary file: what a crash between
   * "file written" and "row inserted" leaves behind. Returns how many files it removed.
   */
  async sweepOrphans(referenced: ReadonlySet<string>): Promise<number> {
    let removed = 0;
    for (const root of [this.photosDir, this.thumbsDir]) {
      for (const shardName of await fs.readdir(root).catch(() => [] as string[])) {
        const dir = path.join(root, shardName);
        for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
          const sha = name.split('.')[0] ?? '';
          if (SHA256.test(sha) && referenced.has(sha)) continue;
          await fs.rm(path.join(dir, name), { force: true, recursive: true });
          removed++;
        }
      }
    }
    for (const name of await fs.readdir(this.tmpDir).catch(() => [] as string[])) {
      await fs.rm(path.join(this.tmpDir, name), { force: true, recursive: true });
      removed++;
    }
    return removed;
  }
}

function shard(sha256: string): string {
  if (!SHA256.test(sha256)) throw new Error(`Not a SHA-256 content id: ${sha256}`);
  return sha256.slice(0, 2);
}
