import { randomBytes } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import { ApiError } from '../../core/api/api-error';
import { INPUT_LIMITS, LimitError } from '../../core/limits/input-limits';
import { describeNonImage, sniffFormat } from '../import/probe-image';
import type { ImportSource } from '../import/collect-sources';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../project/make-private-dir';

export const MAX_UPLOAD_BYTES = INPUT_LIMITS.uploadBytes;

/**
 * Holds files a UI handed over as bytes (browser drag and drop, where no path is known) until an
 * import job takes them. They live in the project's `tmp/staging/`, which the next open sweeps. Only
 * images are staged: bytes whose first bytes are no JPEG, PNG, WebP or TIFF signature are refused.
 *
 * ```ts
 * const id = await staging.put('face.jpg', bytes);
 * const sources = staging.take([id]);
 * ```
 */
export class StagingArea {
  private readonly entries = new Map<string, { name: string; file: string }>();

  constructor(private readonly dir: string) {}

  async put(name: string, bytes: Uint8Array): Promise<string> {
    if (bytes.byteLength > MAX_UPLOAD_BYTES) throw new LimitError('uploadBytes', 'The file is bigger');
    const head = bytes.subarray(0, INPUT_LIMITS.uploadSniffBytes);
    if (bytes.byteLength === 0) throw new ApiError('bad-request', 'The file is empty (0 bytes); nothing was stored');
    if (!sniffFormat(head)) throw new ApiError('bad-request', `Not a JPEG, PNG, WebP or TIFF image: the content is ${describeNonImage(head)}; nothing was stored`);
    const { id, file } = await this.allocate();
    await fs.writeFile(file, bytes, { mode: PRIVATE_FILE_MODE });
    this.entries.set(id, { name: cleanName(name), file });
    return id;
  }

  /** Streams an upload to disk, refusing it once it passes `MAX_UPLOAD_BYTES`. */
  async putStream(name: string, body: Readable): Promise<string> {
    const { id, file } = await this.allocate();
    let seen = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        seen += chunk.length;
        cb(seen > MAX_UPLOAD_BYTES ? new LimitError('uploadBytes', 'The upload is bigger') : null, chunk);
      },
    });
    try {
      await pipeline(body, limit, createWriteStream(file, { flags: 'wx', mode: PRIVATE_FILE_MODE }));
    } catch (error) {
      await fs.rm(file, { force: true });
      throw error;
    }
    this.entries.set(id, { name: cleanName(name), file });
    return id;
  }

  /** Hands staged files to an import; unknown ids are a bad request. */
  take(ids: readonly string[]): ImportSource[] {
    return ids.map((id) => {
      const entry = this.entries.get(id);
      if (!entry) throw new ApiError('bad-request', `No staged upload ${id} (uploads last until the project closes)`);
      this.entries.delete(id);
      return { source: entry.name, name: entry.name, file: entry.file, folder: null };
    });
  }

  async release(sources: readonly ImportSource[]): Promise<void> {
    for (const s of sources) if (s.file.startsWith(this.dir + path.sep)) await fs.rm(s.file, { force: true });
  }

  private async allocate(): Promise<{ id: string; file: string }> {
    await makePrivateDir(this.dir);
    const id = randomBytes(16).toString('hex');
    return { id, file: path.join(this.dir, id) };
  }
}

/** Keeps only a plain file name: an upload's name is display text, never a path. */
function cleanName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 255).trim();
  return clean || 'upload';
}
