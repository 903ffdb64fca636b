import type { IncomingMessage } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import { ApiError } from '../../core/api/api-error';
import { formatBytes, INPUT_LIMITS, LimitError } from '../../core/limits/input-limits';
import { describeNonImage, sniffFormat } from '../import/probe-image';

export interface UploadGuardOptions {
  /** Largest upload; a bigger declared Content-Length is refused before a byte is read. */
  maxBytes: number;
  /** Leading bytes that must say JPEG, PNG, WebP or TIFF before anything is passed on. */
  sniffBytes: number;
}

export const UPLOAD_GUARD_DEFAULTS: UploadGuardOptions = { maxBytes: INPUT_LIMITS.uploadBytes, sniffBytes: INPUT_LIMITS.uploadSniffBytes };

/**
 * The body of an upload as a stream that only carries an image: the declared size is checked first,
 * then the first `sniffBytes` must be a JPEG, PNG, WebP or TIFF signature, and only then does
 * anything flow on (to the staging area). A refusal errors the returned stream at once, with a clear
 * message, so the server can answer while the client is still sending; the rest of a refused body is
 * read and dropped (never stored) so that the answer reaches the client on a healthy connection.
 *
 * ```ts
 * const stagedId = await studio.staging.putStream(name, guardUpload(req));
 * ```
 */
export function guardUpload(req: IncomingMessage, options: Partial<UploadGuardOptions> = {}): Readable {
  const o = { ...UPLOAD_GUARD_DEFAULTS, ...options };
  const out = new PassThrough();
  // A refusal can come before the consumer has piped the stream; it then finds the stream errored.
  out.on('error', () => undefined);
  let seen = 0;
  let head: Buffer[] = [];
  let sniffed = false;

  const refuse = (error: Error, drain: boolean) => {
    req.off('data', onData);
    req.off('end', onEnd);
    out.destroy(error);
    if (!drain) return;
    // Read and drop the rest, up to the upload limit: the answer then arrives on a connection in good order.
    let dropped = seen;
    req.on('data', (chunk: Buffer) => {
      if ((dropped += chunk.length) > o.maxBytes) req.destroy();
    });
    req.resume();
  };
  const check = (first: Buffer): Error | null => {
    if (first.length === 0) return new ApiError('bad-request', 'The file is empty (0 bytes); nothing was stored');
    if (sniffFormat(first)) return null;
    return new ApiError('bad-request', `Not a JPEG, PNG, WebP or TIFF image: the content is ${describeNonImage(first)} (judged by its first ${first.length} bytes); nothing was stored`);
  };
  const pass = (chunk: Buffer) => {
    if (!out.write(chunk)) req.pause();
  };
  const onData = (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > o.maxBytes) return refuse(new LimitError('uploadBytes', `The upload is over ${formatBytes(o.maxBytes)}`, { ...INPUT_LIMITS, uploadBytes: o.maxBytes }), false);
    if (sniffed) return pass(chunk);
    head.push(chunk);
    if (seen < o.sniffBytes) return;
    sniffed = true;
    const first = Buffer.concat(head);
    head = [];
    const problem = check(first.subarray(0, o.sniffBytes));
    if (problem) return refuse(problem, true);
    pass(first);
  };
  const onEnd = () => {
    if (!sniffed) {
      const first = Buffer.concat(head);
      const problem = check(first);
      if (problem) return refuse(problem, false);
      out.write(first);
    }
    out.end();
  };

  const declared = Number(req.headers['content-length']);
  if (declared > o.maxBytes) {
    process.nextTick(() => refuse(new LimitError('uploadBytes', `The upload declares ${formatBytes(declared)}`, { ...INPUT_LIMITS, uploadBytes: o.maxBytes }), false));
    return out;
  }
  out.on('drain', () => req.resume());
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', (error) => out.destroy(error));
  req.on('aborted', () => out.destroy(new Error('The upload was aborted by the client')));
  return out;
}
